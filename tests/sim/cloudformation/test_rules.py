"""The template's Rules section is checked before any resource, as CloudFormation does."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_cluster_manager.sim.cloudformation.rules import check_rules
from ecs_cluster_manager.sim.errors import AwsError
from ecs_cluster_manager.sim.project_stack import ProjectStack, example_parameters

VALUES = {"Size": "3", "Max": "3", "Env": "prod", "Zones": ["a", "b"]}


def _rule(assertion: dict[str, Any], condition: dict[str, Any] | None = None) -> dict[str, Any]:
    rule: dict[str, Any] = {"Assertions": [{"Assert": assertion, "AssertDescription": "nope"}]}
    if condition is not None:
        rule["RuleCondition"] = condition
    return {"Rules": {"R": rule}}


def _check(template: dict[str, Any]) -> str | None:
    try:
        check_rules(template, lambda name: VALUES[name])
    except AwsError as error:
        assert error.code == "ValidationError"
        return error.message
    return None


@pytest.mark.parametrize(("assertion", "refused"), [
    ({"Fn::Not": [{"Fn::Equals": [{"Ref": "Size"}, {"Ref": "Max"}]}]}, True),
    ({"Fn::Equals": [{"Ref": "Size"}, {"Ref": "Max"}]}, False),
    ({"Fn::Contains": [["dev", "test"], {"Ref": "Env"}]}, True),
    ({"Fn::EachMemberIn": [{"Ref": "Zones"}, ["a", "b", "c"]]}, False),
    ({"Fn::EachMemberEquals": [{"Ref": "Zones"}, "a"]}, True),
    ({"Fn::Or": [{"Fn::Equals": [{"Ref": "Env"}, "dev"]}, {"Fn::Equals": ["1", "1"]}]}, False),
    ({"Fn::And": [{"Fn::Equals": [{"Ref": "Env"}, "prod"]}, {"Fn::Equals": ["1", "2"]}]}, True),
])
def test_assertions_are_evaluated(assertion: dict[str, Any], refused: bool) -> None:
    assert (_check(_rule(assertion)) == "nope") is refused


def test_a_false_rule_condition_skips_the_assertions() -> None:
    failing = {"Fn::Equals": ["1", "2"]}
    assert _check(_rule(failing, condition={"Fn::Equals": [{"Ref": "Env"}, "dev"]})) is None
    assert _check(_rule(failing, condition={"Fn::Equals": [{"Ref": "Env"}, "prod"]})) == "nope"


def test_unmodelled_rule_functions_are_refused_not_assumed_true() -> None:
    message = _check(_rule({"Fn::ValueOf": ["Env", "VpcId"]}))
    assert message is not None and "Fn::ValueOf" in message


def test_the_project_template_refuses_a_max_size_equal_to_cluster_size(
        stack: ProjectStack) -> None:
    stack.parameters = [p if p["ParameterKey"] != "ClusterMaxSize" else
                        {"ParameterKey": "ClusterMaxSize", "ParameterValue": "2"}
                        for p in example_parameters()]
    with pytest.raises(ClientError) as raised:
        stack.create()
    error = raised.value.response["Error"]
    assert error["Code"] == "ValidationError"
    assert "ClusterMaxSize must be greater than ClusterSize" in error["Message"]
    assert stack.cloudformation.describe_stacks()["Stacks"] == []  # nothing was created


def test_the_rule_also_guards_updates(deployed: ProjectStack) -> None:
    with pytest.raises(ClientError) as raised:
        deployed.update(ClusterSize="4")  # the example's ClusterMaxSize is 4
    assert "ClusterMaxSize must be greater than ClusterSize" in str(raised.value)
    assert deployed.status() == "CREATE_COMPLETE"
