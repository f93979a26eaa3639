"""Where the gates used to share a wrong belief with their fakes (issue "Behave like AWS where we
don't yet"): each test here failed before the fix it names.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ecs_cluster_manager.lifecycle import launch, terminate
from ecs_cluster_manager.lifecycle.aws import is_no_active_action
from ecs_cluster_manager.lifecycle.config import Config
from ecs_cluster_manager.lifecycle.gate import Gate, Runtime
from ecs_cluster_manager.lifecycle.runtime import handle

from .conftest import SWEEP, ecs_event, lifecycle_event, make_config
from .fakes import LAUNCH_HOOK, TERMINATE_HOOK, FakeWorld, Service, client_error


def run(gate: Gate, world: FakeWorld, config: Config, event: object) -> dict[str, Any]:
    return handle(gate, Runtime(config, world.clients(), clock=lambda: world.now), event)


def logs(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def draining_with_web(world: FakeWorld) -> str:
    world.add_instance("i-1", TERMINATE_HOOK)
    arn = world.register("i-1")
    world.add_task("i-1", "service:web", "w1")
    world.services["web"] = Service("web", desired=2, running=2)
    return arn


# ---- 11. a re-registered agent ------------------------------------------------------------------

def test_re_registered_agent_is_drained_under_its_new_arn(world: FakeWorld, config: Config) -> None:
    old = draining_with_web(world)
    run(terminate.GATE, world, config, lifecycle_event("i-1", TERMINATE_HOOK))
    assert world.instances["i-1"]["tags"]["ecm:container-instance"] == old
    # The agent lost its state and registered again; ECS placed a task on the new container instance.
    world.container_instances[old]["status"] = "INACTIVE"
    new = f"{old}-again"
    world.container_instances[new] = {**world.container_instances[old], "status": "ACTIVE", "agent": True}
    for task in world.tasks.values():
        task.desired = task.last = "STOPPED"
    world.add_task("i-1", "service:api", "a1")
    world.tasks[next(a for a in world.tasks if a.endswith("/a1"))].instance = new
    world.now += 60
    assert run(terminate.GATE, world, config, SWEEP)["decisions"] == {"i-1": "drain-started"}
    assert world.completed == []
    assert world.container_instances[new]["status"] == "DRAINING"
    assert world.instances["i-1"]["tags"]["ecm:container-instance"] == new
    assert world.instances["i-1"]["tags"]["ecm:drain-services"] == "api,web"


# ---- 10. EC2's tag limit ----------------------------------------------------------------------

def test_instance_near_the_tag_limit_falls_back_to_the_compact_record(
        world: FakeWorld, capsys: pytest.CaptureFixture[str]) -> None:
    world.add_instance("i-1", TERMINATE_HOOK)
    world.instances["i-1"]["tags"].update({f"team:{n}": "x" for n in range(46)})
    arn = world.register("i-1")
    names = [f"service-with-a-long-name-{n:03d}" for n in range(40)]  # 1,320 characters: 6 chunks
    for n, name in enumerate(names):
        world.add_task("i-1", f"service:{name}", f"t{n}")
        world.services[name] = Service(name, desired=2, running=2)
    world.services["unrelated"] = Service("unrelated", desired=2, running=1, pending=1)
    config = make_config()
    run(terminate.GATE, world, config, lifecycle_event("i-1", TERMINATE_HOOK))
    assert world.container_instances[arn]["status"] == "DRAINING"
    assert world.instances["i-1"]["tags"]["ecm:drain-services"] == "*"
    assert "compact" in logs(capsys)[-1]["actions"][0]
    # The overflow marker means "every service of the cluster", never "no services".
    world.finish_stops()
    for task in world.tasks.values():
        task.desired = task.last = "STOPPED"
    world.now += 60
    assert run(terminate.GATE, world, config, SWEEP)["decisions"] == {"i-1": "wait"}
    assert world.calls["ListServices"] == 1
    assert logs(capsys)[-1]["blocking"] == ["service unrelated: running 1/2, pending 1, deployments 1"]
    world.services["unrelated"].running, world.services["unrelated"].pending = 2, 0
    run(terminate.GATE, world, config, SWEEP)
    assert world.completed == [("i-1", TERMINATE_HOOK, "CONTINUE")]


def test_no_room_even_for_the_compact_record_still_drains_and_never_continues(
        world: FakeWorld, config: Config, capsys: pytest.CaptureFixture[str]) -> None:
    arn = draining_with_web(world)
    world.instances["i-1"]["tags"].update({f"team:{n}": "x" for n in range(49)})
    run(terminate.GATE, world, config, lifecycle_event("i-1", TERMINATE_HOOK))
    assert world.container_instances[arn]["status"] == "DRAINING"
    assert "no room for the drain record" in logs(capsys)[-1]["notes"][0]
    world.finish_stops()
    for task in world.tasks.values():
        task.desired = task.last = "STOPPED"
    world.now += 60
    run(terminate.GATE, world, config, SWEEP)
    assert world.completed == []


# ---- 7. the heartbeat clock ---------------------------------------------------------------------

def test_one_heartbeat_per_interval_not_one_per_sweep(world: FakeWorld) -> None:
    config = make_config(heartbeat_timeout_s=3600, drain_timeout_s=7000)  # interval 1,800 s
    draining_with_web(world)
    run(terminate.GATE, world, config, lifecycle_event("i-1", TERMINATE_HOOK))
    for _ in range(110):  # 110 minutes of sweeps while a task keeps running
        world.now += 60
        run(terminate.GATE, world, config, SWEEP)
    assert len(world.heartbeats) == 3  # at 30, 60 and 90 minutes; the old rule sent 80


def test_short_heartbeat_timeout_beats_on_every_sweep(world: FakeWorld) -> None:
    config = make_config(heartbeat_timeout_s=120)
    draining_with_web(world)
    run(terminate.GATE, world, config, lifecycle_event("i-1", TERMINATE_HOOK))
    for _ in range(5):
        world.now += 60
        run(terminate.GATE, world, config, SWEEP)
    assert len(world.heartbeats) == 5


def test_drain_timeout_counts_from_the_event_not_from_a_late_record(world: FakeWorld) -> None:
    """The first wake-up came a minute after the action began (the event was late)."""
    config = make_config(drain_timeout_s=600)
    draining_with_web(world)
    world.now += 60
    run(terminate.GATE, world, config, lifecycle_event("i-1", TERMINATE_HOOK))  # event time: T0
    world.now += 540
    run(terminate.GATE, world, config, SWEEP)
    assert world.completed == [("i-1", TERMINATE_HOOK, "ABANDON")]


def test_an_event_older_than_any_action_can_be_does_not_time_the_drain_out(world: FakeWorld) -> None:
    config = make_config(heartbeat_timeout_s=120, drain_timeout_s=600)  # global limit 12,000 s
    draining_with_web(world)
    world.now += 20_000
    run(terminate.GATE, world, config, lifecycle_event("i-1", TERMINATE_HOOK))  # replayed, from T0
    assert world.completed == []


# ---- 6. abandoning a launch that already has tasks ------------------------------------------------

def test_abandoned_launch_is_drained_of_its_tasks_first(world: FakeWorld, config: Config,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    arn = world.register("i-1", health="IMPAIRED")
    world.add_task("i-1", "service:web", "w1")  # ECS placed it: the instance is ACTIVE
    run(launch.GATE, world, config, lifecycle_event("i-1", LAUNCH_HOOK))
    world.now += 3600
    run(launch.GATE, world, config, SWEEP)
    assert world.completed == [] and world.signals == []
    assert world.container_instances[arn]["status"] == "DRAINING"
    line = logs(capsys)[-1]
    assert line["decision"] == "wait" and line["blocking"] == ["task w1 RUNNING (service:web)"]
    assert "heartbeat" in line["actions"]
    for task in world.tasks.values():
        task.desired, task.last = "STOPPED", "STOPPING"
    world.now += 60
    run(launch.GATE, world, config, SWEEP)
    assert world.completed == []  # a stopping task is still live
    world.finish_stops()
    world.now += 60
    run(launch.GATE, world, config, SWEEP)
    assert world.completed == [("i-1", LAUNCH_HOOK, "ABANDON")]
    assert world.signals == [("i-1", "FAILURE")]


# ---- signals and completion -----------------------------------------------------------------------

def test_throttled_success_signal_is_never_swallowed(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    world.register("i-1")
    world.throttle["SignalResource"] = 1
    # Completed, then the signal still throttled after its retries: the instance is tagged as owed
    # a signal, and the next sweep finds it in service and signals.
    result = run(launch.GATE, world, config, lifecycle_event("i-1", LAUNCH_HOOK))
    assert result["decisions"] == {"i-1": "deferred"}
    assert world.completed == [("i-1", LAUNCH_HOOK, "CONTINUE")] and world.signals == []
    assert world.instances["i-1"]["tags"]["ecm:signal-owed"] == str(int(world.now))
    assert run(launch.GATE, world, config, SWEEP)["decisions"] == {"i-1": "signalled"}
    assert world.signals == [("i-1", "SUCCESS")]
    assert world.instances["i-1"]["tags"]["ecm:signal-owed"] == ""
    run(launch.GATE, world, config, SWEEP)
    assert world.signals == [("i-1", "SUCCESS")], "owed once, signalled once"


def test_an_owed_instance_no_longer_ready_is_not_signalled(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1")  # owed a signal, but its agent has left the cluster since
    world.instances["i-1"]["tags"]["ecm:signal-owed"] = str(int(world.now - 600))
    assert run(launch.GATE, world, config, SWEEP)["decisions"] == {"i-1": "forgotten"}
    assert world.signals == [] and world.instances["i-1"]["tags"]["ecm:signal-owed"] == ""


def test_a_forged_finishing_chain_signals_nothing_not_tagged_as_owed(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)  # still waiting: its own wake-ups decide it
    world.register("i-1")
    world.add_instance("i-2", group="someone-elses-asg")  # tagged, but not ours
    world.instances["i-2"]["tags"]["ecm:signal-owed"] = str(int(world.now))
    world.register("i-2")
    decided = run(launch.GATE, world, config, {"ecm-sweep-finish": ["i-1", "i-2"]})["decisions"]
    assert decided == {"i-1": "ignored", "i-2": "ignored"}
    assert world.signals == [] and world.completed == []
    assert world.calls["DescribeAutoScalingInstances"] == 0  # the tag is the evidence: no Auto Scaling call


@pytest.mark.parametrize("message", ["No active Lifecycle Action found with instance ID i-1",
                                     "No active lifecycle action found with instance ID i-1",
                                     "NO ACTIVE LIFECYCLE ACTION FOUND WITH INSTANCE ID i-1"])
def test_no_active_action_is_matched_in_any_case(message: str) -> None:
    assert is_no_active_action(client_error("ValidationError", message, "CompleteLifecycleAction"))


def test_other_validation_errors_are_not_taken_for_no_active_action() -> None:
    assert not is_no_active_action(client_error("ValidationError", "Group not found", "CompleteLifecycleAction"))
    assert not is_no_active_action(client_error("Throttling", "No active Lifecycle Action", "CompleteLifecycleAction"))


def test_ecs_event_for_a_ready_instance_continues_it(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    world.register("i-1")
    run(launch.GATE, world, config, ecs_event("i-1"))
    assert world.completed == [("i-1", LAUNCH_HOOK, "CONTINUE")]
