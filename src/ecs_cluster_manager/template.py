"""Read the CloudFormation template and expose the settings other code must not copy.

The simulator and the tests take hook timeouts, rule patterns and function settings from here,
so the template stays the single source of truth. YAML short-form tags (`!Ref`, `!Sub`, ...)
become their long JSON forms (`{"Ref": ...}`, `{"Fn::Sub": ...}`), which is also what
`aws cloudformation get-template` returns, so callers handle one shape only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ecs_cluster_manager.errors import UserError

TEMPLATE_RELATIVE_PATH = Path("cloudformation") / "ecs-cluster.yaml"
ASG_LOGICAL_ID = "EcsAutoScalingGroup"

# Tags whose long form is `{"Fn::<Name>": value}`; Ref, Condition and GetAtt are special cases.
_FN_TAGS = (
    "And", "Base64", "Cidr", "Equals", "FindInMap", "GetAZs", "If", "ImportValue",
    "Join", "Not", "Or", "Select", "Split", "Sub", "Transform", "Length", "ToJsonString",
)  # fmt: skip

JsonValue = Any  # what json.loads would return; CloudFormation templates are JSON documents


class TemplateError(UserError):
    """The template is missing, unreadable, or lacks a resource this project relies on."""


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that understands CloudFormation's short-form intrinsic function tags."""


def _node_value(loader: yaml.SafeLoader, node: yaml.Node) -> JsonValue:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    raise TemplateError(f"unsupported YAML node {node!r} in template")  # pragma: no cover


def _long_form(key: str) -> Any:
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, JsonValue]:
        return {key: _node_value(loader, node)}

    return construct


def _get_att(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, JsonValue]:
    value = _node_value(loader, node)
    if isinstance(value, str):
        # `!GetAtt Resource.Attr.Maybe.Dotted` splits at the first dot only.
        resource, _, attribute = value.partition(".")
        value = [resource, attribute]
    return {"Fn::GetAtt": value}


_CfnLoader.add_constructor("!Ref", _long_form("Ref"))
_CfnLoader.add_constructor("!Condition", _long_form("Condition"))
_CfnLoader.add_constructor("!GetAtt", _get_att)
for _name in _FN_TAGS:
    _CfnLoader.add_constructor(f"!{_name}", _long_form(f"Fn::{_name}"))


def default_template_path() -> Path:
    """Find `cloudformation/ecs-cluster.yaml` by walking up from this module (editable install)."""
    here = Path(__file__).resolve()
    for directory in here.parents:
        candidate = directory / TEMPLATE_RELATIVE_PATH
        if candidate.is_file():
            return candidate
    raise TemplateError(
        f"cannot find {TEMPLATE_RELATIVE_PATH} in any parent directory of {here.parent}; "
        "run from a checkout of the repository (pip install -e .) or pass the template path."
    )


