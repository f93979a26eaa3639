"""Pinning tests for act.py: what each action reports, and which AWS errors it may swallow.

Written against the survivors of `make mutation`: the `done` and `notes` of an Outcome are what the
wake-up's log line says happened, and an error swallowed by mistake would hide a failed call
behind a success (a throttled SUCCESS signal must fail the wake-up, so the next one retries it).
"""

from __future__ import annotations

import dataclasses

import pytest
from botocore.exceptions import ClientError

from ecs_cluster_manager.lifecycle.act import ActionContext, apply
from ecs_cluster_manager.lifecycle.model import (
    Complete,
    DrainRecord,
    Heartbeat,
    RecordDrainStart,
    RememberContainerInstance,
    RememberLaunchWait,
    SetDraining,
    Signal,
    StopTasks,
)

from .conftest import make_config
from .fakes import LAUNCH_HOOK, MAX_TAGS, TERMINATE_HOOK, FakeWorld, client_error


def _context(world: FakeWorld, hook: str = TERMINATE_HOOK) -> ActionContext:
    world.add_instance("i-1", hook)
    return ActionContext(world.clients(), make_config(), hook, "i-1")


def test_a_completion_and_a_heartbeat_say_what_they_did(world: FakeWorld) -> None:
    ctx = _context(world)
    outcome = apply(ctx, (Heartbeat(1234.9), Complete("CONTINUE")))
    assert outcome.done == ["heartbeat", "remembered heartbeat", "completed CONTINUE"]
    assert world.instances["i-1"]["tags"] == {"ecm:heartbeat": "1234"}
    assert world.completed == [("i-1", TERMINATE_HOOK, "CONTINUE")]


def test_a_heartbeat_for_an_action_already_over_is_noted_not_remembered_and_ends_the_list(
        world: FakeWorld) -> None:
    ctx = _context(world)
    del world.waiting["i-1"]
    outcome = apply(ctx, (Heartbeat(5.0), Complete("CONTINUE")))
    assert outcome.done == [] and outcome.refused
    assert outcome.notes == ["no active lifecycle action: nothing to keep alive"]
    assert world.instances["i-1"]["tags"] == {}
    assert world.calls["CompleteLifecycleAction"] == 0


def test_nothing_is_remembered_for_a_completion_auto_scaling_refused(world: FakeWorld) -> None:
    ctx = _context(world)
    world.instances["i-1"]["tags"]["ecm:drain-started"] = "100"  # another action's, say
    del world.waiting["i-1"]
    outcome = apply(ctx, (Complete("CONTINUE"), RememberContainerInstance("arn:ci", ("ecm:drain-started",))))
    assert outcome.refused and outcome.done == []
    assert world.instances["i-1"]["tags"] == {"ecm:drain-started": "100"}


@pytest.mark.parametrize(("operation", "action"), [
    ("RecordLifecycleActionHeartbeat", Heartbeat(5.0)),
    ("CompleteLifecycleAction", Complete("CONTINUE")),
    ("SignalResource", Signal("SUCCESS")),
    ("UpdateContainerInstancesState", SetDraining("arn:ci")),
    ("CreateTags", RecordDrainStart(DrainRecord(5.0, frozenset({"web"})))),
])
def test_a_throttled_call_that_matters_fails_the_wake_up(world: FakeWorld, operation: str, action: object) -> None:
    """Only a retry can make up for it: the error must reach the runtime, never become a note."""
    ctx = _context(world, LAUNCH_HOOK)
    world.register("i-1")
    world.throttle[operation] = 1
    with pytest.raises(ClientError, match="ThrottlingException"):
        apply(ctx, (action,))  # type: ignore[arg-type]


def test_a_best_effort_tag_that_fails_is_noted_with_the_error_code(world: FakeWorld) -> None:
    ctx = _context(world, LAUNCH_HOOK)
    world.throttle["CreateTags"] = 2
    outcome = apply(ctx, (RememberLaunchWait(7.0), RememberContainerInstance("arn:ci", ("ecm:heartbeat",))))
    assert outcome.notes == ["could not tag instance: ThrottlingException"] * 2 and outcome.done == []
    outcome = apply(ctx, (RememberLaunchWait(7.0), RememberContainerInstance("arn:ci", ("ecm:heartbeat",))))
    assert outcome.done == ["remembered launch wait start", "remembered container instance"]
    assert world.instances["i-1"]["tags"] == {"ecm:launch-wait-started": "7", "ecm:container-instance": "arn:ci",
                                              "ecm:heartbeat": ""}


