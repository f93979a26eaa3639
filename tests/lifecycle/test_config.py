"""Cold-start validation: every bad value is named with what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecs_cluster_manager.lifecycle.config import ConfigError, load_config
from ecs_cluster_manager.template import load_template

BASE = {"ECM_CLUSTER": "c", "ECM_ASG_NAME": "g", "ECM_LAUNCH_HOOK_NAME": "l", "ECM_TERMINATE_HOOK_NAME": "t"}


def test_defaults_follow_the_spec() -> None:
    config = load_config(BASE)
    assert (config.launch_timeout_s, config.drain_timeout_s, config.drain_timeout_result) == (3600, 3600, "ABANDON")
    assert (config.stability_scope, config.standalone_policy) == ("services", "stop-after-grace")
    assert config.global_timeout_s == 48 * 3600
    assert not config.signals_stack


@pytest.mark.parametrize(("override", "message"), [
    ({"ECM_CLUSTER": ""}, "ECM_CLUSTER is not set"),
    ({"ECM_DRAIN_TIMEOUT_S": "soon"}, "ECM_DRAIN_TIMEOUT_S='soon' is not a whole number"),
    ({"ECM_HEARTBEAT_TIMEOUT_S": "60"}, "ECM_HEARTBEAT_TIMEOUT_S=60 is out of range; use 120..7200"),
    ({"ECM_DRAIN_TIMEOUT_S": "200000"}, "ECM_DRAIN_TIMEOUT_S=200000 is out of range; use 60..172800"),
    ({"ECM_STABILITY_SCOPE": "all"}, "ECM_STABILITY_SCOPE='all' is not one of services, cluster"),
    ({"ECM_LAUNCH_REQUIRE_HEALTH_OK": "yes"}, "must be 'true' or 'false'"),
    ({"ECM_STACK_NAME": "s"}, "must be set together"),
])
def test_bad_values_are_explained(override: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config({**BASE, **override})


def test_attributes_and_signalling() -> None:
    config = load_config({**BASE, "ECM_LAUNCH_REQUIRED_ATTRIBUTES": " a, b ,", "ECM_STACK_NAME": "s",
                          "ECM_ASG_LOGICAL_ID": "EcsAutoScalingGroup"})
    assert config.launch_required_attributes == ("a", "b")
    assert config.signals_stack


def test_timeout_at_the_global_limit_is_capped_before_it_and_reported() -> None:
    """Auto Scaling's default result at the global timeout would pre-empt DrainTimeoutResult."""
    config = load_config({**BASE, "ECM_HEARTBEAT_TIMEOUT_S": "120", "ECM_DRAIN_TIMEOUT_S": "12000"})
    assert config.drain_timeout_s == 11880 == config.action_limit_s
    assert config.warnings == (
        "ECM_DRAIN_TIMEOUT_S=12000 would reach the lifecycle action's global limit 12000s "
        "(min(48 h, 100 x ECM_HEARTBEAT_TIMEOUT_S)), where Auto Scaling's default result would pre-empt "
        "ours; using 11880 (120s before it).",)
    assert load_config({**BASE, "ECM_HEARTBEAT_TIMEOUT_S": "120", "ECM_DRAIN_TIMEOUT_S": "11880"}).warnings == ()


def test_default_health_check_is_on_and_each_spelling_parses() -> None:
    assert load_config(BASE).launch_require_health_ok is True
    assert load_config({**BASE, "ECM_LAUNCH_REQUIRE_HEALTH_OK": "true"}).launch_require_health_ok is True
    assert load_config({**BASE, "ECM_LAUNCH_REQUIRE_HEALTH_OK": "TRUE"}).launch_require_health_ok is True
    assert load_config({**BASE, "ECM_LAUNCH_REQUIRE_HEALTH_OK": "false"}).launch_require_health_ok is False


def _template_values() -> list[tuple[str, str, str]]:
    """(environment variable, parameter, value) for each edge value the template allows."""
    template = load_template(Path(__file__).resolve().parents[2] / "cloudformation" / "ecs-cluster.yaml")
    variables = template["Resources"]["LifecycleLaunchFunction"]["Properties"]["Environment"]["Variables"]
    cases = []
    for env, value in variables.items():
        name = value.get("Ref", "") if isinstance(value, dict) else ""
        parameter = template["Parameters"].get(name)
        if parameter is None:
            continue
        edges = [parameter.get("Default", ""), parameter.get("MinValue"), parameter.get("MaxValue"),
                 *parameter.get("AllowedValues", [])]
        cases += [(env, name, str(edge)) for edge in edges if edge is not None]
    return cases


TEMPLATE_VALUES = _template_values()


def test_the_template_reaches_the_edges() -> None:
    """The parametrised test below must see the values that broke before: 7200 and a grace of 0."""
    assert ("ECM_HEARTBEAT_TIMEOUT_S", "LifecycleHookHeartbeatTimeout", "7200") in TEMPLATE_VALUES
    assert ("ECM_STANDALONE_TASK_GRACE_S", "StandaloneTaskGraceSeconds", "0") in TEMPLATE_VALUES
    assert {env for env, _, _ in TEMPLATE_VALUES} >= {"ECM_LAUNCH_REQUIRE_HEALTH_OK", "ECM_DRAIN_TIMEOUT_S"}


@pytest.mark.parametrize(("env", "parameter", "value"), TEMPLATE_VALUES,
                         ids=[f"{p}={v}" for _, p, v in TEMPLATE_VALUES])
def test_every_value_the_template_allows_loads_at_cold_start(env: str, parameter: str, value: str) -> None:
    config = load_config({**BASE, env: value})
    loaded = getattr(config, _FIELDS[env])
    if env in _CAPPED:
        assert loaded == min(int(value), config.action_limit_s)
    elif isinstance(loaded, tuple):
        assert ",".join(loaded) == value
    else:
        assert str(loaded).lower() == value.lower()


# Environment variable -> Config field; timeouts near the global limit are capped, not refused.
_FIELDS = {
    "ECM_HEARTBEAT_TIMEOUT_S": "heartbeat_timeout_s", "ECM_LAUNCH_TIMEOUT_S": "launch_timeout_s",
    "ECM_LAUNCH_REQUIRED_ATTRIBUTES": "launch_required_attributes",
    "ECM_LAUNCH_REQUIRE_HEALTH_OK": "launch_require_health_ok", "ECM_DRAIN_TIMEOUT_S": "drain_timeout_s",
    "ECM_DRAIN_TIMEOUT_RESULT": "drain_timeout_result", "ECM_STABILITY_SCOPE": "stability_scope",
    "ECM_STANDALONE_TASK_POLICY": "standalone_policy", "ECM_STANDALONE_TASK_GRACE_S": "standalone_grace_s",
}
_CAPPED = {"ECM_LAUNCH_TIMEOUT_S", "ECM_DRAIN_TIMEOUT_S"}
