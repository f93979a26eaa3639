"""Parameters, intrinsic functions, conditions and dependency order, as the user guide defines
them, on small templates."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from ecs_cluster_manager.sim.cloudformation.graph import creation_order
from ecs_cluster_manager.sim.cloudformation.intrinsics import NO_VALUE, Evaluator
from ecs_cluster_manager.sim.cloudformation.parameters import resolve_parameters
from ecs_cluster_manager.sim.errors import AwsError

TEMPLATE: dict[str, Any] = {"Parameters": {
    "Name": {"Type": "String", "AllowedPattern": "^[a-z]+$"},
    "Size": {"Type": "Number", "Default": 2, "MinValue": 1, "MaxValue": 5},
    "Mode": {"Type": "String", "Default": "a", "AllowedValues": ["a", "b"]},
    "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"},
    "Ami": {"Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", "Default": "/ami"},
}}
SSM = {"/ami": "ami-0123456789abcdef0"}


def _resolve(supplied: dict[str, Any], previous: Any = None, ssm: dict[str, str] = SSM) -> Any:
    def read(name: str) -> str:
        if name not in ssm:
            raise AwsError("ParameterNotFound", "")
        return ssm[name]

    given = [{"ParameterKey": k, **(v if isinstance(v, dict) else {"ParameterValue": v})}
             for k, v in supplied.items()]
    return resolve_parameters(TEMPLATE, given, previous, read)


def test_defaults_lists_and_ssm_values_resolve() -> None:
    params = _resolve({"Name": "web", "Subnets": "subnet-1,subnet-2"})
    assert params.value("Size") == "2"
    assert params.value("Subnets") == ["subnet-1", "subnet-2"]
    assert params.value("Ami") == "ami-0123456789abcdef0"
    described = {p["ParameterKey"]: p for p in params.describe()}
    assert described["Ami"] == {"ParameterKey": "Ami", "ParameterValue": "/ami",
                                "ResolvedValue": "ami-0123456789abcdef0"}


@pytest.mark.parametrize(("supplied", "message"), [
    ({"Subnets": "subnet-1"}, "Parameters: [Name] must have values"),
    ({"Name": "Web", "Subnets": "s"}, "must match pattern"),
    ({"Name": "web", "Subnets": "s", "Size": "9"}, "must be a number not greater than 5"),
    ({"Name": "web", "Subnets": "s", "Size": "two"}, "must be a number"),
    ({"Name": "web", "Subnets": "s", "Mode": "c"}, "must be one of AllowedValues"),
    ({"Name": "web", "Subnets": "s", "Extra": "x"}, "do not exist in the template"),
    ({"Name": "web", "Subnets": "s", "Ami": "/missing"}, "Unable to fetch parameters [/missing]"),
])
def test_invalid_parameters_fail_with_cloudformation_messages(supplied: dict[str, Any],
                                                              message: str) -> None:
    with pytest.raises(AwsError) as error:
        _resolve(supplied)
    assert error.value.code == "ValidationError"
    assert message in error.value.message


def test_use_previous_value_keeps_the_name_but_reads_ssm_again() -> None:
    first = _resolve({"Name": "web", "Subnets": "s"})
    again = _resolve({"Name": {"UsePreviousValue": True}, "Subnets": {"UsePreviousValue": True}},
                     previous=first, ssm={"/ami": "ami-0fedcba9876543210"})
    assert again.value("Name") == "web"
    assert again.given["Ami"] == "/ami"
    assert again.value("Ami") == "ami-0fedcba9876543210"


def _evaluator(conditions: dict[str, Any] | None = None) -> Evaluator:
    refs = {"AWS::StackName": "s", "Key": "", "Cluster": "c1", "List": ["x", "y"]}
    atts = {("Cluster", "Arn"): "arn:aws:ecs:us-east-1:1:cluster/c1"}
    return Evaluator(refs.__getitem__, lambda lid, att: atts[(lid, att)], conditions or {})


def test_sub_join_select_split_base64_and_getatt() -> None:
    ev = _evaluator()
    assert ev.value({"Fn::Sub": "${AWS::StackName}-${Cluster}-${Cluster.Arn}-${!Literal}"}) == \
        "s-c1-arn:aws:ecs:us-east-1:1:cluster/c1-${Literal}"
    assert ev.value({"Fn::Sub": ["${A}/${Cluster}", {"A": {"Ref": "Key"}}]}) == "/c1"
    assert ev.value({"Fn::Join": [",", {"Ref": "List"}]}) == "x,y"
    assert ev.value({"Fn::Select": [1, {"Fn::Split": ["/", "a/b/c"]}]}) == "b"
    assert base64.b64decode(ev.value({"Fn::Base64": {"Fn::Sub": "C=${Cluster}"}})) == b"C=c1"
    assert ev.value({"Fn::GetAtt": ["Cluster", "Arn"]}).endswith("cluster/c1")


def test_conditions_if_and_no_value_remove_properties() -> None:
    ev = _evaluator({"HasKey": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Key"}, ""]}]},
                     "Both": {"Fn::And": [{"Condition": "HasKey"}, True]},
                     "Either": {"Fn::Or": [{"Condition": "HasKey"}, {"Fn::Equals": ["a", "a"]}]}})
    props = ev.value({"KeyName": {"Fn::If": ["HasKey", {"Ref": "Key"}, {"Ref": "AWS::NoValue"}]},
                      "Items": ["a", {"Ref": "AWS::NoValue"}]})
    assert props == {"Items": ["a"]}
    assert (ev.condition("HasKey"), ev.condition("Both"), ev.condition("Either")) == \
        (False, False, True)
    assert ev.value({"Ref": "AWS::NoValue"}) is NO_VALUE


def test_creation_order_follows_refs_getatts_subs_and_depends_on() -> None:
    resources = {
        "Group": {"Type": "G", "DependsOn": "Rule",
                  "Properties": {"T": {"Ref": "Template"}}},
        "Rule": {"Type": "R", "Properties": {"Arn": {"Fn::GetAtt": ["Function", "Arn"]}}},
        "Template": {"Type": "T", "Properties": {"U": {"Fn::Sub": "${Cluster}"}}},
        "Function": {"Type": "F", "Properties": {}},
        "Cluster": {"Type": "C", "Properties": {}},
    }
    order = creation_order(resources)
    assert order.index("Cluster") < order.index("Template") < order.index("Group")
    assert order.index("Function") < order.index("Rule") < order.index("Group")