def test_a_signal_is_reported_and_the_two_expected_refusals_are_notes(world: FakeWorld) -> None:
    ctx = _context(world, LAUNCH_HOOK)
    assert apply(ctx, (Signal("SUCCESS"),)).done == ["signalled SUCCESS"]
    world.signals_expected = False
    [note] = apply(ctx, (Signal("SUCCESS"),)).notes
    assert note.startswith("no signal expected: Stack is in UPDATE_COMPLETE state")
    world.deny_signal = True
    assert apply(ctx, (Signal("FAILURE"),)).notes == [
        "not allowed to signal the stack: grant cloudformation:SignalResource"]


def test_draining_refused_by_ecs_is_noted_with_its_reason(world: FakeWorld) -> None:
    ctx = _context(world)
    arn = world.register("i-1", status="INACTIVE")
    assert apply(ctx, (SetDraining(arn),)).notes == ["DRAINING refused: INACTIVE"]
    world.container_instances[arn]["status"] = "ACTIVE"
    assert apply(ctx, (SetDraining(arn),)).done == ["set DRAINING"]


class _StopReasons:
    """The fake ECS client, keeping the reason of each StopTask call."""

    def __init__(self, ecs: object) -> None:
        self.ecs = ecs
        self.reasons: list[str] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self.ecs, name)

    def stop_task(self, cluster: str, task: str, reason: str) -> object:
        self.reasons.append(reason)
        return self.ecs.stop_task(cluster=cluster, task=task, reason=reason)  # type: ignore[attr-defined]


def test_stopping_tasks_reports_each_and_notes_each_refusal(world: FakeWorld) -> None:
    """StopTask takes a reason of up to 255 characters (Amazon ECS API Reference, "StopTask")."""
    ctx = _context(world)
    world.register("i-1")
    recorder = _StopReasons(ctx.clients.ecs)
    ctx = dataclasses.replace(ctx, clients=dataclasses.replace(ctx.clients, ecs=recorder))
    first, second = world.add_task("i-1", "family:batch", "t1"), world.add_task("i-1", "family:batch", "t2")
    world.throttle["StopTask"] = 1
    outcome = apply(ctx, (StopTasks((first, second), "x" * 300),))
    assert outcome.notes == ["could not stop t1: ThrottlingException"] and outcome.done == ["stopped t2"]
    assert recorder.reasons == ["x" * 255] * 2


def test_a_full_instance_gets_the_compact_record_then_a_note(world: FakeWorld) -> None:
    ctx = _context(world)
    record = RecordDrainStart(DrainRecord(5.0, frozenset(f"service-{n}" for n in range(40)), "arn:ci"))
    world.instances["i-1"]["tags"].update({f"owner-{n}": "x" for n in range(MAX_TAGS - 3)})
    assert apply(ctx, (record,)).done == [
        "recorded drain start (compact: EC2 tag limit; every service is checked)"]
    world.instances["i-1"]["tags"].clear()
    world.instances["i-1"]["tags"].update({f"owner-{n}": "x" for n in range(MAX_TAGS)})
    [note] = apply(ctx, (record,)).notes
    assert note.startswith("no room for the drain record (EC2 tag limit)")


class _FullThenThrottled:
    """EC2 that refuses the full record for the tag limit, then throttles the compact one."""

    def __init__(self) -> None:
        self.errors = [client_error("TagLimitExceeded", "too many tags", "CreateTags"),
                       client_error("ThrottlingException", "Rate exceeded", "CreateTags")]

    def create_tags(self, Resources: list[str], Tags: list[dict[str, str]]) -> dict[str, object]:
        raise self.errors.pop(0)


def test_the_drain_record_is_reported_and_a_throttled_compact_record_fails_the_wake_up(world: FakeWorld) -> None:
    """DRAINING comes after the record: a record that was not written must stop the wake-up."""
    ctx = _context(world)
    record = RecordDrainStart(DrainRecord(5.0, frozenset({"web"}), "arn:ci"))
    assert apply(ctx, (record,)).done == ["recorded drain start"]
    throttled = dataclasses.replace(ctx, clients=dataclasses.replace(ctx.clients, ec2=_FullThenThrottled()))
    with pytest.raises(ClientError, match="ThrottlingException"):
        apply(throttled, (record, SetDraining("arn:ci")))
