"""The launch gate end to end over the fake world: triggers, ownership, signals, timeouts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ecs_cluster_manager.lifecycle.act import ActionContext, apply
from ecs_cluster_manager.lifecycle.config import Config
from ecs_cluster_manager.lifecycle.gate import Runtime
from ecs_cluster_manager.lifecycle.launch import GATE
from ecs_cluster_manager.lifecycle.observe import Target
from ecs_cluster_manager.lifecycle.runtime import handle

from .conftest import SWEEP, ecs_event, lifecycle_event, sample
from .fakes import LAUNCH_HOOK, TERMINATE_HOOK, FakeWorld


def run(world: FakeWorld, config: Config, event: object) -> dict[str, Any]:
    return handle(GATE, Runtime(config, world.clients(), clock=lambda: world.now), event)


def logs(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_waits_until_joined_then_continues_and_signals(world: FakeWorld, config: Config,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    assert run(world, config, lifecycle_event("i-1", LAUNCH_HOOK)) == {"decisions": {"i-1": "wait"}}
    arn = world.register("i-1", agent=False)
    assert run(world, config, SWEEP)["decisions"] == {"i-1": "wait"}
    world.container_instances[arn]["agent"] = True
    assert run(world, config, ecs_event("i-1"))["decisions"] == {"i-1": "continue"}
    assert world.completed == [("i-1", LAUNCH_HOOK, "CONTINUE")]
    assert world.signals == [("i-1", "SUCCESS")]
    assert world.instances["i-1"]["tags"]["ecm:container-instance"] == arn
    last = logs(capsys)[-1]
    assert {k: last[k] for k in ("function", "instance_id", "decision", "container_instance")} == {
        "function": "launch", "instance_id": "i-1", "decision": "continue", "container_instance": arn}


def test_registration_failed_abandons_at_once(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    world.register("i-1", status="REGISTRATION_FAILED", agent=False)
    run(world, config, ecs_event("i-1", status="REGISTRATION_FAILED", agent=False))
    assert world.completed == [("i-1", LAUNCH_HOOK, "ABANDON")]
    assert world.signals == [("i-1", "FAILURE")]


def test_instance_gone_abandons(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK, state="terminated")
    run(world, config, SWEEP)
    assert world.completed == [("i-1", LAUNCH_HOOK, "ABANDON")]


def test_launch_timeout_abandons_and_names_what_was_missing(world: FakeWorld, config: Config,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    world.now += 3600
    run(world, config, lifecycle_event("i-1", LAUNCH_HOOK))  # the event's time is the launch, T0
    assert world.completed == [("i-1", LAUNCH_HOOK, "ABANDON")]
    assert logs(capsys)[-1]["blocking"] == ["not registered with the cluster"]


def test_launch_timeout_counts_from_the_first_sweep_that_saw_the_wait(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    run(world, config, SWEEP)
    assert world.instances["i-1"]["tags"]["ecm:launch-wait-started"] == str(int(world.now))
    world.now += 3599
    run(world, config, SWEEP)
    assert world.completed == []
    world.now += 1
    run(world, config, SWEEP)
    assert world.completed == [("i-1", LAUNCH_HOOK, "ABANDON")]


def test_instance_leaving_a_running_warm_pool_is_not_abandoned_for_its_old_launch_time(
        world: FakeWorld, config: Config) -> None:
    """It keeps the LaunchTime of when it entered the pool, a day ago; its wait starts now."""
    world.add_instance("i-1", LAUNCH_HOOK, launched=world.now - 86_400)
    run(world, config, SWEEP)
    assert world.completed == []
    run(world, config, lifecycle_event("i-1", LAUNCH_HOOK, Origin="WarmPool", Destination="AutoScalingGroup"))
    assert world.completed == []
    arn = world.register("i-1")
    run(world, config, ecs_event("i-1"))
    assert world.completed == [("i-1", LAUNCH_HOOK, "CONTINUE")]
    # The wait's timing tags are cleared with the same CreateTags that remembers the ARN.
    assert world.instances["i-1"]["tags"] == {"ecm:container-instance": arn, "ecm:launch-wait-started": "",
                                               "ecm:heartbeat": ""}


def test_warm_pool_bound_instance_continues_without_ecs(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK, state="pending")
    world.warm_pool.add("i-1")
    run(world, config, lifecycle_event("i-1", LAUNCH_HOOK, Origin="EC2", Destination="WarmPool"))
    assert world.completed == [("i-1", LAUNCH_HOOK, "CONTINUE")]
    assert world.signals == []
    assert world.calls["ListContainerInstances"] == 0


def test_duplicate_events_complete_once_and_signal_nothing_wrong(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    world.register("i-1")
    for _ in range(3):
        run(world, config, lifecycle_event("i-1", LAUNCH_HOOK))
    assert world.completed == [("i-1", LAUNCH_HOOK, "CONTINUE")]
    assert world.signals == [("i-1", "SUCCESS")]


def test_late_duplicate_after_completion_cannot_signal_failure(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK, launched=world.now - 7200)  # long past the launch timeout
    world.register("i-1", status="DRAINING")
    world.waiting.clear()  # the launch action was completed long ago
    run(world, config, lifecycle_event("i-1", LAUNCH_HOOK))
    assert world.completed == [] and world.signals == []


def test_sweep_and_event_at_once_is_harmless(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    world.register("i-1")
    clients = world.clients()
    # The sweep observed and decided while the event's invocation completed the action first.
    obs = GATE.observe(clients, config, Target("i-1", from_sweep=True), world.now)
    run(world, config, ecs_event("i-1"))
    outcome = apply(ActionContext(clients, config, LAUNCH_HOOK, "i-1"), GATE.decide(obs, config).actions)
    assert world.completed == [("i-1", LAUNCH_HOOK, "CONTINUE")]
    assert outcome.notes[-1] == "no active lifecycle action: already completed"


def test_test_notification_foreign_group_hook_and_cluster_are_ignored(world: FakeWorld, config: Config,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    world.register("i-1")
    run(world, config, sample("sns_or_sqs_asg_test_notification.json"))
    run(world, config, lifecycle_event("i-1", LAUNCH_HOOK, asg="other-asg"))
    run(world, config, lifecycle_event("i-1", "someone-elses-launch-hook"))
    run(world, config, ecs_event("i-1", cluster_arn="arn:aws:ecs:us-east-1:123456789012:cluster/other"))
    assert world.completed == [] and world.signals == []
    assert [line["decision"] for line in logs(capsys)] == ["ignored"] * 4
    assert sum(world.calls.values()) == 0


def test_terminate_hook_event_is_not_ours(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", TERMINATE_HOOK)
    run(world, config, lifecycle_event("i-1", TERMINATE_HOOK))
    assert world.completed == []


def test_no_signal_expected_is_normal(world: FakeWorld, config: Config, capsys: pytest.CaptureFixture[str]) -> None:
    world.signals_expected = False
    world.add_instance("i-1", LAUNCH_HOOK)
    world.register("i-1")
    run(world, config, SWEEP)
    assert world.completed == [("i-1", LAUNCH_HOOK, "CONTINUE")]
    assert logs(capsys)[-1]["notes"][0].startswith("no signal expected")


def test_failed_event_raises_so_lambda_retries_and_nothing_completes(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    world.register("i-1")
    world.broken["DescribeContainerInstances"] = 1
    with pytest.raises(Exception, match="Service is unavailable"):
        run(world, config, lifecycle_event("i-1", LAUNCH_HOOK))
    assert world.completed == []
    run(world, config, lifecycle_event("i-1", LAUNCH_HOOK))  # the retry
    assert world.completed == [("i-1", LAUNCH_HOOK, "CONTINUE")]


def test_throttled_event_is_deferred_to_the_sweep_and_nothing_completes(
        world: FakeWorld, config: Config, capsys: pytest.CaptureFixture[str]) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    world.register("i-1")
    world.throttle["DescribeContainerInstances"] = 1
    assert run(world, config, lifecycle_event("i-1", LAUNCH_HOOK))["decisions"] == {"i-1": "deferred"}
    assert world.completed == []
    assert logs(capsys)[-1]["reason"].endswith("the next sweep takes it up")
    assert run(world, config, SWEEP)["decisions"] == {"i-1": "continue"}
    assert world.completed == [("i-1", LAUNCH_HOOK, "CONTINUE")]


def test_throttled_check_of_an_event_is_deferred_too(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    world.register("i-1")
    world.throttle["DescribeAutoScalingInstances"] = 1
    assert run(world, config, lifecycle_event("i-1", LAUNCH_HOOK))["decisions"] == {}
    assert world.completed == []
    run(world, config, SWEEP)
    assert world.completed == [("i-1", LAUNCH_HOOK, "CONTINUE")]


def test_budget_per_instance_per_wake_up(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    world.register("i-1")
    run(world, config, lifecycle_event("i-1", LAUNCH_HOOK))
    calls = world.calls
    assert calls["ListContainerInstances"] + calls["DescribeContainerInstances"] <= 3
    assert calls["DescribeAutoScalingInstances"] + calls["CompleteLifecycleAction"] <= 2
    assert calls["DescribeInstances"] == 1


def test_denied_signal_is_reported_and_the_launch_still_completes(world: FakeWorld, config: Config,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    world.add_instance("i-1", LAUNCH_HOOK)
    world.register("i-1")
    world.deny_signal = True
    run(world, config, SWEEP)
    assert world.completed == [("i-1", LAUNCH_HOOK, "CONTINUE")]
    assert "grant cloudformation:SignalResource" in logs(capsys)[-1]["notes"][0]
