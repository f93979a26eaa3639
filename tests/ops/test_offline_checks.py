"""Offline checks of a parameter file against the repository's template."""

from __future__ import annotations

from typing import Any

import pytest

from ecs_cluster_manager.ops.offline_checks import offline_checks
from ecs_cluster_manager.sim.project_stack import example_parameters
from ecs_cluster_manager.template import load_template


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template()


def good() -> dict[str, str]:
    return {p["ParameterKey"]: p["ParameterValue"] for p in example_parameters()}


def failures(template: dict[str, Any], values: dict[str, str]) -> dict[str, str]:
    return {c.name: f"{c.detail} -> {c.fix}" for c in offline_checks(template, values)
            if not c.ok}


def test_the_example_file_passes(template: dict[str, Any]) -> None:
    assert failures(template, good()) == {}


def test_unknown_and_missing_names(template: dict[str, Any]) -> None:
    values = good()
    values["ClusterSise"] = values.pop("ClusterSize")
    del values["SubnetIds"]
    problem = failures(template, values)["parameter names"]
    assert "unknown ClusterSise (did you mean ClusterSize?)" in problem
    assert "missing SubnetIds (it has no default)" in problem


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("ClusterSize", "two", "ClusterSize='two' is not a number"),
    ("EbsVolumeSize", "10", "EbsVolumeSize='10' is below its minimum 30"),
    ("DrainTimeoutResult", "STOP", "DrainTimeoutResult='STOP' is not one of"),
    ("SubnetIds", "subnet-0123456789abcdef0,vpc-1", "has 'vpc-1', not AWS::EC2::Subnet::Id"),
    ("DeploymentS3Bucket", "My_Bucket", "DeploymentS3Bucket='My_Bucket' does not match"),
])
def test_bad_values(template: dict[str, Any], name: str, value: str, expected: str) -> None:
    values = good() | {name: value}
    assert expected in failures(template, values)["parameter values"]


@pytest.mark.parametrize("maximum", ["2", "1"])
def test_max_size_must_exceed_cluster_size(template: dict[str, Any], maximum: str) -> None:
    values = good() | {"ClusterSize": "2", "ClusterMaxSize": maximum}
    problem = failures(template, values)["ClusterMaxSize > ClusterSize"]
    assert "first rolling update fails" in problem and "at least 3" in problem


def test_role_given_with_a_path(template: dict[str, Any]) -> None:
    values = good() | {"LambdaFunctionRole": "team/ecs-dev-lifecycle"}
    problem = failures(template, values)["role and profile names"]
    assert "includes an IAM path" in problem
    assert "set LambdaFunctionRole to 'ecs-dev-lifecycle'" in problem
