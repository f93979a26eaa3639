"""The shipped parameter files are valid for the template; the original's file is verbatim."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import (
    BLANK_FILE,
    DEV_EXAMPLE,
    ORIGINAL_COMPLETED,
    ORIGINAL_PARAMETERS,
    ORIGINAL_SPEC,
    parameter_file,
)

SPEC = ORIGINAL_SPEC
FILLED = [DEV_EXAMPLE, ORIGINAL_COMPLETED]


def spec_json_block_after(marker: str) -> str:
    text = SPEC.read_text(encoding="utf-8").split(marker, 1)[1]
    found = re.search(r"```json\n(.*?)```", text, re.S)
    assert found, f"no json block after {marker!r} in the spec"
    return found.group(1)


def test_original_completed_file_is_the_spec_block_verbatim() -> None:
    block = spec_json_block_after("A completed parameter file would look like this:")
    assert ORIGINAL_COMPLETED.read_text(encoding="utf-8") == block


def test_blank_file_lists_the_original_parameters_in_the_spec_order() -> None:
    entries = json.loads(BLANK_FILE.read_text(encoding="utf-8"))
    assert [e["ParameterKey"] for e in entries] == list(ORIGINAL_PARAMETERS)
    assert {e["ParameterValue"] for e in entries} == {""}
    spec_keys = [e["ParameterKey"] for e in json.loads(spec_json_block_after("The file looks like this:"))]
    assert spec_keys == list(ORIGINAL_PARAMETERS)


def test_original_file_leaves_every_new_parameter_at_its_default() -> None:
    assert list(parameter_file(ORIGINAL_COMPLETED)) == list(ORIGINAL_PARAMETERS)


def violations(spec: dict[str, Any], value: str) -> list[str]:
    """What CloudFormation would refuse about this value (the constraints the template uses)."""
    problems = []
    if "AllowedValues" in spec and value not in [str(v) for v in spec["AllowedValues"]]:
        problems.append(f"{value!r} not in AllowedValues")
    if "AllowedPattern" in spec and not re.fullmatch(spec["AllowedPattern"], value):
        problems.append(f"{value!r} does not match {spec['AllowedPattern']}")
    if spec["Type"] == "Number":
        number = float(value)
        if "MinValue" in spec and number < spec["MinValue"]:
            problems.append(f"{value} < MinValue")
        if "MaxValue" in spec and number > spec["MaxValue"]:
            problems.append(f"{value} > MaxValue")
    return problems


@pytest.mark.parametrize("path", FILLED, ids=lambda p: p.name)
def test_filled_files_satisfy_the_template(template: dict[str, Any], path: Path) -> None:
    values = parameter_file(path)
    parameters = template["Parameters"]
    assert set(values) <= set(parameters), "unknown ParameterKey"
    required = {name for name, spec in parameters.items() if "Default" not in spec}
    assert required <= set(values), f"missing {required - set(values)}"
    for name, value in values.items():
        assert violations(parameters[name], value) == [], name


@pytest.mark.parametrize("path", FILLED, ids=lambda p: p.name)
def test_filled_files_leave_room_for_a_rolling_batch(template: dict[str, Any], path: Path) -> None:
    values = parameter_file(path)
    batch = int(values.get("RollingUpdateBatchSize", template["Parameters"]["RollingUpdateBatchSize"]["Default"]))
    assert int(values["ClusterMaxSize"]) >= int(values["ClusterSize"]) + batch


def test_constraint_checker_rejects_bad_values(template: dict[str, Any]) -> None:
    parameters = template["Parameters"]
    assert violations(parameters["StabilityScope"], "everything")
    assert violations(parameters["LifecycleHookHeartbeatTimeout"], "10")
    assert violations(parameters["EcsClusterName"], "bad name!")