def load_template(path: Path | None = None) -> dict[str, JsonValue]:
    """Parse the template (default: the repository's) into plain dicts with long-form intrinsics."""
    path = default_template_path() if path is None else path
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise TemplateError(f"cannot read template {path}: {error.strerror}") from None
    try:
        document = yaml.load(text, Loader=_CfnLoader)  # a SafeLoader subclass: no arbitrary objects
    except yaml.YAMLError as error:
        raise TemplateError(f"template {path} is not valid YAML: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        raise TemplateError(f"template {path} has no Resources mapping; is it a template?")
    return document


def _resources(template: Mapping[str, JsonValue], type_name: str) -> dict[str, JsonValue]:
    resources: dict[str, JsonValue] = template["Resources"]
    return {lid: res for lid, res in resources.items() if res.get("Type") == type_name}


@dataclass(frozen=True)
class HookSetting:
    """One lifecycle hook as the Auto Scaling group declares it (values as written)."""

    name: JsonValue  # e.g. {"Fn::Sub": "${AWS::StackName}-launch-hook"}
    transition: str  # autoscaling:EC2_INSTANCE_LAUNCHING | autoscaling:EC2_INSTANCE_TERMINATING
    heartbeat_timeout: JsonValue  # e.g. {"Ref": "LifecycleHookHeartbeatTimeout"}
    default_result: JsonValue


@dataclass(frozen=True)
class RuleSetting:
    """One EventBridge rule: its pattern or schedule, and the logical ids of its targets."""

    event_pattern: dict[str, JsonValue] | None
    schedule_expression: str | None
    targets: tuple[str, ...]
    raw_targets: tuple[dict[str, JsonValue], ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class FunctionSetting:
    handler: str
    runtime: str
    timeout: JsonValue
    memory: JsonValue
    architectures: tuple[str, ...]
    environment: dict[str, JsonValue]


def lifecycle_hooks(template: Mapping[str, JsonValue]) -> list[HookSetting]:
    """The hooks declared inside the Auto Scaling group (not separate LifecycleHook resources)."""
    groups = _resources(template, "AWS::AutoScaling::AutoScalingGroup")
    if ASG_LOGICAL_ID not in groups:
        raise TemplateError(f"template has no AWS::AutoScaling::AutoScalingGroup {ASG_LOGICAL_ID}")
    specs = groups[ASG_LOGICAL_ID]["Properties"].get("LifecycleHookSpecificationList", [])
    return [
        HookSetting(
            name=spec["LifecycleHookName"],
            transition=spec["LifecycleTransition"],
            heartbeat_timeout=spec.get("HeartbeatTimeout"),
            default_result=spec.get("DefaultResult"),
        )
        for spec in specs
    ]


def _target_logical_id(target: Mapping[str, JsonValue]) -> str:
    arn = target.get("Arn")
    if isinstance(arn, dict) and "Fn::GetAtt" in arn:
        return str(arn["Fn::GetAtt"][0])
    return str(target.get("Id", ""))


def rule_patterns(template: Mapping[str, JsonValue]) -> dict[str, RuleSetting]:
    """Every AWS::Events::Rule by logical id; targets are the logical ids their Arns point at."""
    rules: dict[str, RuleSetting] = {}
    for logical_id, resource in _resources(template, "AWS::Events::Rule").items():
        properties = resource["Properties"]
        targets = tuple(properties.get("Targets", []))
        rules[logical_id] = RuleSetting(
            event_pattern=properties.get("EventPattern"),
            schedule_expression=properties.get("ScheduleExpression"),
            targets=tuple(_target_logical_id(t) for t in targets),
            raw_targets=targets,
        )
    return rules


def function_settings(template: Mapping[str, JsonValue]) -> dict[str, FunctionSetting]:
    """Every AWS::Lambda::Function by logical id, with its settings as written."""
    functions: dict[str, FunctionSetting] = {}
    for logical_id, resource in _resources(template, "AWS::Lambda::Function").items():
        properties = resource["Properties"]
        functions[logical_id] = FunctionSetting(
            handler=properties["Handler"],
            runtime=properties["Runtime"],
            timeout=properties.get("Timeout"),
            memory=properties.get("MemorySize"),
            architectures=tuple(properties.get("Architectures", ["x86_64"])),
            environment=dict(properties.get("Environment", {}).get("Variables", {})),
        )
    return functions


def parameter_defaults(template: Mapping[str, JsonValue]) -> dict[str, str]:
    """Parameter name → Default as a string (CloudFormation passes every value as a string).

    Parameters without a Default (the ones a parameter file must supply) are left out.
    """
    parameters: dict[str, JsonValue] = template.get("Parameters", {})
    return {
        name: as_parameter_string(spec["Default"])
        for name, spec in parameters.items()
        if "Default" in spec
    }


def as_parameter_string(value: Any) -> str:
    """A template value in the string form CloudFormation uses for parameters and Sub: booleans
    lower-case, lists comma-joined."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(as_parameter_string(item) for item in value)
    return str(value)


def resolve(
    value: JsonValue, parameters: Mapping[str, str], attributes: Mapping[str, str] | None = None
) -> JsonValue:
    """Evaluate `Ref`, string `Fn::Sub` and `Fn::GetAtt` with the values you supply.

    `parameters` maps parameter names, pseudo parameters (`AWS::StackName`) and resource logical
    ids (what `Ref` returns) to values; `attributes` maps "LogicalId.Attribute" for GetAtt.
    Enough for hook names, rule patterns and environment values; any other intrinsic, or a
    name not supplied, raises TemplateError naming the expression.
    """
    known = dict(parameters)
    known.update(attributes or {})
    return _resolve(value, known)


def _resolve(value: JsonValue, known: Mapping[str, str]) -> JsonValue:
    if isinstance(value, list):
        return [_resolve(item, known) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"}:
        return _lookup(value["Ref"], known, value)
    if set(value) == {"Fn::GetAtt"}:
        return _lookup(".".join(value["Fn::GetAtt"]), known, value)
    if set(value) == {"Fn::Sub"} and isinstance(value["Fn::Sub"], str):
        return _substitute(value["Fn::Sub"], known, value)
    if len(value) == 1 and next(iter(value)).startswith("Fn::"):
        raise TemplateError(f"cannot resolve {value!r} without deploying; pass its value instead")
    return {key: _resolve(item, known) for key, item in value.items()}


def _lookup(name: str, parameters: Mapping[str, str], expression: JsonValue) -> str:
    if name not in parameters:
        raise TemplateError(
            f"{expression!r} refers to {name!r}, which is not among the given parameters "
            f"({', '.join(sorted(parameters)) or 'none'}); add it to the parameters mapping."
        )
    return parameters[name]


def _substitute(text: str, parameters: Mapping[str, str], expression: JsonValue) -> str:
    out: list[str] = []
    rest = text
    while "${" in rest:
        before, _, after = rest.partition("${")
        name, closed, rest = after.partition("}")
        if not closed:
            raise TemplateError(f"unterminated ${{ in {expression!r}")
        out.append(before)
        # `${!Literal}` is CloudFormation's escape for a literal `${Literal}`.
        literal = name.startswith("!")
        out.append("${" + name[1:] + "}" if literal else _lookup(name, parameters, expression))
    out.append(rest)
    return "".join(out)
