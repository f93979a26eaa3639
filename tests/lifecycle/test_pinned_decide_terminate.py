"""Pinning tests for the drain gate's decision, written against the survivors of `make mutation`.

Each test fails for a one-token change of decide_terminate.py that the table and property tests
let through (docs/reliability.md, "Mutation testing").
"""

from __future__ import annotations

import pytest

from ecs_cluster_manager.lifecycle.decide_terminate import TerminateObservation, decide_terminate
from ecs_cluster_manager.lifecycle.model import (
    Complete,
    ContainerInstance,
    DrainRecord,
    Heartbeat,
    RecordDrainStart,
    SetDraining,
    StopTasks,
    TaskView,
)

from .conftest import make_config
from .test_decide_terminate import CI_ARN, DRAINING, NOW, RECORD, STEADY, WEB_TASK, obs

WEB = WEB_TASK  # a short name for the tables


@pytest.mark.parametrize("status", ["INACTIVE", "DEREGISTERING", "REGISTRATION_FAILED", "REGISTERING"])
def test_a_container_instance_that_can_run_no_task_has_nothing_to_drain(status: str) -> None:
    """ECS places tasks only on ACTIVE instances; one registering, failed or leaving holds none
    (Amazon ECS Developer Guide, "Container instance draining"), so the gate continues at once."""
    ci = ContainerInstance(CI_ARN, status, False)
    result = decide_terminate(obs(container_instance=ci, record=None), make_config())
    assert (result.decision, result.actions) == ("continue", (Complete("CONTINUE"),))
    assert result.reason == f"container instance {status}"


def test_the_blockers_named_in_a_log_line_stop_at_twenty() -> None:
    tasks = tuple(TaskView(f"arn:task/c/t{n:02d}", "RUNNING", "RUNNING", "service:web") for n in range(25))
    assert len(decide_terminate(obs(live_tasks=tasks), make_config()).blocking) == 20
    assert len(decide_terminate(obs(live_tasks=tasks[:20]), make_config()).blocking) == 20
    assert len(decide_terminate(obs(live_tasks=tasks[:19]), make_config()).blocking) == 19


def test_an_observation_that_says_nothing_about_stopping_tasks_or_services_never_continues() -> None:
    """The defaults are the cautious ones: tasks already stopping not checked, services not seen."""
    bare = TerminateObservation("i-1", NOW, True, DRAINING, RECORD)
    assert decide_terminate(bare, make_config()).completes is None
    tasks_checked = TerminateObservation("i-1", NOW, True, DRAINING, RECORD, tasks_complete=True)
    result = decide_terminate(tasks_checked, make_config())
    assert result.completes is None and result.reason == "services not observed yet"


def test_a_wait_that_just_began_has_waited_nothing() -> None:
    assert obs(record=None).waited_s == 0.0
    assert obs(record=DrainRecord(NOW - 0.5, frozenset(), CI_ARN)).waited_s == 0.5


def test_what_blocks_is_named_when_nothing_else_does() -> None:
    unchecked = decide_terminate(obs(tasks_complete=False), make_config())
    assert unchecked.blocking == ("tasks already stopping not yet checked",)
    cluster = decide_terminate(obs(tasks_complete=True, services=(STEADY,), unsettled_cluster_tasks=("t9",)),
                               make_config())
    assert cluster.blocking == ("cluster task t9 not settled",)


@pytest.mark.parametrize("grace", [0, 60, 300])
def test_a_standalone_task_is_stopped_the_second_its_grace_has_passed(grace: int) -> None:
    """StandaloneTaskGraceSeconds 0 (the template's minimum) stops standalone tasks at once."""
    batch = TaskView("arn:task/c/t3", "RUNNING", "RUNNING", "family:batch")
    config = make_config(standalone_grace_s=grace)
    at_grace = obs(live_tasks=(batch,), record=DrainRecord(NOW - grace, frozenset(), CI_ARN))
    assert StopTasks((batch.arn,), f"standalone task past {grace}s grace") in decide_terminate(at_grace, config).actions
    if grace:
        before = obs(live_tasks=(batch,), record=DrainRecord(NOW - grace + 1, frozenset(), CI_ARN))
        assert not any(isinstance(a, StopTasks) for a in decide_terminate(before, config).actions)


def test_the_heartbeat_goes_first_even_before_the_drain_is_recorded_and_set() -> None:
    """A later action's failure (a throttled DRAINING) must not cost the heartbeat."""
    config = make_config(heartbeat_timeout_s=120)
    started = obs(container_instance=ContainerInstance(CI_ARN, "ACTIVE", True, running_tasks=1), record=None,
                  live_tasks=(WEB,), event_time=NOW - 100)
    actions = decide_terminate(started, config).actions
    assert [type(a) for a in actions] == [Heartbeat, RecordDrainStart, SetDraining]


def test_a_task_still_stopping_holds_the_instance_even_when_its_service_is_steady() -> None:
    """A task holds the instance until its lastStatus is STOPPED (Amazon ECS Developer Guide,
    "Task lifecycle"), however steady its service already is."""
    stopping = TaskView("arn:task/c/t2", "DEACTIVATING", "STOPPED", "service:web")
    result = decide_terminate(obs(live_tasks=(stopping,), tasks_complete=True, services=(STEADY,)), make_config())
    assert result.completes is None and result.reason == "1 task(s) not STOPPED"


@pytest.mark.parametrize(("observation", "reason", "blocking"), [
    (obs(ec2_exists=False, container_instance=None), "EC2 instance already gone", ()),
    (obs(container_instance=None), "not registered with the cluster", ()),
    (obs(container_instance=ContainerInstance(CI_ARN, "ACTIVE", True), record=None), "drain started",
     ("tasks already stopping not yet checked",)),
    (obs(tasks_complete=True), "services not observed yet", ()),
    (obs(tasks_complete=True, services=(STEADY,)), "drained and services steady", ()),
    (obs(live_tasks=(WEB,)), "1 task(s) not STOPPED", ("task t1 RUNNING (service:web)",)),
])
def test_every_decision_says_why_in_its_log_line(observation: TerminateObservation, reason: str,
                                                 blocking: tuple[str, ...]) -> None:
    """The reason is what `ecm logs` and the rollout picture show for each wake-up."""
    result = decide_terminate(observation, make_config())
    assert (result.reason, result.blocking) == (reason, blocking)
