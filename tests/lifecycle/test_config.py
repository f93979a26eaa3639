"""Cold-start validation: every bad value is named with what is allowed."""

from __future__ import annotations

import pytest

from ecs_cluster_manager.lifecycle.config import ConfigError, load_config

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


def test_timeout_beyond_the_global_limit_is_capped_and_reported() -> None:
    config = load_config({**BASE, "ECM_HEARTBEAT_TIMEOUT_S": "120", "ECM_DRAIN_TIMEOUT_S": "20000"})
    assert config.drain_timeout_s == 12000
    assert config.warnings == ("ECM_DRAIN_TIMEOUT_S=20000 exceeds the lifecycle action's global limit 12000s "
                               "(min(48 h, 100 x ECM_HEARTBEAT_TIMEOUT_S)); using 12000.",)
