"""The template's Rules section: assertions over parameter values, checked before any resource.

Follows "CloudFormation template Rules syntax"
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/rules-section-structure.html) and
"Rule functions" (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-rules.html):
a rule whose RuleCondition holds (or that has none) has every Assert evaluated; a false one
refuses the CreateStack, UpdateStack or CreateChangeSet call with a ValidationError, and no
resource is touched. The pages do not quote the API's message; we answer with the assertion's
AssertDescription (or a generic text when it has none), the most useful reading for the caller.
Only the rule functions a template can use are evaluated: Fn::And, Fn::Or, Fn::Not, Fn::Equals,
Fn::Contains, Fn::EachMemberEquals, Fn::EachMemberIn and Ref; anything else (Fn::ValueOf,
Fn::ValueOfAll, Fn::RefAll need resource metadata the simulator does not have) is refused as not
modelled rather than assumed true.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ecs_cluster_manager.sim.errors import AwsError

RefValue = Callable[[str], Any]


def _not_modelled(function: str) -> AwsError:
    return AwsError("ValidationError", f"Template format error: rule function {function} is not "
                    "modelled by the simulator")


def _evaluate(node: Any, ref: RefValue) -> Any:
    if not isinstance(node, Mapping):
        return [_evaluate(item, ref) for item in node] if isinstance(node, list) else node
    if len(node) != 1:
        raise AwsError("ValidationError", f"Template format error: malformed rule expression {node}")
    function, argument = next(iter(node.items()))
    if function == "Ref":
        return ref(str(argument))
    values = _evaluate(argument, ref)
    if function == "Fn::Not":
        return not _truth(values[0])
    if function == "Fn::And":
        return all(_truth(v) for v in values)
    if function == "Fn::Or":
        return any(_truth(v) for v in values)
    if function == "Fn::Equals":
        return _text(values[0]) == _text(values[1])
    if function == "Fn::Contains":
        return _text(values[1]) in [_text(v) for v in values[0]]
    if function == "Fn::EachMemberEquals":
        return all(_text(v) == _text(values[1]) for v in values[0])
    if function == "Fn::EachMemberIn":
        allowed = {_text(v) for v in values[1]}
        return all(_text(v) in allowed for v in values[0])
    raise _not_modelled(function)


def _text(value: Any) -> str:
    return "true" if value is True else "false" if value is False else str(value)


def _truth(value: Any) -> bool:
    return value is True or _text(value) == "true"


def check_rules(template: Mapping[str, Any], ref: RefValue) -> None:
    """Raise ValidationError for the first failing assertion of the template's Rules."""
    for rule in (template.get("Rules") or {}).values():
        condition = rule.get("RuleCondition")
        if condition is not None and not _truth(_evaluate(condition, ref)):
            continue
        for assertion in rule.get("Assertions", []):
            if not _truth(_evaluate(assertion["Assert"], ref)):
                raise AwsError("ValidationError", str(
                    assertion.get("AssertDescription") or "Template rule assertion failed"))
