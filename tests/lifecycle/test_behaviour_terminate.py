"""The drain gate end to end over the fake world: drain, wait, stability, policies, timeouts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ecs_cluster_manager.lifecycle.config import Config
from ecs_cluster_manager.lifecycle.gate import Runtime
from ecs_cluster_manager.lifecycle.runtime import handle
from ecs_cluster_manager.lifecycle.terminate import GATE

from .conftest import SWEEP, ecs_event, lifecycle_event, make_config
from .fakes import LAUNCH_HOOK, TERMINATE_HOOK, FakeWorld, Service


def run(world: FakeWorld, config: Config, event: object) -> dict[str, Any]:
    return handle(GATE, Runtime(config, world.clients(), clock=lambda: world.now), event)


def last_log(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    line: dict[str, Any] = json.loads(capsys.readouterr().out.splitlines()[-1])
    return line


def busy_instance(world: FakeWorld) -> str:
    """i-1 waits on the terminate hook, running two web tasks; web runs elsewhere too."""
    world.add_instance("i-1", TERMINATE_HOOK)
    arn = world.register("i-1")
    world.add_task("i-1", "service:web", "w1")
    world.add_task("i-1", "service:web", "w2")
    world.services["web"] = Service("web", desired=4, running=4)
    world.services["unrelated"] = Service("unrelated", desired=2, running=1, pending=1)  # never steady
    return arn


def test_drains_waits_for_stopping_tasks_and_scoped_stability(world: FakeWorld, config: Config,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    arn = busy_instance(world)
    assert run(world, config, lifecycle_event("i-1", TERMINATE_HOOK))["decisions"] == {"i-1": "drain-started"}
    assert world.container_instances[arn]["status"] == "DRAINING"
    assert world.instances["i-1"]["tags"]["ecm:drain-services"] == "web"
    # The scheduler stops the tasks: they are STOPPING (desiredStatus STOPPED), which the
    # RUNNING-only ListTasks would miss; the instance must still be held.
    for task in world.tasks.values():
        task.desired, task.last = "STOPPED", "STOPPING"
    world.services["web"].running, world.services["web"].pending, world.services["web"].deployments = 2, 2, 1
    world.now += 60
    assert run(world, config, SWEEP)["decisions"] == {"i-1": "wait"}
    assert last_log(capsys)["blocking"] == ["task w1 STOPPING (service:web)", "task w2 STOPPING (service:web)"]
    world.finish_stops()
    world.now += 60
    assert run(world, config, SWEEP)["decisions"] == {"i-1": "wait"}
    assert last_log(capsys)["blocking"] == ["service web: running 2/4, pending 2, deployments 1"]
    world.services["web"].running, world.services["web"].pending = 4, 0
    assert run(world, config, ecs_event("i-1", status="DRAINING"))["decisions"] == {"i-1": "continue"}
    assert world.completed == [("i-1", TERMINATE_HOOK, "CONTINUE")]
    assert world.calls["ListServices"] == 0  # the unrelated, unsteady service was never looked at


def test_cluster_scope_waits_for_every_service(world: FakeWorld, capsys: pytest.CaptureFixture[str]) -> None:
    config = make_config(stability_scope="cluster")
    busy_instance(world)
    run(world, config, SWEEP)
    world.finish_stops()
    for task in list(world.tasks.values()):
        task.desired = task.last = "STOPPED"
    world.now += 60
    run(world, config, SWEEP)
    assert world.completed == []
    assert "service unrelated: running 1/2, pending 1, deployments 1" in last_log(capsys)["blocking"]
    world.services["unrelated"].running, world.services["unrelated"].pending = 2, 0
    run(world, config, SWEEP)
    assert world.completed == [("i-1", TERMINATE_HOOK, "CONTINUE")]


def test_never_registered_instance_continues_promptly(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", TERMINATE_HOOK)
    run(world, config, lifecycle_event("i-1", TERMINATE_HOOK))
    assert world.completed == [("i-1", TERMINATE_HOOK, "CONTINUE")]


def test_empty_instance_continues_on_the_next_wake_up(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", TERMINATE_HOOK)
    world.register("i-1")
    run(world, config, lifecycle_event("i-1", TERMINATE_HOOK))
    run(world, config, SWEEP)
    assert world.completed == [("i-1", TERMINATE_HOOK, "CONTINUE")]


def test_standalone_task_stopped_after_grace(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", TERMINATE_HOOK)
    world.register("i-1")
    batch = world.add_task("i-1", "family:batch", "b1")
    run(world, config, SWEEP)
    world.now += 299
    run(world, config, SWEEP)
    assert world.tasks[batch].desired == "RUNNING"  # draining does not stop standalone tasks
    world.now += 2
    run(world, config, SWEEP)
    assert world.tasks[batch].desired == "STOPPED"
    world.finish_stops()
    run(world, config, SWEEP)
    assert world.completed == [("i-1", TERMINATE_HOOK, "CONTINUE")]


def test_wait_policy_holds_until_timeout_and_reports_the_task(world: FakeWorld,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    config = make_config(standalone_policy="wait")
    world.add_instance("i-1", TERMINATE_HOOK)
    world.register("i-1")
    batch = world.add_task("i-1", "family:batch", "b1")
    run(world, config, SWEEP)
    world.now += 3599
    run(world, config, SWEEP)
    assert world.completed == [] and world.tasks[batch].desired == "RUNNING"
    assert "heartbeat" in last_log(capsys)["actions"]
    world.now += 1
    run(world, config, SWEEP)
    assert world.completed == [("i-1", TERMINATE_HOOK, "ABANDON")]
    line = last_log(capsys)
    assert (line["decision"], line["blocking"]) == ("abandon", ["task b1 RUNNING (family:batch)"])


def test_throttling_never_turns_into_continue(world: FakeWorld, config: Config) -> None:
    busy_instance(world)
    run(world, config, SWEEP)
    for task in world.tasks.values():
        task.desired = task.last = "STOPPED"
    world.services["web"].running = 3  # still recovering: every read below is needed
    # Still throttled after the retries: the invocation does not fail (Lambda would only retry
    # the same event later); it says "deferred" and leaves the instance to the next sweep.
    for operation in ("DescribeInstances", "DescribeContainerInstances", "ListTasks", "DescribeServices"):
        world.throttle[operation] = 1
        assert run(world, config, lifecycle_event("i-1", TERMINATE_HOOK))["decisions"] == {"i-1": "deferred"}
        assert world.completed == []
    world.throttle["CompleteLifecycleAction"] = 1
    world.services["web"].running = 4
    assert run(world, config, lifecycle_event("i-1", TERMINATE_HOOK))["decisions"] == {"i-1": "deferred"}
    assert world.completed == []
    assert run(world, config, SWEEP)["decisions"] == {"i-1": "continue"}  # the next sweep finishes it
    assert world.completed == [("i-1", TERMINATE_HOOK, "CONTINUE")]


def test_sweep_logs_a_failed_instance_and_goes_on(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", TERMINATE_HOOK)
    world.add_instance("i-2", TERMINATE_HOOK)
    world.broken["DescribeInstances"] = 1
    assert run(world, config, SWEEP)["decisions"] == {"i-1": "error", "i-2": "continue"}
    world.add_instance("i-3", TERMINATE_HOOK)
    world.throttle["DescribeInstances"] = 1
    assert run(world, config, SWEEP)["decisions"] == {"i-1": "deferred", "i-3": "continue"}


def test_duplicates_and_crash_between_record_and_drain_are_repaired(world: FakeWorld, config: Config) -> None:
    arn = busy_instance(world)
    world.broken["UpdateContainerInstancesState"] = 1  # crash after the record was written
    with pytest.raises(Exception, match="Service is unavailable"):
        run(world, config, lifecycle_event("i-1", TERMINATE_HOOK))
    assert world.container_instances[arn]["status"] == "ACTIVE"
    run(world, config, lifecycle_event("i-1", TERMINATE_HOOK))  # Lambda's retry
    run(world, config, lifecycle_event("i-1", TERMINATE_HOOK))  # a duplicate event
    assert world.container_instances[arn]["status"] == "DRAINING"
    assert world.completed == []


def test_foreign_and_launch_hook_events_are_ignored(world: FakeWorld, config: Config) -> None:
    busy_instance(world)
    run(world, config, lifecycle_event("i-1", TERMINATE_HOOK, asg="other"))
    run(world, config, lifecycle_event("i-1", LAUNCH_HOOK))
    run(world, config, ecs_event("i-1", status="ACTIVE", tasks=2))  # not drained: no lookup at all
    assert world.completed == [] and world.calls["UpdateContainerInstancesState"] == 0
    assert world.calls["DescribeAutoScalingInstances"] == 0


def test_budget_independent_of_cluster_size(world: FakeWorld, config: Config) -> None:
    arn = busy_instance(world)
    for n in range(200):  # a big cluster around it
        world.add_instance(f"i-x{n}")
        world.register(f"i-x{n}")
        world.add_task(f"i-x{n}", "service:web", f"x{n}")
    world.instances["i-1"]["tags"]["ecm:container-instance"] = arn  # remembered at launch
    run(world, config, SWEEP)
    world.calls.clear()
    world.finish_stops()
    world.tasks = {a: t for a, t in world.tasks.items() if t.instance != arn}
    run(world, config, SWEEP)
    ecs = sum(n for op, n in world.calls.items() if op in (
        "ListContainerInstances", "DescribeContainerInstances", "ListTasks", "DescribeTasks"))
    assert ecs <= 3
    assert world.calls["DescribeServices"] == 1
    assert world.calls["DescribeInstances"] == 1
    assert world.calls["DescribeAutoScalingGroups"] + world.calls["CompleteLifecycleAction"] == 2


def test_refused_stop_task_is_noted_and_retried_without_losing_the_heartbeat(world: FakeWorld, config: Config,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    world.add_instance("i-1", TERMINATE_HOOK)
    world.register("i-1")
    batch = world.add_task("i-1", "family:batch", "b1")
    run(world, config, SWEEP)
    world.now += 1800
    world.throttle["StopTask"] = 1
    assert run(world, config, SWEEP)["decisions"] == {"i-1": "wait"}
    line = last_log(capsys)
    assert line["actions"] == ["heartbeat", "remembered heartbeat"]
    assert line["notes"] == ["could not stop b1: ThrottlingException"]
    run(world, config, SWEEP)
    assert world.tasks[batch].desired == "STOPPED"
