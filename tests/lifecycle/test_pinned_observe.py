"""Pinning tests for observe.py: when a remembered tag or EC2 LaunchTime counts as the start of
this launch wait, which timing tags a launch clears, and what a warm-pool entry costs.

The numbers are written out (one sweep is 60 s, a fresh launch two sweeps) rather than read back
from the module, so a changed constant fails here.
"""

from __future__ import annotations

import pytest

from ecs_cluster_manager.lifecycle.config import Config
from ecs_cluster_manager.lifecycle.drain_record import (
    DRAIN_STARTED_TAG,
    HEARTBEAT_TAG,
    LAUNCH_WAIT_TAG,
)
from ecs_cluster_manager.lifecycle.ec2_reads import Ec2Instance
from ecs_cluster_manager.lifecycle.observe import (
    FRESH_LAUNCH_S,
    Target,
    _launch_wait_start,
    observe_launch,
    observe_terminate,
)

from .fakes import LAUNCH_HOOK, TERMINATE_HOOK, FakeWorld

NOW = 100_000.0
SWEEP_S = 60.0


def _ec2(launched: float | None = None, wait_tag: float | None = None) -> Ec2Instance:
    tags = {} if wait_tag is None else {LAUNCH_WAIT_TAG: str(int(wait_tag))}
    return Ec2Instance("running", launched, tags)


def test_a_fresh_launch_is_two_sweeps() -> None:
    assert FRESH_LAUNCH_S == 2 * SWEEP_S


@pytest.mark.parametrize(("age", "counts"), [
    (0.0, True), (0.5, True), (1.0, True), (2 * SWEEP_S, True), (2 * SWEEP_S + 1, False),
    (-1.0, False)])
def test_launch_time_starts_the_wait_only_for_a_fresh_launch(age: float, counts: bool) -> None:
    started, remembered = _launch_wait_start(_ec2(launched=NOW - age), None, NOW)
    assert started == (NOW - age if counts else NOW)
    assert remembered is False


def test_a_target_knows_no_event_time_unless_told() -> None:
    assert Target("i-1").event_time is None
    assert Target("i-1").destination is None and Target("i-1").container_instance_arn == ""


def test_launch_time_is_not_used_when_the_event_dates_the_wait() -> None:
    started, _ = _launch_wait_start(_ec2(launched=NOW - 30), NOW - 10, NOW)
    assert started == NOW - 10


@pytest.mark.parametrize(("tag_age_before_event", "kept"), [
    (0.0, True), (SWEEP_S, True), (SWEEP_S + 1, False)])
def test_a_tag_older_than_the_event_by_more_than_a_sweep_was_an_earlier_action(
        tag_age_before_event: float, kept: bool) -> None:
    event = NOW - 300
    started, remembered = _launch_wait_start(_ec2(wait_tag=event - tag_age_before_event), event, NOW)
    assert remembered is kept
    assert started == (event - tag_age_before_event if kept else event)


def test_a_tag_alone_dates_the_wait_and_is_remembered() -> None:
    started, remembered = _launch_wait_start(_ec2(launched=NOW - 9999, wait_tag=NOW - 500), None, NOW)
    assert (started, remembered) == (NOW - 500, True)


def test_nothing_known_starts_the_wait_now() -> None:
    assert _launch_wait_start(_ec2(), None, NOW) == (NOW, False)


def test_a_launch_clears_every_timing_tag_an_earlier_action_left(config: Config,
                                                                world: FakeWorld) -> None:
    world.add_instance("i-1", hook=LAUNCH_HOOK)
    world.instances["i-1"]["tags"] = {LAUNCH_WAIT_TAG: str(int(world.now)),
                                      HEARTBEAT_TAG: str(int(world.now)),
                                      DRAIN_STARTED_TAG: str(int(world.now)),
                                      "ecm:unrelated": "x"}
    obs = observe_launch(world.clients(), config, Target("i-1"), world.now)
    assert set(obs.stale_tags) == {LAUNCH_WAIT_TAG, HEARTBEAT_TAG, DRAIN_STARTED_TAG}
    assert obs.last_heartbeat_at == world.now
    assert obs.wait_remembered is True


def test_entering_the_warm_pool_costs_no_call_and_is_pending(config: Config,
                                                            world: FakeWorld) -> None:
    world.add_instance("i-1", hook=LAUNCH_HOOK)
    obs = observe_launch(world.clients(), config, Target("i-1", event_time=world.now - 5,
                                                        destination="WarmPool"), world.now)
    assert sum(world.calls.values()) == 0
    assert (obs.ec2_state, obs.container_instance, obs.destination) == ("pending", None, "WarmPool")
    assert obs.started_at == world.now - 5
    assert obs.stale_tags == () and obs.wait_remembered is False and obs.launch_time is None


def test_a_warm_pool_entry_without_a_plausible_time_starts_now(config: Config,
                                                               world: FakeWorld) -> None:
    obs = observe_launch(world.clients(), config, Target("i-1", event_time=world.now + 60,
                                                        destination="WarmPool"), world.now)
    assert obs.started_at == world.now


def test_a_terminate_observation_of_a_gone_instance_knows_nothing_more(config: Config,
                                                                     world: FakeWorld) -> None:
    obs = observe_terminate(world.clients(), config, Target("i-gone"), world.now)
    assert obs.ec2_exists is False
    assert (obs.container_instance, obs.record, obs.services) == (None, None, None)
    assert obs.live_tasks == () and obs.tasks_complete is False and obs.last_heartbeat_at is None


def test_a_terminate_observation_of_an_unregistered_instance_reads_no_tasks(
        config: Config, world: FakeWorld) -> None:
    world.add_instance("i-1", hook=TERMINATE_HOOK)
    obs = observe_terminate(world.clients(), config, Target("i-1", event_time=world.now), world.now)
    assert obs.ec2_exists is True and obs.container_instance is None
    assert obs.event_time == world.now
    assert world.calls["ListTasks"] == 0 and world.calls["DescribeTasks"] == 0


def test_a_launch_reads_no_tasks_before_it_times_out(config: Config, world: FakeWorld) -> None:
    world.add_instance("i-1", hook=LAUNCH_HOOK)
    world.register("i-1")
    obs = observe_launch(world.clients(), config, Target("i-1", event_time=world.now), world.now)
    assert obs.container_instance is not None
    assert obs.live_tasks == () and obs.tasks_complete is False
    assert world.calls["ListTasks"] == 0


def test_a_drain_with_tasks_still_running_reads_no_services(config: Config,
                                                            world: FakeWorld) -> None:
    world.add_instance("i-1", hook=TERMINATE_HOOK)
    world.register("i-1", status="DRAINING")
    world.add_task("i-1", "service:web", "t-1")
    obs = observe_terminate(world.clients(), config, Target("i-1", event_time=world.now), world.now)
    assert len(obs.live_tasks) == 1
    assert obs.services is None and obs.unsettled_cluster_tasks == ()
    assert world.calls["DescribeServices"] == 0
