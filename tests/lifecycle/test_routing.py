"""Which wake-ups reach which instance: the wait-state check, ECS event filters, the sweep's fan-out."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from ecs_cluster_manager.lifecycle import launch, terminate
from ecs_cluster_manager.lifecycle.config import Config
from ecs_cluster_manager.lifecycle.events import SWEEP_SLICE_KEY, SWEEP_WARM_KEY
from ecs_cluster_manager.lifecycle.gate import Gate, Runtime
from ecs_cluster_manager.lifecycle.runtime import handle
from ecs_cluster_manager.lifecycle.sweep import CHAIN_LENGTH, FAN_OUT, SWEEP_SHARE

from .conftest import SWEEP, ecs_event, lifecycle_event, make_config, sample
from .fakes import CLUSTER_ARN, LAUNCH_HOOK, TERMINATE_HOOK, FakeWorld


class Invoker:
    """Records the sweep's fan-out instead of invoking a function."""

    def __init__(self, available: bool = True) -> None:
        self.available = available
        self.payloads: list[dict[str, Any]] = []

    def __call__(self, payloads: list[dict[str, Any]]) -> bool:
        if self.available:
            self.payloads += payloads
        return self.available


def run(gate: Gate, world: FakeWorld, config: Config, event: object, invoker: Invoker | None = None) -> dict[str, Any]:
    runtime = Runtime(config, world.clients(), clock=lambda: world.now, invoke=invoker or Invoker(False))
    return handle(gate, runtime, event)


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


