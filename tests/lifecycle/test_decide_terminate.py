"""Table tests and properties of the drain gate's pure decision."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ecs_cluster_manager.lifecycle.config import HEARTBEAT_MAX_S, HEARTBEAT_MIN_S, SWEEP_PERIOD_S
from ecs_cluster_manager.lifecycle.decide_terminate import TerminateObservation, decide_terminate
from ecs_cluster_manager.lifecycle.model import (
    Complete,
    ContainerInstance,
    DrainRecord,
    Heartbeat,
    RecordDrainStart,
    ServiceView,
    SetDraining,
    StopTasks,
    TaskView,
)

from .conftest import make_config

NOW = 10_000.0
CI_ARN = "arn:aws:ecs:us-east-1:1:container-instance/c/ci-1"
ACTIVE = ContainerInstance(CI_ARN, "ACTIVE", True, running_tasks=2)
DRAINING = ContainerInstance(CI_ARN, "DRAINING", True)
RECORD = DrainRecord(NOW - 60, frozenset({"web"}), CI_ARN)
NEW_ARN = "arn:aws:ecs:us-east-1:1:container-instance/c/ci-2"
WEB_TASK = TaskView("arn:task/c/t1", "RUNNING", "RUNNING", "service:web")
STOPPING_TASK = TaskView("arn:task/c/t2", "STOPPING", "STOPPED", "service:web")
BATCH_TASK = TaskView("arn:task/c/t3", "RUNNING", "RUNNING", "family:batch")
STEADY = ServiceView("web", "ACTIVE", 1, 2, 2, 0)
ROLLING = ServiceView("web", "ACTIVE", 2, 2, 1, 1)


def obs(**kw: Any) -> TerminateObservation:
    base: dict[str, Any] = {"instance_id": "i-1", "now": NOW, "ec2_exists": True,
                            "container_instance": DRAINING, "record": RECORD}
    base.update(kw)
    return TerminateObservation(**base)


CASES = [
    ("ec2 gone", obs(ec2_exists=False, container_instance=None), "continue", (Complete("CONTINUE"),)),
    ("never registered", obs(container_instance=None, record=None), "continue", (Complete("CONTINUE"),)),
    ("deregistered", obs(container_instance=ContainerInstance(CI_ARN, "INACTIVE", False)), "continue",
     (Complete("CONTINUE"),)),
    ("registration failed", obs(container_instance=ContainerInstance(CI_ARN, "REGISTRATION_FAILED", False)),
     "continue", (Complete("CONTINUE"),)),
    ("active: record then drain", obs(container_instance=ACTIVE, record=None, live_tasks=(WEB_TASK,)),
     "drain-started", (RecordDrainStart(DrainRecord(NOW, frozenset({"web"}), CI_ARN)), SetDraining(CI_ARN))),
    ("draining by someone else: record only", obs(record=None, live_tasks=(STOPPING_TASK,), tasks_complete=True),
     "drain-started", (RecordDrainStart(DrainRecord(NOW, frozenset({"web"}), CI_ARN)),)),
    ("re-activated: drain again", obs(container_instance=ACTIVE, live_tasks=(WEB_TASK,)), "drain-started",
     (SetDraining(CI_ARN),)),
    ("re-activated with nothing left: drain again, never continue",
     obs(container_instance=ACTIVE, tasks_complete=True, services=(STEADY,)), "drain-started", (SetDraining(CI_ARN),)),
    ("re-registered agent: the record follows the new container instance, which is drained",
     obs(container_instance=ContainerInstance(NEW_ARN, "ACTIVE", True, running_tasks=1), live_tasks=(WEB_TASK,)),
     "drain-started", (RecordDrainStart(DrainRecord(RECORD.started_at, frozenset({"web"}), NEW_ARN)),
                       SetDraining(NEW_ARN))),
    ("re-registered agent under an overflow record keeps the overflow",
     obs(container_instance=ContainerInstance(NEW_ARN, "DRAINING", True),
         record=DrainRecord(NOW - 60, frozenset(), CI_ARN, overflow=True), live_tasks=(WEB_TASK,)),
     "wait", (RecordDrainStart(DrainRecord(NOW - 60, frozenset(), NEW_ARN, overflow=True)),)),
    ("drain start counts from the lifecycle event", obs(container_instance=ACTIVE, record=None, event_time=NOW - 45),
     "drain-started", (RecordDrainStart(DrainRecord(NOW - 45, frozenset(), CI_ARN)), SetDraining(CI_ARN))),
    ("running task", obs(live_tasks=(WEB_TASK,)), "wait", ()),
    ("task of an unrecorded service extends the record",
     obs(live_tasks=(TaskView("arn:task/c/t4", "RUNNING", "RUNNING", "service:api"),)), "wait",
     (RecordDrainStart(DrainRecord(RECORD.started_at, frozenset({"web", "api"}), CI_ARN)),)),
    ("stopping task", obs(live_tasks=(STOPPING_TASK,), tasks_complete=True), "wait", ()),
    ("no task but stopping ones unchecked", obs(tasks_complete=False), "wait", ()),
    ("drained, services not yet observed", obs(tasks_complete=True), "wait", ()),
    ("drained, service rolling", obs(tasks_complete=True, services=(ROLLING,)), "wait", ()),
    ("drained and steady", obs(tasks_complete=True, services=(STEADY,)), "continue", (Complete("CONTINUE"),)),
    ("deleted service does not block", obs(tasks_complete=True, services=(ServiceView("web", "MISSING", 0, 0, 0, 0),)),
     "continue", (Complete("CONTINUE"),)),
    ("cluster task unsettled", obs(tasks_complete=True, services=(STEADY,), unsettled_cluster_tasks=("t9",)),
     "wait", ()),
    ("standalone within grace", obs(live_tasks=(BATCH_TASK,)), "wait", ()),
    ("standalone past grace", obs(live_tasks=(BATCH_TASK, WEB_TASK), record=DrainRecord(NOW - 301, frozenset({"web"}), CI_ARN)),
     "wait", (StopTasks((BATCH_TASK.arn,), "standalone task past 300s grace"),)),
    ("timeout abandons and names blockers", obs(live_tasks=(WEB_TASK,), record=DrainRecord(NOW - 3600, frozenset(), CI_ARN)),
     "abandon", (Complete("ABANDON"),)),
]


@pytest.mark.parametrize(("name", "observation", "decision", "actions"), CASES, ids=[c[0] for c in CASES])
def test_decide_terminate_table(name: str, observation: TerminateObservation, decision: str,
                                actions: tuple[object, ...]) -> None:
    result = decide_terminate(observation, make_config())
    assert result.decision == decision
    assert result.actions == actions


def test_timeout_lists_blocking_tasks_and_uses_configured_result() -> None:
    old = DrainRecord(NOW - 7200, frozenset(), CI_ARN)
    result = decide_terminate(obs(live_tasks=(WEB_TASK,), record=old),
                              make_config(drain_timeout_s=7200, drain_timeout_result="CONTINUE"))
    assert result.actions == (Complete("CONTINUE"),)
    assert result.blocking == ("task t1 RUNNING (service:web)",)


def test_wait_policy_never_stops_standalone_tasks() -> None:
    old = DrainRecord(NOW - 3000, frozenset(), CI_ARN)
    result = decide_terminate(obs(live_tasks=(BATCH_TASK,), record=old), make_config(standalone_policy="wait"))
    assert result.decision == "wait"
    assert not any(isinstance(a, StopTasks) for a in result.actions)


def test_heartbeat_once_per_interval_from_the_earliest_known_start() -> None:
    config = make_config(heartbeat_timeout_s=600)  # interval min(300, 600 - 120) = 300 s
    late_record = DrainRecord(NOW - 200, frozenset(), CI_ARN)
    # The record was written 200 s ago, but the lifecycle event says the action began 300 s ago.
    assert decide_terminate(obs(live_tasks=(WEB_TASK,), record=late_record, event_time=NOW - 300),
                            config).actions[0] == Heartbeat(NOW)
    assert Heartbeat(NOW) not in decide_terminate(obs(live_tasks=(WEB_TASK,), record=late_record), config).actions
    # One went out 299 s ago: the next is not due yet, on a sweep or on an event.
    old = DrainRecord(NOW - 3000, frozenset(), CI_ARN)
    assert Heartbeat(NOW) not in decide_terminate(
        obs(live_tasks=(WEB_TASK,), record=old, last_heartbeat_at=NOW - 299), config).actions
    assert decide_terminate(obs(live_tasks=(WEB_TASK,), record=old, last_heartbeat_at=NOW - 300),
                            config).actions[0] == Heartbeat(NOW)


def test_short_heartbeat_timeout_beats_on_every_sweep_but_not_on_every_event() -> None:
    config = make_config(heartbeat_timeout_s=120)  # interval: half a sweep period
    old = DrainRecord(NOW - 3000, frozenset(), CI_ARN)
    assert decide_terminate(obs(live_tasks=(WEB_TASK,), record=old, last_heartbeat_at=NOW - SWEEP_PERIOD_S),
                            config).actions[0] == Heartbeat(NOW)
    assert Heartbeat(NOW) not in decide_terminate(
        obs(live_tasks=(WEB_TASK,), record=old, last_heartbeat_at=NOW - 29), config).actions


def test_drain_timeout_counts_from_the_lifecycle_event_when_earlier_than_the_record() -> None:
    config = make_config(drain_timeout_s=600)
    result = decide_terminate(obs(live_tasks=(WEB_TASK,), record=DrainRecord(NOW - 540, frozenset(), CI_ARN),
                                  event_time=NOW - 600), config)
    assert result.actions == (Complete("ABANDON"),)


# ---- properties ------------------------------------------------------------------------------

LAST = st.sampled_from(["PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING", "STOPPING",
                        "DEPROVISIONING", "STOPPED"])
tasks = st.lists(st.builds(TaskView, st.text("abc", min_size=1).map(lambda s: f"arn:task/c/{s}"), LAST,
                           st.sampled_from(["RUNNING", "STOPPED"]),
                           st.sampled_from(["service:web", "service:api", "family:batch"])), max_size=4)
services = st.lists(st.builds(ServiceView, st.sampled_from(["web", "api"]),
                              st.sampled_from(["ACTIVE", "DRAINING", "MISSING"]), st.integers(0, 2),
                              st.integers(0, 3), st.integers(0, 3), st.integers(0, 1)), max_size=3)
statuses = st.sampled_from(["ACTIVE", "DRAINING", "INACTIVE", "REGISTRATION_FAILED", "REGISTERING"])
observations = st.builds(
    TerminateObservation,
    instance_id=st.just("i-1"), now=st.just(NOW), ec2_exists=st.booleans(),
    container_instance=st.one_of(st.none(), st.builds(ContainerInstance, st.just(CI_ARN), statuses, st.booleans())),
    record=st.one_of(st.none(), st.builds(DrainRecord, st.floats(NOW - 8000, NOW), st.just(frozenset({"web"})),
                                          st.just(CI_ARN))),
    live_tasks=tasks.map(lambda ts: tuple(t for t in ts if t.last_status != "STOPPED")),
    tasks_complete=st.booleans(), services=st.one_of(st.none(), services.map(tuple)),
    event_time=st.one_of(st.none(), st.floats(NOW - 8000, NOW)),
    last_heartbeat_at=st.one_of(st.none(), st.floats(NOW - 8000, NOW)),
)


@given(observations, st.integers(HEARTBEAT_MIN_S, HEARTBEAT_MAX_S))
@example(obs(live_tasks=(WEB_TASK,), record=DrainRecord(NOW - 90, frozenset(), CI_ARN)), HEARTBEAT_MIN_S)
def test_a_wait_without_heartbeat_leaves_more_than_a_sweep_period(o: TerminateObservation, timeout: int) -> None:
    decision = decide_terminate(o, make_config(heartbeat_timeout_s=timeout))
    if decision.completes is None and not any(isinstance(a, Heartbeat) for a in decision.actions):
        reset_at = max(o.started_at, o.last_heartbeat_at or o.started_at)
        assert timeout - (o.now - reset_at) > SWEEP_PERIOD_S


@given(observations, st.sampled_from(["CONTINUE", "ABANDON"]))
@example(obs(live_tasks=(STOPPING_TASK,), tasks_complete=True, services=(STEADY,)), "ABANDON")
def test_never_continue_while_a_task_is_not_stopped_unless_timed_out(o: TerminateObservation, result: str) -> None:
    config = make_config(drain_timeout_result=result)
    decision = decide_terminate(o, config)
    holds_instance = (o.ec2_exists and o.container_instance is not None
                      and o.container_instance.status in ("ACTIVE", "DRAINING"))
    if holds_instance and (o.live_tasks or not o.tasks_complete) and o.waited_s < config.drain_timeout_s:
        assert decision.completes is None


@given(observations)
def test_never_continue_while_a_recorded_service_is_unsteady_unless_timed_out(o: TerminateObservation) -> None:
    decision = decide_terminate(o, make_config())
    holds_instance = (o.ec2_exists and o.container_instance is not None
                      and o.container_instance.status in ("ACTIVE", "DRAINING"))
    unsteady = o.services is None or any(not s.steady for s in o.services)
    if holds_instance and unsteady and o.waited_s < 3600:
        assert decision.completes is None


@given(observations)
def test_drain_is_recorded_before_draining_and_completion_comes_alone(o: TerminateObservation) -> None:
    actions = decide_terminate(o, make_config()).actions
    kinds = [type(a) for a in actions]
    if SetDraining in kinds and RecordDrainStart in kinds:
        assert kinds.index(RecordDrainStart) < kinds.index(SetDraining)
    if Complete in kinds:
        assert kinds == [Complete]
