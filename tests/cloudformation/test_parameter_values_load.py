"""Every value the template lets a user choose loads in the functions' configuration.

CloudFormation accepts any value within a parameter's MinValue..MaxValue or AllowedValues; if the
functions refused one at cold start, every lifecycle action of that stack would wait for its
timeout. So each boundary and each allowed value, alone and in the harshest combination, must
load (a cap with a warning is fine, an error is not).
"""

from __future__ import annotations

from typing import Any

import pytest

from ecs_cluster_manager.lifecycle import config as lifecycle_config
from ecs_cluster_manager.template import function_settings, load_template, parameter_defaults, resolve

from .conftest import TEMPLATE_PATH

PSEUDO = {"AWS::StackName": "ecs-dev", "AWS::Region": "us-east-1", "AWS::AccountId": "123456789012",
          "AWS::Partition": "aws", "EcsCluster": "DevCluster"}
TEMPLATE = load_template(TEMPLATE_PATH)
ENVIRONMENT = function_settings(TEMPLATE)["LifecycleLaunchFunction"].environment
SAMPLES_FOR_PATTERN = {"LaunchRequiredAttributes": ["", "ecs.capability.efsAuth",
                                                    "a,b.c,ecs.capability.gpu-driver-version"]}


def _feeding_parameters() -> list[str]:
    """Parameters the functions' environment refers to."""
    return sorted({v["Ref"] for v in ENVIRONMENT.values()
                   if isinstance(v, dict) and "Ref" in v and v["Ref"] in TEMPLATE["Parameters"]})


def _choices(spec: dict[str, Any], name: str) -> list[str]:
    values = [str(v) for v in spec.get("AllowedValues", [])]
    values += [str(spec[k]) for k in ("MinValue", "MaxValue", "Default") if k in spec]
    values += SAMPLES_FOR_PATTERN.get(name, [])
    return sorted(set(values))


CASES = [(name, value) for name in _feeding_parameters()
         for value in _choices(TEMPLATE["Parameters"][name], name)]


def _load(**chosen: str) -> lifecycle_config.Config:
    values = {**parameter_defaults(TEMPLATE), **PSEUDO, **chosen}
    env = resolve(ENVIRONMENT, values)
    return lifecycle_config.load_config({k: str(v) for k, v in env.items()})


def test_every_configurable_parameter_is_covered() -> None:
    names = {name for name, _ in CASES}
    assert {"LifecycleHookHeartbeatTimeout", "LaunchTimeoutSeconds", "DrainTimeoutSeconds",
            "StandaloneTaskGraceSeconds", "LaunchRequireHealthOk", "DrainTimeoutResult",
            "StabilityScope", "StandaloneTaskPolicy", "LaunchRequiredAttributes"} <= names
    for name in names:  # each has at least one bound or a choice beyond its default
        assert len([v for n, v in CASES if n == name]) >= 2, name


@pytest.mark.parametrize(("name", "value"), CASES, ids=[f"{n}={v}" for n, v in CASES])
def test_each_allowed_value_loads(name: str, value: str) -> None:
    config = _load(**{name: value})
    assert config.cluster == "DevCluster"


@pytest.mark.parametrize("heartbeat", ["120", "7200"])
def test_longest_timeouts_with_either_heartbeat_bound_load_capped_with_a_warning(heartbeat: str) -> None:
    config = _load(LifecycleHookHeartbeatTimeout=heartbeat, LaunchTimeoutSeconds="172800",
                   DrainTimeoutSeconds="172800", StandaloneTaskGraceSeconds="0")
    assert config.heartbeat_timeout_s == int(heartbeat)
    limit = config.global_timeout_s
    assert config.launch_timeout_s <= limit and config.drain_timeout_s <= limit
    if limit < 172800:
        assert config.warnings  # the cap is said, not silent


def test_default_health_requirement_is_on() -> None:
    assert _load().launch_require_health_ok is True
    assert _load(LaunchRequireHealthOk="false").launch_require_health_ok is False
