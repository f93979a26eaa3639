"""Pinning tests for config.py: Auto Scaling's limits and the defaults written out, not read back.

Written against the survivors of `make mutation` (docs/reliability.md, "Mutation testing").
HeartbeatTimeout is 30..7200 s and a lifecycle action waits at most min(48 h, 100 x
HeartbeatTimeout) in all (Amazon EC2 Auto Scaling User Guide, "Amazon EC2 Auto Scaling lifecycle
hooks"); we refuse less than two one-minute sweeps, and end our own timeouts two sweeps early.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ecs_cluster_manager.lifecycle.config import ENV_VARS, Config, ConfigError, load_config
from ecs_cluster_manager.template import load_template

BASE = {"ECM_CLUSTER": "c", "ECM_ASG_NAME": "g", "ECM_LAUNCH_HOOK_NAME": "l", "ECM_TERMINATE_HOOK_NAME": "t"}
TEMPLATE = Path(__file__).resolve().parents[2] / "cloudformation" / "ecs-cluster.yaml"


def test_env_vars_is_exactly_what_the_template_gives_both_functions() -> None:
    resources = load_template(TEMPLATE)["Resources"]
    for function in ("LifecycleLaunchFunction", "LifecycleTerminateFunction"):
        variables = resources[function]["Properties"]["Environment"]["Variables"]
        assert tuple(variables) == ENV_VARS, function


@pytest.mark.parametrize(("name", "accepted", "refused"), [
    ("ECM_HEARTBEAT_TIMEOUT_S", ["120", "7200"], ["119", "7201"]),
    ("ECM_DRAIN_TIMEOUT_S", ["60", "172800"], ["59", "172801"]),
    ("ECM_LAUNCH_TIMEOUT_S", ["60", "172800"], ["59", "172801"]),
    ("ECM_STANDALONE_TASK_GRACE_S", ["0", "172800"], ["-1", "172801"]),
])
def test_the_edges_of_each_range(name: str, accepted: list[str], refused: list[str]) -> None:
    for value in accepted:
        load_config({**BASE, "ECM_HEARTBEAT_TIMEOUT_S": "7200", name: value})
    for value in refused:
        with pytest.raises(ConfigError, match=f"{name}={value} is out of range"):
            load_config({**BASE, "ECM_HEARTBEAT_TIMEOUT_S": "7200", name: value})


def test_the_defaults_of_a_bare_config_and_of_an_empty_environment_agree() -> None:
    expected = Config("c", "g", "l", "t", heartbeat_timeout_s=3600, stack_name="", asg_logical_id="",
                      launch_timeout_s=3600, launch_required_attributes=(), launch_require_health_ok=True,
                      drain_timeout_s=3600, drain_timeout_result="ABANDON", stability_scope="services",
                      standalone_policy="stop-after-grace", standalone_grace_s=300, warnings=())
    assert Config("c", "g", "l", "t") == expected
    assert load_config(BASE) == expected
    blank = {name: "  " for name in ENV_VARS}
    assert load_config({**blank, **BASE}) == expected


@pytest.mark.parametrize(("heartbeat", "global_timeout"), [(120, 12_000), (1728, 172_800), (7200, 172_800)])
def test_the_global_timeout_and_our_limit_before_it(heartbeat: int, global_timeout: int) -> None:
    config = load_config({**BASE, "ECM_HEARTBEAT_TIMEOUT_S": str(heartbeat)})
    assert config.global_timeout_s == global_timeout
    assert config.action_limit_s == global_timeout - 120


def test_a_timeout_at_our_limit_is_kept_and_one_second_over_is_capped() -> None:
    at_limit = load_config({**BASE, "ECM_HEARTBEAT_TIMEOUT_S": "120", "ECM_LAUNCH_TIMEOUT_S": "11880"})
    assert (at_limit.launch_timeout_s, at_limit.warnings) == (11880, ())
    over = load_config({**BASE, "ECM_HEARTBEAT_TIMEOUT_S": "120", "ECM_LAUNCH_TIMEOUT_S": "11881"})
    assert over.launch_timeout_s == 11880 and len(over.warnings) == 1
    assert over.warnings[0].startswith("ECM_LAUNCH_TIMEOUT_S=11881 would reach")


def test_values_are_trimmed_and_flags_read_in_any_case() -> None:
    config = load_config({**BASE, "ECM_CLUSTER": " c ", "ECM_DRAIN_TIMEOUT_S": " 600 ",
                          "ECM_LAUNCH_REQUIRE_HEALTH_OK": " False ", "ECM_STABILITY_SCOPE": " cluster "})
    assert (config.cluster, config.drain_timeout_s) == ("c", 600)
    assert config.launch_require_health_ok is False and config.stability_scope == "cluster"


@pytest.mark.parametrize(("override", "message"), [
    ({"ECM_ASG_NAME": " "}, "ECM_ASG_NAME is not set; the stack sets it, so redeploy the template."),
    ({"ECM_LAUNCH_HOOK_NAME": ""}, "ECM_LAUNCH_HOOK_NAME is not set"),
    ({"ECM_TERMINATE_HOOK_NAME": ""}, "ECM_TERMINATE_HOOK_NAME is not set"),
    ({"ECM_DRAIN_TIMEOUT_RESULT": "STOP"}, "ECM_DRAIN_TIMEOUT_RESULT='STOP' is not one of CONTINUE, ABANDON."),
    ({"ECM_STANDALONE_TASK_POLICY": "kill"}, "ECM_STANDALONE_TASK_POLICY='kill' is not one of stop-after-grace, wait."),
    ({"ECM_ASG_LOGICAL_ID": "Asg"}, "ECM_STACK_NAME and ECM_ASG_LOGICAL_ID must be set together (got '' and 'Asg')."),
    ({"ECM_HEARTBEAT_TIMEOUT_S": "1.5"}, "ECM_HEARTBEAT_TIMEOUT_S='1.5' is not a whole number of seconds."),
])
def test_every_refusal_names_the_variable_the_value_and_the_fix(override: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_config({**BASE, **override})
    assert str(refused.value).startswith(message)


def test_the_stack_is_signalled_only_when_both_its_name_and_the_group_logical_id_are_known() -> None:
    """SignalResource needs both StackName and LogicalResourceId (AWS CloudFormation API
    Reference, "SignalResource")."""
    assert not Config("c", "g", "l", "t", stack_name="s").signals_stack
    assert not Config("c", "g", "l", "t", asg_logical_id="Asg").signals_stack
    assert Config("c", "g", "l", "t", stack_name="s", asg_logical_id="Asg").signals_stack
