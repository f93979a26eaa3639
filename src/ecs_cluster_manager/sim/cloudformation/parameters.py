"""Template parameters: types, defaults, constraints, UsePreviousValue and SSM parameter types.

Follows "Parameters" in the CloudFormation User Guide
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html)
and "Specify existing resources at runtime with CloudFormation-supplied parameter types"
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html):
every value arrives as a string; `Number` must parse as a number within MinValue/MaxValue;
`List<…>` and `CommaDelimitedList` are comma-separated and `Ref` gives a list; an
`AWS::SSM::Parameter::Value<…>` parameter's value is the name of an SSM parameter, which
CloudFormation reads on every create and update, and DescribeStacks shows the name as
ParameterValue and what it read as ResolvedValue (API_Parameter,
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Parameter.html).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ecs_cluster_manager.sim.errors import AwsError
from ecs_cluster_manager.template import as_parameter_string

SSM_PREFIX = "AWS::SSM::Parameter::Value<"
ReadSsm = Callable[[str], str]


def _invalid(message: str) -> AwsError:
    return AwsError("ValidationError", message)


@dataclass
class ResolvedParameters:
    given: dict[str, str] = field(default_factory=dict)  # ParameterValue, as the caller gave
    resolved: dict[str, str] = field(default_factory=dict)  # ResolvedValue of SSM types
    types: dict[str, str] = field(default_factory=dict)

    def value(self, name: str) -> Any:
        """What `Ref` returns: a string, or a list for list types."""
        text = self.resolved.get(name, self.given[name])
        kind = self.types[name]
        if kind.startswith("List<") or kind == "CommaDelimitedList" or (
                kind.startswith(SSM_PREFIX + "List<")):
            return [item.strip() for item in text.split(",")] if text else []
        return text

    def describe(self) -> list[dict[str, str]]:
        described = []
        for name, value in self.given.items():
            entry = {"ParameterKey": name, "ParameterValue": value}
            if name in self.resolved:
                entry["ResolvedValue"] = self.resolved[name]
            described.append(entry)
        return described


def resolve_parameters(template: Mapping[str, Any], supplied: list[dict[str, Any]],
                       previous: ResolvedParameters | None, read_ssm: ReadSsm
                       ) -> ResolvedParameters:
    """Check the caller's parameters against the template and read SSM-typed ones."""
    declared: dict[str, dict[str, Any]] = dict(template.get("Parameters") or {})
    by_key: dict[str, dict[str, Any]] = {p["ParameterKey"]: p for p in supplied}
    unknown = sorted(set(by_key) - set(declared))
    if unknown:
        raise _invalid(f"Parameters: [{', '.join(unknown)}] do not exist in the template")
    out = ResolvedParameters()
    missing = []
    for name, spec in declared.items():
        entry = by_key.get(name)
        if entry is not None and entry.get("UsePreviousValue"):
            if previous is None or name not in previous.given:
                raise _invalid(f"Invalid input for parameter key {name}. Cannot specify "
                               "usePreviousValue as true for a parameter key not in the "
                               "previous template")
            value: str | None = previous.given[name]
        elif entry is not None:
            value = str(entry.get("ParameterValue", ""))
        elif "Default" in spec:
            value = as_parameter_string(spec["Default"])
        else:
            value = None
        if value is None:
            missing.append(name)
            continue
        kind = str(spec.get("Type", "String"))
        _check(name, kind, value, spec)
        out.given[name], out.types[name] = value, kind
        if kind.startswith(SSM_PREFIX):
            out.resolved[name] = _read(name, value, read_ssm)
    if missing:
        raise _invalid(f"Parameters: [{', '.join(missing)}] must have values")
    return out


def _read(name: str, ssm_name: str, read_ssm: ReadSsm) -> str:
    try:
        return read_ssm(ssm_name)
    except AwsError:
        raise _invalid(f"Unable to fetch parameters [{ssm_name}] from parameter store for "
                       "this account.") from None




def _check(name: str, kind: str, value: str, spec: Mapping[str, Any]) -> None:
    """Refuse a value outside the parameter's constraints. With a ConstraintDescription the
    message carries it instead of the raw constraint ("Parameters", ConstraintDescription)."""
    try:
        _check_constraints(name, kind, value, spec)
    except AwsError as error:
        description = spec.get("ConstraintDescription")
        if description is None or not error.message.startswith(f"Parameter '{name}' must"):
            raise
        raise _invalid(f"Parameter '{name}' failed to satisfy constraint: "
                       f"{' '.join(str(description).split())}") from None


def _check_constraints(name: str, kind: str, value: str, spec: Mapping[str, Any]) -> None:
    allowed = spec.get("AllowedValues")
    if allowed is not None and value not in [as_parameter_string(a) for a in allowed]:
        raise _invalid(f"Parameter '{name}' must be one of AllowedValues")
    pattern = spec.get("AllowedPattern")
    if pattern is not None and kind == "String" and not re.fullmatch(str(pattern), value):
        raise _invalid(f"Parameter '{name}' must match pattern {pattern}")
    if kind == "Number":
        try:
            number = float(value)
        except ValueError:
            raise _invalid(f"Parameter '{name}' must be a number.") from None
        if "MinValue" in spec and number < float(spec["MinValue"]):
            raise _invalid(f"Parameter '{name}' must be a number not less than "
                           f"{spec['MinValue']}")
        if "MaxValue" in spec and number > float(spec["MaxValue"]):
            raise _invalid(f"Parameter '{name}' must be a number not greater than "
                           f"{spec['MaxValue']}")
    if kind.startswith("List<AWS::EC2::") and not value:
        # AWS-specific list types must name at least one existing resource.
        raise _invalid(f"Parameter '{name}' must have at least one value")
