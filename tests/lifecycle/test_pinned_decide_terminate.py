"""Pinning tests for the drain gate's decision, written against the survivors of `make mutation`.

Each test fails for a one-token change of decide_terminate.py that the table and property tests
let through (docs/reliability.md, "Mutation testing").
"""

from __future__ import annotations

import pytest

from ecs_cluster_manager.lifecycle.decide_terminate import TerminateObservation, decide_terminate
from ecs_cluster_manager.lifecycle.model import Complete, ContainerInstance, DrainRecord, TaskView

from .conftest import make_config
from .test_decide_terminate import CI_ARN, DRAINING, NOW, RECORD, STEADY, obs


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