def logs(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


# ---- issue 8.12: events never bypass the wait-state check ----------------------------------------


def test_warm_pool_event_for_an_instance_in_service_does_nothing(world: FakeWorld, config: Config,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    world.add_instance("i-1")  # in service: a late or forged "Destination: WarmPool" event
    world.register("i-1")
    event = lifecycle_event("i-1", LAUNCH_HOOK, Origin="EC2", Destination="WarmPool")
    assert run(launch.GATE, world, config, event) == {"decisions": {}}
    terminating = lifecycle_event("i-1", TERMINATE_HOOK, Origin="AutoScalingGroup", Destination="WarmPool")
    assert run(terminate.GATE, world, config, terminating) == {"decisions": {}}
    assert world.completed == [] and world.calls["UpdateContainerInstancesState"] == 0
    assert set(world.calls) == {"DescribeAutoScalingInstances"}
    assert [line["reason"] for line in logs(capsys)] == [
        "i-1 is InService, not in Warmed:Pending:Wait", "i-1 is InService, not in Warmed:Pending:Wait"]


def test_warm_pool_event_for_an_instance_waiting_to_launch_into_the_group_does_nothing(
        world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)  # Pending:Wait: the ECS check must decide, not the event
    run(launch.GATE, world, config, lifecycle_event("i-1", LAUNCH_HOOK, Destination="WarmPool"))
    assert world.completed == []


def test_instance_returning_to_the_warm_pool_is_drained(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", TERMINATE_HOOK)
    world.warm_pool.add("i-1")
    world.register("i-1")
    world.add_task("i-1", "service:web", "w1")
    event = lifecycle_event("i-1", TERMINATE_HOOK, Origin="AutoScalingGroup", Destination="WarmPool")
    assert run(terminate.GATE, world, config, event)["decisions"] == {"i-1": "drain-started"}


def test_replayed_old_event_does_not_make_the_launch_gate_abandon(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK, launched=world.now - 60)
    stale = iso(world.now - 2 * config.heartbeat_timeout_s)  # older than any wait Auto Scaling still holds
    assert run(launch.GATE, world, config, lifecycle_event("i-1", LAUNCH_HOOK, time=stale))["decisions"] == {
        "i-1": "wait"}
    assert world.completed == []


def test_event_time_from_the_future_is_not_trusted(world: FakeWorld, config: Config,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    world.add_instance("i-1", LAUNCH_HOOK, launched=world.now - 60)
    run(launch.GATE, world, config, lifecycle_event("i-1", LAUNCH_HOOK, time=iso(world.now + 7200)))
    # Counted from the launch (60 s ago), never from a time to come.
    assert logs(capsys)[-1]["waited_s"] == 60


def test_recent_event_time_still_counts(world: FakeWorld, config: Config, capsys: pytest.CaptureFixture[str]) -> None:
    world.add_instance("i-1", LAUNCH_HOOK, launched=world.now - 300)
    run(launch.GATE, world, config, lifecycle_event("i-1", LAUNCH_HOOK, time=iso(world.now - 120)))
    assert logs(capsys)[-1]["waited_s"] == 120


# ---- issue 8.4 / 10: ECS events cost nothing unless they can concern a waiting instance ----------


def registered(event: dict[str, Any], epoch: float) -> dict[str, Any]:
    event["detail"]["registeredAt"] = iso(epoch)
    return event


def test_task_churn_on_an_instance_in_service_costs_the_launch_gate_no_call(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1")
    world.register("i-1")
    old = registered(ecs_event("i-1", tasks=3), world.now - config.launch_timeout_s - 3600)
    assert run(launch.GATE, world, config, old) == {"decisions": {}}
    assert sum(world.calls.values()) == 0


def test_recently_registered_instance_is_still_looked_at(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    world.register("i-1")
    fresh = registered(ecs_event("i-1"), world.now - 30)
    assert run(launch.GATE, world, config, fresh)["decisions"] == {"i-1": "continue"}


def test_health_change_to_ok_wakes_the_launch_gate(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    world.register("i-1", health="OK")
    event = sample("ecs_container_instance_health_change.json")
    event["detail"].update({"clusterArn": CLUSTER_ARN, "ec2InstanceId": "i-1"})
    assert run(launch.GATE, world, config, event)["decisions"] == {"i-1": "continue"}
    assert run(terminate.GATE, world, config, event) == {"decisions": {}}


@pytest.mark.parametrize("overall", ["IMPAIRED", "INSUFFICIENT_DATA", "INITIALIZING"])
def test_health_change_away_from_ok_costs_no_call(world: FakeWorld, config: Config, overall: str) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    event = sample("ecs_container_instance_health_change.json")
    event["detail"].update({"clusterArn": CLUSTER_ARN, "ec2InstanceId": "i-1", "overallStatus": overall})
    run(launch.GATE, world, config, event)
    run(terminate.GATE, world, config, event)
    assert sum(world.calls.values()) == 0


def test_health_event_is_irrelevant_when_health_is_not_required(world: FakeWorld) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    event = sample("ecs_container_instance_health_change.json")
    event["detail"].update({"clusterArn": CLUSTER_ARN, "ec2InstanceId": "i-1"})
    run(launch.GATE, world, make_config(launch_require_health_ok=False), event)
    assert sum(world.calls.values()) == 0


def test_draining_instance_with_tasks_left_costs_the_drain_gate_no_call(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", TERMINATE_HOOK)
    run(terminate.GATE, world, config, ecs_event("i-1", status="DRAINING", tasks=2))
    assert sum(world.calls.values()) == 0


def test_fresh_launch_event_costs_no_call_and_registration_decides(world: FakeWorld, config: Config,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    fresh = lifecycle_event("i-1", LAUNCH_HOOK, Origin="EC2", Destination="AutoScalingGroup")
    assert run(launch.GATE, world, config, fresh) == {"decisions": {}}
    assert sum(world.calls.values()) == 0
    assert logs(capsys)[-1]["decision"] == "ignored"
    event = registered(ecs_event("i-1"), world.now)
    event["detail"]["containerInstanceArn"] = world.register("i-1")
    assert run(launch.GATE, world, config, event)["decisions"] == {"i-1": "continue"}


@pytest.mark.parametrize(("launched_s_ago", "waited_s"), [(30, 30), (7200, 0)])
def test_booting_instance_gets_its_wait_remembered_by_the_sweep(
        world: FakeWorld, config: Config, capsys: pytest.CaptureFixture[str],
        launched_s_ago: int, waited_s: int) -> None:
    # A fresh launch's wait starts at its LaunchTime; an old LaunchTime (an instance leaving a
    # running warm pool keeps the one from when it entered) is not the start: now is.
    world.add_instance("i-1", LAUNCH_HOOK, launched=world.now - launched_s_ago)
    run(launch.GATE, world, config, lifecycle_event("i-1", LAUNCH_HOOK, Origin="EC2",
                                                    Destination="AutoScalingGroup"))
    assert run(launch.GATE, world, config, SWEEP)["decisions"] == {"i-1": "wait"}
    assert logs(capsys)[-1]["waited_s"] == waited_s
    assert world.instances["i-1"]["tags"]["ecm:launch-wait-started"] == str(int(world.now - waited_s))


@pytest.mark.parametrize(("origin", "destination"), [("WarmPool", "AutoScalingGroup"), ("EC2", "WarmPool"),
                                                     (None, None)])
def test_launch_events_that_may_be_decided_at_once_are_looked_at(
        world: FakeWorld, config: Config, origin: str | None, destination: str | None) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    world.register("i-1")
    where = {k: v for k, v in (("Origin", origin), ("Destination", destination)) if v}
    run(launch.GATE, world, config, lifecycle_event("i-1", LAUNCH_HOOK, **where))
    assert world.calls["DescribeAutoScalingInstances"] == 1


def test_task_placed_on_a_waiting_instance_costs_the_launch_gate_no_call(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    world.register("i-1")
    busy = registered(ecs_event("i-1", tasks=1), world.now - 30)  # its registration event came first
    assert run(launch.GATE, world, config, busy) == {"decisions": {}}
    assert sum(world.calls.values()) == 0


def test_registration_event_names_the_container_instance_so_no_listing_is_needed(
        world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    event = registered(ecs_event("i-1"), world.now - 1)
    event["detail"]["containerInstanceArn"] = world.register("i-1")
    assert run(launch.GATE, world, config, event)["decisions"] == {"i-1": "continue"}
    assert world.calls["ListContainerInstances"] == 0


def test_an_event_naming_another_instances_registration_is_not_believed(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    world.add_instance("i-2")
    other = world.register("i-2")  # i-1 has not joined: only i-2's registration exists
    event = registered(ecs_event("i-1"), world.now - 1)
    event["detail"]["containerInstanceArn"] = other
    assert run(launch.GATE, world, config, event)["decisions"] == {"i-1": "wait"}
    assert world.calls["ListContainerInstances"] == 1  # the hint was checked, then looked up afresh
    assert world.completed == []


def draining(instance_id: str, resources_free: bool, agent: bool = True) -> dict[str, Any]:
    event = ecs_event(instance_id, status="DRAINING", agent=agent)
    cpu = [{"name": "CPU", "integerValue": 2048}, {"name": "MEMORY", "integerValue": 8000}]
    event["detail"]["registeredResources"] = cpu
    event["detail"]["remainingResources"] = cpu if resources_free else [
        {"name": "CPU", "integerValue": 1536}, {"name": "MEMORY", "integerValue": 8000}]
    return event


def test_drain_gate_looks_only_once_the_last_task_released_its_resources(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", TERMINATE_HOOK)
    world.register("i-1", status="DRAINING")
    # Counts at zero while a task told to stop still holds its CPU (deregistration delay).
    assert run(terminate.GATE, world, config, draining("i-1", resources_free=False)) == {"decisions": {}}
    assert sum(world.calls.values()) == 0
    assert run(terminate.GATE, world, config, draining("i-1", resources_free=True))["decisions"] != {}
    assert world.calls["DescribeAutoScalingInstances"] == 1


@pytest.mark.parametrize("event", [
    draining("i-1", resources_free=True, agent=False),  # what a drained instance sends as it terminates
    ecs_event("i-1", status="INACTIVE", agent=False),  # and once it is gone
    ecs_event("i-1", status="DEREGISTERING", agent=False),
])
def test_events_of_a_terminated_instance_cost_the_drain_gate_no_call(
        world: FakeWorld, config: Config, event: dict[str, Any]) -> None:
    world.add_instance("i-1", TERMINATE_HOOK)
    assert run(terminate.GATE, world, config, event) == {"decisions": {}}
    assert sum(world.calls.values()) == 0


# ---- issue 8.8 / 10: the sweep sees warm pools, and is bounded per wake-up -----------------------


def test_sweep_continues_an_instance_entering_the_warm_pool(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK, state="stopped")  # never registers while in the pool
    world.warm_pool.add("i-1")
    assert run(launch.GATE, world, config, SWEEP)["decisions"] == {"i-1": "continue"}
    assert world.completed == [("i-1", LAUNCH_HOOK, "CONTINUE")]
    assert world.calls["ListContainerInstances"] == 0


def test_sweep_drains_an_instance_returning_to_the_warm_pool(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", TERMINATE_HOOK)
    world.warm_pool.add("i-1")
    world.register("i-1")
    world.add_task("i-1", "service:web", "w1")
    assert run(terminate.GATE, world, config, SWEEP)["decisions"] == {"i-1": "drain-started"}


def test_sweep_with_one_waiting_instance_handles_it_in_place(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", TERMINATE_HOOK)
    invoker = Invoker()
    assert run(terminate.GATE, world, config, SWEEP, invoker)["decisions"] == {"i-1": "continue"}
    assert invoker.payloads == []


def test_sweep_fans_out_and_never_acts_itself(world: FakeWorld, config: Config) -> None:
    for n in range(30):
        world.add_instance(f"i-{n:02d}", TERMINATE_HOOK)
    world.add_instance("i-busy")  # in service: never handed out
    invoker = Invoker()
    assert run(terminate.GATE, world, config, SWEEP, invoker) == {"decisions": {}}
    # Besides the group, only the leftover clean-up's one read (nothing is disconnected here).
    assert dict(world.calls) == {"DescribeAutoScalingGroups": 1, "ListContainerInstances": 1}
    assert len(invoker.payloads) == 1  # one chain: its links run one after another
    handed = sorted(i for p in invoker.payloads for i in p[SWEEP_SLICE_KEY])
    assert handed == sorted(f"i-{n:02d}" for n in range(30))


def test_a_full_share_goes_to_as_many_chains_as_it_needs(world: FakeWorld, config: Config) -> None:
    for n in range(CHAIN_LENGTH * 2 - 1):
        world.add_instance(f"i-{n:03d}", TERMINATE_HOOK)
    invoker = Invoker()
    run(terminate.GATE, world, config, SWEEP, invoker)
    assert [len(p[SWEEP_SLICE_KEY]) for p in invoker.payloads] == [CHAIN_LENGTH, CHAIN_LENGTH - 1]
    assert len(invoker.payloads) <= FAN_OUT


def test_a_chain_handles_one_per_link_and_passes_the_rest_on(world: FakeWorld, config: Config,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    for n in range(20):
        world.add_instance(f"i-{n:02d}", TERMINATE_HOOK)
    world.add_instance("i-busy")  # in service: a forged or stale id in a chain
    sweep = Invoker()
    run(terminate.GATE, world, config, SWEEP, sweep)
    pending = sweep.payloads
    pending[0][SWEEP_SLICE_KEY].insert(1, "i-busy")
    done: dict[str, str] = {}
    while pending:
        invoker = Invoker()
        before = sum(world.calls.values())
        decided = run(terminate.GATE, world, config, pending.pop(), invoker)["decisions"]
        assert len(decided) == 1, "a link handles one instance"
        done.update(decided)
        calls = sum(world.calls.values()) - before + len(invoker.payloads)
        assert calls <= 10, "a wake-up makes at most a small constant number of calls"
        pending += invoker.payloads
    assert done == {**{f"i-{n:02d}": "continue" for n in range(20)}, "i-busy": "ignored"}
    # The completions were the checks: no link asked Auto Scaling first, and the one for the
    # instance in service was refused by Auto Scaling itself.
    assert world.calls["DescribeAutoScalingInstances"] == 0
    assert sorted(i for i, *_ in world.completed) == [f"i-{n:02d}" for n in range(20)]
    busy = next(line for line in logs(capsys) if line.get("instance_id") == "i-busy")
    assert busy["decision"] == "ignored" and busy["reason"].startswith("not waiting on the terminate hook")
    # One per link to look for its container instance (none registered here), and the leftover
    # clean-up's one on the scheduled sweep only, never on a link.
    assert world.calls["ListContainerInstances"] == 21 + 1


def test_a_link_about_a_booting_instance_costs_auto_scaling_nothing(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)  # not registered with ECS yet
    world.add_instance("i-2", LAUNCH_HOOK)
    invoker = Invoker()
    assert run(launch.GATE, world, config, {SWEEP_SLICE_KEY: ["i-1", "i-2"]}, invoker)["decisions"] == {
        "i-1": "wait"}
    assert invoker.payloads == [{SWEEP_SLICE_KEY: ["i-2"]}]
    assert world.instances["i-1"]["tags"]["ecm:launch-wait-started"]  # the wait is remembered
    assert not {c for c in world.calls if c.endswith(("AutoScalingInstances", "LifecycleAction"))}


def test_a_chain_checks_an_instance_said_to_be_bound_for_a_warm_pool(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-warm", LAUNCH_HOOK)
    world.warm_pool.add("i-warm")
    world.add_instance("i-liar", LAUNCH_HOOK)  # a forged hint: it launches into the group
    payload = {SWEEP_SLICE_KEY: ["i-warm", "i-liar"], SWEEP_WARM_KEY: ["i-warm", "i-liar"]}
    assert run(launch.GATE, world, config, payload)["decisions"] == {"i-warm": "continue", "i-liar": "wait"}
    assert world.calls["DescribeAutoScalingInstances"] == 2
    assert [i for i, *_ in world.completed] == ["i-warm"]


def test_a_throttled_completion_in_a_link_is_deferred_and_the_chain_goes_on(
        world: FakeWorld, config: Config, capsys: pytest.CaptureFixture[str]) -> None:
    world.add_instance("i-1", TERMINATE_HOOK)
    world.add_instance("i-2", TERMINATE_HOOK)
    world.throttle["CompleteLifecycleAction"] = 1
    invoker = Invoker()
    decided = run(terminate.GATE, world, config, {SWEEP_SLICE_KEY: ["i-1", "i-2"]}, invoker)["decisions"]
    assert decided == {"i-1": "deferred"} and world.completed == []
    assert invoker.payloads == [{SWEEP_SLICE_KEY: ["i-2"]}]
    assert logs(capsys)[-1]["decision"] == "deferred"


def test_without_invoke_a_chain_runs_in_place(world: FakeWorld, config: Config) -> None:
    for n in range(3):
        world.add_instance(f"i-{n}", TERMINATE_HOOK)
    decided = run(terminate.GATE, world, config, {SWEEP_SLICE_KEY: ["i-0", "i-1", "i-2"]})["decisions"]
    assert decided == {"i-0": "continue", "i-1": "continue", "i-2": "continue"}


def test_a_forged_slice_acts_on_nothing_that_is_not_waiting(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1")
    world.register("i-1")
    world.add_instance("i-2", TERMINATE_HOOK)
    world.register("i-2")
    # Draining i-1 is guarded: Auto Scaling is asked first, and says it is in service.
    assert run(terminate.GATE, world, config, {SWEEP_SLICE_KEY: ["i-1"]}) == {"decisions": {"i-1": "ignored"}}
    assert world.calls["DescribeAutoScalingInstances"] == 1
    # Continuing i-2's launch is refused by Auto Scaling itself: it waits on the other hook.
    assert run(launch.GATE, world, config, {SWEEP_SLICE_KEY: ["i-2"]}) == {"decisions": {"i-2": "ignored"}}
    assert world.completed == [] and world.calls["UpdateContainerInstancesState"] == 0
    assert world.calls["SignalResource"] == 0


def test_many_waiting_instances_are_spread_over_minutes(world: FakeWorld, config: Config,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    total = SWEEP_SHARE * 2 + 5
    for n in range(total):
        world.add_instance(f"i-{n:03d}", TERMINATE_HOOK)
    seen: set[str] = set()
    for _minute in range(3):
        invoker = Invoker()
        run(terminate.GATE, world, config, SWEEP, invoker)
        handed = [i for p in invoker.payloads for i in p[SWEEP_SLICE_KEY]]
        assert len(handed) == SWEEP_SHARE
        seen.update(handed)
        world.now += 60
    assert len(seen) == total
    line = logs(capsys)[-1]
    assert (line["decision"], line["reason"]) == (
        "fan-out", f"{SWEEP_SHARE} waiting instance(s) handed to {-(-SWEEP_SHARE // CHAIN_LENGTH)} "
        f"chain(s) of invocations; {total - SWEEP_SHARE} more on the following minutes")


def test_a_short_heartbeat_timeout_widens_the_share(world: FakeWorld) -> None:
    config = make_config(heartbeat_timeout_s=120)  # a round must fit in one minute
    total = SWEEP_SHARE * 2
    for n in range(total):
        world.add_instance(f"i-{n:03d}", TERMINATE_HOOK)
    invoker = Invoker()
    run(terminate.GATE, world, config, SWEEP, invoker)
    assert sum(len(p[SWEEP_SLICE_KEY]) for p in invoker.payloads) == total


def test_the_launch_sweep_hands_instances_owed_a_signal_to_a_chain_of_their_own(world: FakeWorld) -> None:
    config = make_config(heartbeat_timeout_s=120)  # every waiting instance this minute: all chains
    world.add_instance("i-owed")  # in service, its signal still owed
    world.instances["i-owed"]["tags"]["ecm:signal-owed"] = str(int(world.now - 60))
    world.add_instance("i-done")  # in service, its tag cleared: owed nothing
    world.instances["i-done"]["tags"]["ecm:signal-owed"] = ""
    for n in range(CHAIN_LENGTH * FAN_OUT):
        world.add_instance(f"i-{n:03d}", LAUNCH_HOOK)
    invoker = Invoker()
    run(launch.GATE, world, config, SWEEP, invoker)
    assert invoker.payloads[0] == {"ecm-sweep-finish": ["i-owed"]}
    assert len(invoker.payloads) == FAN_OUT, "the owed chain takes one of the sweep's invocations"
    assert dict(world.calls) == {"DescribeAutoScalingGroups": 1, "DescribeInstances": 1}
