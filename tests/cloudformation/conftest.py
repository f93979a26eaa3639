"""Shared helpers for the template tests: paths, the parsed template and parameter files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ecs_cluster_manager.template import load_template
from tests.samples import ORIGINAL_SPEC, SAMPLES, missing_tool_or_data, sample_event  # noqa: F401 - re-exported

REPO = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = REPO / "cloudformation" / "ecs-cluster.yaml"
BLANK_FILE = REPO / "cloudformation" / "blank_parameter_file.json"
DEV_EXAMPLE = REPO / "cloudformation" / "examples" / "dev-cluster.json"
ORIGINAL_COMPLETED = REPO / "cloudformation" / "examples" / "original-completed.json"

# The original template's parameters (spec, "CloudFormation Parameter File"), in its order.
ORIGINAL_PARAMETERS = (
    "EcsClusterName", "EcsAmiParameterKey", "IamRoleInstanceProfile", "EcsInstanceType",
    "EbsVolumeSize", "ClusterSize", "ClusterMaxSize", "KeyName", "SubnetIds", "SecurityGroupIds",
    "DeploymentS3Bucket", "LifecycleLaunchFunctionZip", "LifecycleTerminateFunctionZip",
    "LambdaFunctionRole",
)  # fmt: skip


def parameter_file(path: Path) -> dict[str, str]:
    """An AWS CLI parameter file as {key: value}; fails on duplicate keys."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    values = {entry["ParameterKey"]: entry["ParameterValue"] for entry in entries}
    assert len(values) == len(entries), f"{path.name} repeats a ParameterKey"
    return values


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    return load_template(TEMPLATE_PATH)


@pytest.fixture(scope="session")
def resources(template: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = template["Resources"]
    return found
