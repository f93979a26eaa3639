"""Checks of a parameter file against the template, without calling AWS.

Parameter types and constraints as the CloudFormation User Guide describes them ("Parameters":
Type, AllowedValues, AllowedPattern, MinValue/MaxValue, MinLength/MaxLength, and the
AWS-specific types such as `List<AWS::EC2::Subnet::Id>`). Two rules of our own: a rolling update
needs `ClusterMaxSize` above `ClusterSize` ("MinInstancesInService must be less than the
autoscaling group's MaxSize", User Guide, "UpdatePolicy attribute"), and a role or instance
profile is given by its bare name (`AWS::IAM::Policy` `Roles` takes names matching
`[\\w+=,.@-]+`, no path).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

from ecs_cluster_manager.ops.checks import Check, failed, passed

# The id shapes of the AWS-specific parameter types CloudFormation checks before creating.
_ID_PATTERNS = {
    "AWS::EC2::Subnet::Id": r"subnet-[0-9a-f]{8,17}",
    "AWS::EC2::SecurityGroup::Id": r"sg-[0-9a-f]{8,17}",
    "AWS::EC2::VPC::Id": r"vpc-[0-9a-f]{8,17}",
    "AWS::EC2::Image::Id": r"ami-[0-9a-f]{8,17}",
}
_BARE_NAMES = ("LambdaFunctionRole", "IamRoleInstanceProfile")


def _type_problem(spec: Mapping[str, Any], value: str) -> str | None:
    kind = str(spec.get("Type", "String"))
    if kind.startswith("AWS::SSM::Parameter::Value<"):
        return None if re.fullmatch(r"[\w./-]+", value) else "is not an SSM parameter name"
    inner = kind[5:-1] if kind.startswith("List<") else kind
    items = [v.strip() for v in value.split(",")] if kind.startswith("List<") else [value]
    if inner in _ID_PATTERNS:
        bad = [v for v in items if not re.fullmatch(_ID_PATTERNS[inner], v)]
        return f"has {', '.join(repr(b) for b in bad)}, not {inner}" if bad else None
    if kind == "Number":
        try:
            number = float(value)
        except ValueError:
            return "is not a number"
        if "MinValue" in spec and number < float(spec["MinValue"]):
            return f"is below its minimum {spec['MinValue']}"
        if "MaxValue" in spec and number > float(spec["MaxValue"]):
            return f"is above its maximum {spec['MaxValue']}"
        return None
    if "AllowedPattern" in spec and not re.fullmatch(str(spec["AllowedPattern"]), value):
        return f"does not match {spec['AllowedPattern']} ({spec.get('ConstraintDescription', '')})"
    if "MinLength" in spec and len(value) < int(spec["MinLength"]):
        return f"is shorter than {spec['MinLength']} characters"
    if "MaxLength" in spec and len(value) > int(spec["MaxLength"]):
        return f"is longer than {spec['MaxLength']} characters"
    return None


def _allowed_problem(spec: Mapping[str, Any], value: str) -> str | None:
    allowed = [str(v).lower() if isinstance(v, bool) else str(v)
               for v in spec.get("AllowedValues", [])]
    if allowed and value not in allowed:
        return f"is not one of {', '.join(allowed)}"
    return None


def names_check(template_parameters: Mapping[str, Any], values: Mapping[str, str]) -> Check:
    unknown = sorted(set(values) - set(template_parameters))
    missing = sorted(n for n, spec in template_parameters.items()
                     if "Default" not in spec and n not in values)
    if not unknown and not missing:
        return passed("parameter names", f"{len(values)} parameters, all known to the template")
    parts = []
    for name in unknown:
        close = difflib.get_close_matches(name, list(template_parameters), n=1)
        parts.append(f"unknown {name}" + (f" (did you mean {close[0]}?)" if close else ""))
    parts += [f"missing {name} (it has no default)" for name in missing]
    return failed("parameter names", "; ".join(parts),
                  "fix the names, or start from cloudformation/blank_parameter_file.json")


def value_checks(template_parameters: Mapping[str, Any], values: Mapping[str, str]) -> Check:
    problems = []
    for name, value in values.items():
        spec = template_parameters.get(name)
        if spec is None:
            continue
        problem = _allowed_problem(spec, value) or _type_problem(spec, value)
        if problem:
            problems.append(f"{name}={value!r} {problem}")
    if not problems:
        return passed("parameter values", "types, allowed values and patterns hold")
    return failed("parameter values", "; ".join(problems),
                  "correct these values (the template's Parameters section describes each)")


def _effective(template_parameters: Mapping[str, Any], values: Mapping[str, str],
               name: str) -> str:
    default = template_parameters.get(name, {}).get("Default", "")
    return values.get(name, str(default))


def size_check(template_parameters: Mapping[str, Any], values: Mapping[str, str]) -> Check:
    name = "ClusterMaxSize > ClusterSize"
    try:
        size = int(_effective(template_parameters, values, "ClusterSize"))
        maximum = int(_effective(template_parameters, values, "ClusterMaxSize"))
    except ValueError:
        return failed(name, "ClusterSize or ClusterMaxSize is not a whole number",
                      "give both as whole numbers")
    if maximum > size:
        return passed(name, f"{maximum} > {size}: a rolling update has room to launch")
    return failed(name, f"ClusterMaxSize {maximum} is not above ClusterSize {size}, so the "
                  "first rolling update fails (MinInstancesInService must be less than MaxSize)",
                  f"set ClusterMaxSize to at least {size + 1}")


def bare_name_check(template_parameters: Mapping[str, Any], values: Mapping[str, str]) -> Check:
    name = "role and profile names"
    pathed = [(k, values[k]) for k in _BARE_NAMES if "/" in values.get(k, "")]
    if not pathed:
        return passed(name, "given without an IAM path (or left empty)")
    key, value = pathed[0]
    bare = value.rstrip("/").rsplit("/", 1)[-1]
    path_parameter = f"{key}Path"
    where = (f" and the path in {path_parameter}" if path_parameter in template_parameters
             else "")
    return failed(name, f"{key}={value!r} includes an IAM path; CloudFormation accepts only "
                  "the bare name there", f"set {key} to {bare!r}{where}")


def offline_checks(template: Mapping[str, Any], values: Mapping[str, str]) -> list[Check]:
    parameters: Mapping[str, Any] = template.get("Parameters", {})
    return [names_check(parameters, values), value_checks(parameters, values),
            size_check(parameters, values), bare_name_check(parameters, values)]
