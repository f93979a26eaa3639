"""ECS events and sweep links ask Auto Scaling only before an action it would not refuse by itself.

A completion or a heartbeat for an instance that is not waiting on our hook is refused by Auto
Scaling; recording or starting a drain, stopping tasks and signalling the stack are not, so an
unverified target is checked before those (runtime.GUARDED).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ecs_cluster_manager.lifecycle import launch, terminate
from ecs_cluster_manager.lifecycle.config import Config
from ecs_cluster_manager.lifecycle.drain_record import record_to_tags
from ecs_cluster_manager.lifecycle.gate import Gate, Runtime
from ecs_cluster_manager.lifecycle.model import DrainRecord
from ecs_cluster_manager.lifecycle.runtime import handle

from .conftest import ecs_event, make_config
from .fakes import LAUNCH_HOOK, TERMINATE_HOOK, FakeWorld, Service


def run(gate: Gate, world: FakeWorld, config: Config, event: object) -> dict[str, Any]:
    return handle(gate, Runtime(config, world.clients(), clock=lambda: world.now, invoke=lambda _: False), event)


def last_line(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    return dict(json.loads(capsys.readouterr().out.splitlines()[-1]))


def auto_scaling_calls(world: FakeWorld) -> dict[str, int]:
    names = ("DescribeAutoScalingInstances", "CompleteLifecycleAction", "RecordLifecycleActionHeartbeat")
    return {name: world.calls[name] for name in names if world.calls[name]}


def test_a_ready_instance_costs_auto_scaling_one_call_when_the_stack_is_not_signalled(world: FakeWorld) -> None:
    config = make_config(stack_name="", asg_logical_id="")
    world.add_instance("i-1", LAUNCH_HOOK)
    world.register("i-1")
    assert run(launch.GATE, world, config, ecs_event("i-1"))["decisions"] == {"i-1": "continue"}
    assert auto_scaling_calls(world) == {"CompleteLifecycleAction": 1}
    assert world.completed == [("i-1", LAUNCH_HOOK, "CONTINUE")]


def test_a_signal_after_the_completion_needs_no_check(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    world.instances["i-1"]["tags"]["ecm:launch-wait-started"] = str(int(world.now - 30))  # a sweep saw it
    world.register("i-1")
    assert run(launch.GATE, world, config, ecs_event("i-1"))["decisions"] == {"i-1": "continue"}
    assert auto_scaling_calls(world) == {"CompleteLifecycleAction": 1}
    assert world.signals == [("i-1", "SUCCESS")]
    assert world.instances["i-1"]["tags"]["ecm:launch-wait-started"] == ""


def test_an_owed_signal_is_marked_only_after_a_completion_auto_scaling_accepted(
        world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    world.register("i-1")
    world.throttle["SignalResource"] = 1
    assert run(launch.GATE, world, config, ecs_event("i-1"))["decisions"] == {"i-1": "deferred"}
    assert world.instances["i-1"]["tags"]["ecm:signal-owed"]
    world.add_instance("i-2")  # in service, its agent re-registered: refused, no mark, no signal
    world.register("i-2")
    world.throttle["SignalResource"] = 1
    assert run(launch.GATE, world, config, ecs_event("i-2"))["decisions"] == {"i-2": "ignored"}
    assert "ecm:signal-owed" not in world.instances["i-2"]["tags"] and world.signals == []


def test_a_signal_is_never_sent_for_an_instance_that_is_not_waiting(world: FakeWorld, config: Config,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    world.add_instance("i-1")  # in service: its agent reconnected, say
    world.register("i-1")
    assert run(launch.GATE, world, config, ecs_event("i-1"))["decisions"] == {"i-1": "ignored"}
    assert world.signals == [] and world.completed == []
    assert last_line(capsys)["reason"].startswith("not waiting on the launch hook")


def test_a_signal_before_an_abandon_is_checked_first(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    world.register("i-1", status="REGISTRATION_FAILED", agent=False)
    event = ecs_event("i-1", status="REGISTRATION_FAILED", agent=False)
    assert run(launch.GATE, world, config, event)["decisions"] == {"i-1": "abandon"}
    assert auto_scaling_calls(world) == {"DescribeAutoScalingInstances": 1, "CompleteLifecycleAction": 1}
    assert world.signals == [("i-1", "FAILURE")]


def test_an_instance_of_another_group_is_never_acted_on(world: FakeWorld, capsys: pytest.CaptureFixture[str]) -> None:
    config = make_config(stack_name="", asg_logical_id="")
    world.add_instance("i-1", LAUNCH_HOOK, group="someone-elses-asg")
    world.register("i-1")
    assert run(launch.GATE, world, config, ecs_event("i-1"))["decisions"] == {"i-1": "ignored"}
    assert auto_scaling_calls(world) == {} and world.calls["CreateTags"] == 0
    assert last_line(capsys)["reason"] == "i-1 belongs to group \"someone-elses-asg\""


def test_a_refused_completion_is_logged_as_ignored_not_as_a_decision(
        world: FakeWorld, capsys: pytest.CaptureFixture[str]) -> None:
    config = make_config(stack_name="", asg_logical_id="")
    world.add_instance("i-1")  # in service
    world.register("i-1")
    assert run(launch.GATE, world, config, ecs_event("i-1"))["decisions"] == {"i-1": "ignored"}
    line = last_line(capsys)
    assert line["decision"] == "ignored" and world.completed == []
    assert line["reason"] == "not waiting on the launch hook (would have: ACTIVE, agent connected, checks passed)"


def test_a_drain_that_is_done_costs_auto_scaling_one_call(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", TERMINATE_HOOK)
    world.services["web"] = Service("web")
    arn = world.register("i-1", status="DRAINING")
    record = DrainRecord(world.now - 60, frozenset({"web"}), arn)
    world.instances["i-1"]["tags"].update({tag["Key"]: tag["Value"] for tag in record_to_tags(record)})
    assert run(terminate.GATE, world, config, ecs_event("i-1", status="DRAINING"))["decisions"] == {
        "i-1": "continue"}
    assert auto_scaling_calls(world) == {"CompleteLifecycleAction": 1}


def test_an_instance_drained_by_someone_else_is_not_recorded_unless_it_waits(
        world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1")  # in service, drained by an operator: not ours to record or complete
    world.register("i-1", status="DRAINING")
    assert run(terminate.GATE, world, config, ecs_event("i-1", status="DRAINING"))["decisions"] == {
        "i-1": "ignored"}
    assert world.calls["DescribeAutoScalingInstances"] == 1
    assert world.calls["CreateTags"] == 0 and world.completed == []


def _drained(world: FakeWorld, task_last: str) -> None:
    world.report_resources = True
    world.add_instance("i-1", TERMINATE_HOOK)
    world.services["web"] = Service("web")
    arn = world.register("i-1", status="DRAINING")
    world.add_task("i-1", "service:web", "t-1", last=task_last)
    record = DrainRecord(world.now - 60, frozenset({"web"}), arn)
    world.instances["i-1"]["tags"].update({tag["Key"]: tag["Value"] for tag in record_to_tags(record)})


def test_an_instance_whose_resources_are_all_free_needs_no_task_listing(world: FakeWorld, config: Config) -> None:
    _drained(world, "STOPPED")
    assert run(terminate.GATE, world, config, ecs_event("i-1", status="DRAINING"))["decisions"] == {
        "i-1": "continue"}
    assert world.calls["ListTasks"] == world.calls["DescribeTasks"] == 0


def test_a_task_still_stopping_holds_its_resources_so_the_tasks_are_listed(world: FakeWorld, config: Config) -> None:
    _drained(world, "STOPPING")  # counts at 0 (told to stop), its CPU and memory not yet released
    assert run(terminate.GATE, world, config, ecs_event("i-1", status="DRAINING"))["decisions"] == {"i-1": "wait"}
    assert world.calls["ListTasks"] == 1 and world.completed == []
