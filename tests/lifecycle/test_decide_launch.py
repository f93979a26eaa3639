"""Table tests and properties of the launch gate's pure decision."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecs_cluster_manager.lifecycle.checks import CheckResult
from ecs_cluster_manager.lifecycle.config import Config
from ecs_cluster_manager.lifecycle.decide_launch import (
    GONE_STATES,
    LaunchObservation,
    abandon_deadline_s,
    decide_launch,
)
from ecs_cluster_manager.lifecycle.model import (
    Complete,
    ContainerInstance,
    Heartbeat,
    RememberContainerInstance,
    RememberLaunchWait,
    SetDraining,
    Signal,
    TaskView,
)

from .conftest import make_config

NOW = 5_000.0
ARN = "arn:aws:ecs:us-east-1:1:container-instance/c/ci-1"
READY = ContainerInstance(ARN, "ACTIVE", True, health="OK", attributes=frozenset({"ecs.os-type"}))
IMPAIRED = ContainerInstance(ARN, "ACTIVE", True, running_tasks=1, health="IMPAIRED")
IMPAIRED_DRAINING = ContainerInstance(ARN, "DRAINING", True, health="IMPAIRED")
WEB_TASK = TaskView("arn:task/c/t1", "RUNNING", "RUNNING", "service:web")


def obs(**kw: Any) -> LaunchObservation:
    base: dict[str, Any] = {"instance_id": "i-1", "now": NOW, "started_at": NOW - 90, "ec2_state": "running",
                            "container_instance": READY, "wait_remembered": True}
    base.update(kw)
    return LaunchObservation(**base)


CONTINUED = (Complete("CONTINUE"), Signal("SUCCESS", NOW), RememberContainerInstance(ARN))
ABANDONED = (Signal("FAILURE"), Complete("ABANDON"))
CASES = [
    ("ready", obs(), "continue", CONTINUED),
    ("warm pool skips ECS", obs(destination="WarmPool", container_instance=None), "continue",
     (Complete("CONTINUE"),)),
    ("not registered yet", obs(container_instance=None), "wait", ()),
    ("agent not connected", obs(container_instance=ContainerInstance(ARN, "ACTIVE", False)), "wait", ()),
    ("registering", obs(container_instance=ContainerInstance(ARN, "REGISTERING", True)), "wait", ()),
    ("registration failed", obs(container_instance=ContainerInstance(ARN, "REGISTRATION_FAILED", False)),
     "abandon", ABANDONED),
    ("ec2 gone", obs(ec2_state=None, container_instance=None), "abandon", ABANDONED),
    ("ec2 terminated", obs(ec2_state="terminated"), "abandon", ABANDONED),
    ("health impaired", obs(container_instance=ContainerInstance(ARN, "ACTIVE", True, health="IMPAIRED")),
     "wait", ()),
    ("health not reported passes", obs(container_instance=ContainerInstance(ARN, "ACTIVE", True)), "continue",
     CONTINUED),
    ("timeout", obs(started_at=NOW - 3600, container_instance=None), "abandon", ABANDONED),
    ("ready even at timeout", obs(started_at=NOW - 3600), "continue", CONTINUED),
    ("joined but impaired at timeout, no task on it: drain and abandon",
     obs(started_at=NOW - 3600, container_instance=IMPAIRED, tasks_complete=True),
     "abandon", (SetDraining(ARN), *ABANDONED)),
    ("joined, impaired, tasks placed on it: drain, heartbeat, wait",
     obs(started_at=NOW - 3600, container_instance=IMPAIRED, live_tasks=(WEB_TASK,), tasks_complete=True),
     "wait", (Heartbeat(NOW), SetDraining(ARN))),
    ("draining before abandon: tasks not yet checked",
     obs(started_at=NOW - 3600, container_instance=IMPAIRED_DRAINING, last_heartbeat_at=NOW - 60), "wait", ()),
    ("draining before abandon: tasks gone", obs(started_at=NOW - 3700, container_instance=IMPAIRED_DRAINING,
                                                tasks_complete=True), "abandon", ABANDONED),
    ("draining before abandon: deadline passed", obs(started_at=NOW - 7200, container_instance=IMPAIRED_DRAINING,
                                                     live_tasks=(WEB_TASK,), tasks_complete=True),
     "abandon", ABANDONED),
    ("first wait is remembered", obs(container_instance=None, wait_remembered=False), "wait",
     (RememberLaunchWait(NOW - 90),)),
    ("continue clears the wait's timing tags", obs(stale_tags=("ecm:launch-wait-started",)), "continue",
     (Complete("CONTINUE"), Signal("SUCCESS", NOW), RememberContainerInstance(ARN, ("ecm:launch-wait-started",)))),
]


# Spelled out, not read from GONE_STATES: a state dropped from the constant must fail here.
# EC2 instance states (Amazon EC2 User Guide, "Amazon EC2 instance state changes"): an instance
# that is stopping, stopped, shutting down or terminated never joins the cluster.
@pytest.mark.parametrize("state", ["shutting-down", "terminated", "stopping", "stopped"])
def test_every_gone_state_abandons(state: str) -> None:
    assert state in GONE_STATES
    assert decide_launch(obs(ec2_state=state), make_config()).actions == ABANDONED


@pytest.mark.parametrize(("name", "observation", "decision", "actions"), CASES, ids=[c[0] for c in CASES])
def test_decide_launch_table(name: str, observation: LaunchObservation, decision: str,
                             actions: tuple[object, ...]) -> None:
    result = decide_launch(observation, make_config())
    assert (result.decision, result.actions) == (decision, actions)


def test_required_attribute_missing_waits_and_says_which() -> None:
    result = decide_launch(obs(), make_config(launch_required_attributes=("ecs.capability.efs",)))
    assert result.decision == "wait"
    assert result.blocking == ("missing attributes: ecs.capability.efs",)


def test_health_check_can_be_turned_off() -> None:
    impaired = ContainerInstance(ARN, "ACTIVE", True, health="IMPAIRED")
    assert decide_launch(obs(container_instance=impaired), make_config(launch_require_health_ok=False)).decision \
        == "continue"


def test_user_check_is_honoured() -> None:
    def never(instance: ContainerInstance, config: Config) -> CheckResult:
        return CheckResult("canary", False, "canary task did not start")

    result = decide_launch(obs(), make_config(), checks=[never])
    assert result.decision == "wait"
    assert result.reason == "canary task did not start"


def test_no_stack_means_no_signal() -> None:
    result = decide_launch(obs(), make_config(stack_name="", asg_logical_id=""))
    assert result.actions == (Complete("CONTINUE"), RememberContainerInstance(ARN))


def test_heartbeat_once_per_interval() -> None:
    waiting = obs(started_at=NOW - 1800, container_instance=None)
    assert decide_launch(waiting, make_config()).actions == (Heartbeat(NOW),)
    assert decide_launch(replace(waiting, last_heartbeat_at=NOW - 1799), make_config()).actions == ()


def test_launch_time_is_a_bound_for_heartbeats_only() -> None:
    """An instance leaving a warm pool launched long ago: one early heartbeat, no abandon."""
    warmed = obs(started_at=NOW - 60, launch_time=NOW - 86_400, container_instance=None)
    assert decide_launch(warmed, make_config()).actions == (Heartbeat(NOW),)
    assert decide_launch(replace(warmed, last_heartbeat_at=NOW - 60), make_config()).actions == ()


instances = st.one_of(st.none(), st.builds(
    ContainerInstance, st.just(ARN), st.sampled_from(["REGISTERING", "REGISTRATION_FAILED", "ACTIVE", "DRAINING"]),
    st.booleans(), health=st.sampled_from([None, "OK", "IMPAIRED", "INITIALIZING"])))
observations = st.builds(
    LaunchObservation, st.just("i-1"), st.just(NOW), st.floats(NOW - 10_000, NOW),
    st.sampled_from([None, "pending", "running", "shutting-down", "terminated", "stopping", "stopped"]), instances,
    st.sampled_from([None, "AutoScalingGroup", "WarmPool"]), st.booleans(),
    launch_time=st.one_of(st.none(), st.floats(NOW - 100_000, NOW)),
    last_heartbeat_at=st.one_of(st.none(), st.floats(NOW - 10_000, NOW)),
    live_tasks=st.lists(st.just(WEB_TASK), max_size=1).map(tuple), tasks_complete=st.booleans())


@given(observations)
def test_never_abandon_a_joined_instance_with_live_tasks_before_the_deadline(o: LaunchObservation) -> None:
    config = make_config()
    ci = o.container_instance
    joined = ci is not None and ci.status in ("ACTIVE", "DRAINING")
    live = o.live_tasks or not o.tasks_complete
    gone = o.ec2_state is None or o.ec2_state in GONE_STATES
    if joined and live and not gone and o.destination != "WarmPool" and o.waited_s < abandon_deadline_s(config):
        assert decide_launch(o, config).completes != "ABANDON"


@given(observations)
def test_never_continue_before_active_and_connected(o: LaunchObservation) -> None:
    decision = decide_launch(o, make_config())
    ci = o.container_instance
    if decision.completes == "CONTINUE" and o.destination != "WarmPool":
        assert ci is not None and ci.status == "ACTIVE" and ci.agent_connected
        assert o.ec2_state in ("pending", "running")


@given(observations)
def test_every_completion_is_signalled_abandon_first_continue_after(o: LaunchObservation) -> None:
    actions = decide_launch(o, make_config()).actions
    if any(isinstance(a, Complete) for a in actions) and o.destination != "WarmPool":
        kinds = [a for a in actions if isinstance(a, (Signal, Complete))]
        assert kinds in ([Signal("FAILURE"), Complete("ABANDON")], [Complete("CONTINUE"), Signal("SUCCESS", o.now)])
        if kinds[0] == Complete("CONTINUE"):  # what follows the completion is written last
            assert isinstance(actions[-1], RememberContainerInstance)
