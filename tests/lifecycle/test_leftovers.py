"""Leftover container instances: deregistered after their EC2 instance terminated, never before."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.stub import Stubber
from hypothesis import example, given
from hypothesis import strategies as st

from ecs_cluster_manager.lifecycle import terminate
from ecs_cluster_manager.lifecycle.config import Config
from ecs_cluster_manager.lifecycle.gate import Runtime
from ecs_cluster_manager.lifecycle.leftovers import (
    EC2_FORGETS_AFTER_S,
    MAX_PER_SWEEP,
    Leftover,
    LeftoverObservation,
    clean_leftovers,
    decide_leftovers,
)
from ecs_cluster_manager.lifecycle.runtime import handle

from .conftest import SWEEP
from .fakes import CLUSTER, TERMINATE_HOOK, FakeWorld
from .test_adapters import Stubs

NOW = 100_000.0
STATES = ["pending", "running", "shutting-down", "stopping", "stopped", "terminated"]


def leftover(n: int, registered: float | None = NOW - 60) -> Leftover:
    return Leftover(f"arn:aws:ecs:us-east-1:1:container-instance/c/ci-{n}", f"i-{n}", registered)


@pytest.mark.parametrize("state", STATES)
def test_only_a_terminated_instance_is_deregistered(state: str) -> None:
    chosen = decide_leftovers(LeftoverObservation(NOW, (leftover(1),), {"i-1": state}))
    assert chosen == ((leftover(1).arn,) if state == "terminated" else ())


def test_an_instance_ec2_forgot_counts_as_terminated_only_after_an_hour() -> None:
    recent, old = leftover(1, NOW - EC2_FORGETS_AFTER_S), leftover(2, NOW - EC2_FORGETS_AFTER_S - 1)
    assert decide_leftovers(LeftoverObservation(NOW, (recent, old, leftover(3, None)), {})) == (old.arn,)


def test_work_per_sweep_is_bounded() -> None:
    many = tuple(leftover(n) for n in range(MAX_PER_SWEEP + 3))
    states = {f"i-{n}": "terminated" for n in range(MAX_PER_SWEEP + 3)}
    assert len(decide_leftovers(LeftoverObservation(NOW, many, states))) == MAX_PER_SWEEP


@given(st.lists(st.tuples(st.integers(0, 9), st.sampled_from([*STATES, None]),
                          st.one_of(st.none(), st.floats(NOW - 10_000, NOW))), max_size=12))
@example([(1, "running", NOW - 10_000.0), (2, "shutting-down", NOW - 10_000.0)])
def test_never_an_instance_that_still_exists_and_is_not_terminated(
        rows: list[tuple[int, str | None, float | None]]) -> None:
    candidates = tuple(leftover(n, registered) for n, _, registered in rows)
    states = {f"i-{n}": state for n, state, _ in rows if state is not None}
    for arn in decide_leftovers(LeftoverObservation(NOW, candidates, states)):
        instance = arn.rsplit("ci-", 1)[-1]
        assert states.get(f"i-{instance}", "terminated") == "terminated"


# ---- through the terminate function's sweep ------------------------------------------------------

def sweep(world: FakeWorld, config: Config) -> dict[str, Any]:
    return handle(terminate.GATE, Runtime(config, world.clients(), clock=lambda: world.now), SWEEP)


def test_sweep_deregisters_the_leftover_of_a_terminated_instance_only(
        world: FakeWorld, config: Config, capsys: pytest.CaptureFixture[str]) -> None:
    world.add_instance("i-gone", state="terminated")
    gone = world.register("i-gone", agent=False)
    world.add_instance("i-flaky")  # running, its agent briefly disconnected
    flaky = world.register("i-flaky", agent=False)
    world.add_instance("i-leaving", state="shutting-down")
    leaving = world.register("i-leaving", agent=False)
    world.add_instance("i-ok")
    world.register("i-ok")
    sweep(world, config)
    assert world.container_instances[gone]["status"] == "INACTIVE"
    assert world.container_instances[flaky]["status"] == world.container_instances[leaving]["status"] == "ACTIVE"
    line = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert (line["decision"], line["actions"]) == ("leftovers", ["deregistered ci-i-gone"])
    assert {op: world.calls[op] for op in ("ListContainerInstances", "DescribeContainerInstances",
                                           "DescribeInstances", "DeregisterContainerInstance")} == {
        "ListContainerInstances": 1, "DescribeContainerInstances": 1, "DescribeInstances": 1,
        "DeregisterContainerInstance": 1}


def test_a_quiet_cluster_costs_one_list_call_and_no_log_line(world: FakeWorld, config: Config,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    world.add_instance("i-ok")
    world.register("i-ok")
    sweep(world, config)
    assert world.calls["ListContainerInstances"] == 1 and world.calls["DescribeContainerInstances"] == 0
    assert "leftovers" not in capsys.readouterr().out


def test_an_instance_waiting_on_the_hook_is_never_deregistered(world: FakeWorld, config: Config) -> None:
    world.add_instance("i-1", TERMINATE_HOOK)
    arn = world.register("i-1", agent=False)
    sweep(world, config)
    assert world.container_instances[arn]["status"] == "DRAINING"  # the drain gate's doing
    assert world.calls["DeregisterContainerInstance"] == 0


def test_a_failing_clean_up_is_logged_and_never_fails_the_sweep(world: FakeWorld, config: Config,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    world.throttle["ListContainerInstances"] = 1
    clean_leftovers(world.clients(), config, world.now)
    line = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert line["notes"] == ["ThrottlingException: Rate exceeded"]


def test_request_shapes(config: Config) -> None:
    """botocore's models accept every call the clean-up makes."""
    stubs = Stubs()
    arn = f"arn:aws:ecs:us-east-1:123456789012:container-instance/{CLUSTER}/abc"
    ecs, ec2 = Stubber(stubs.clients.ecs), Stubber(stubs.clients.ec2)
    ecs.add_response("list_container_instances", {"containerInstanceArns": [arn]},
                     {"cluster": CLUSTER, "filter": "agentConnected == false", "maxResults": 100})
    ecs.add_response("describe_container_instances", {"containerInstances": [{
        "containerInstanceArn": arn, "ec2InstanceId": "i-1", "status": "ACTIVE", "agentConnected": False,
        "registeredAt": datetime.fromtimestamp(NOW, UTC)}], "failures": []},
        {"cluster": CLUSTER, "containerInstances": [arn]})
    ec2.add_response("describe_instances", {"Reservations": [{"Instances": [
        {"InstanceId": "i-1", "State": {"Name": "terminated", "Code": 48}}]}]},
        {"Filters": [{"Name": "instance-id", "Values": ["i-1"]}]})
    ecs.add_response("deregister_container_instance", {"containerInstance": {"containerInstanceArn": arn}},
                     {"cluster": CLUSTER, "containerInstance": arn, "force": True})
    with ecs, ec2:
        clean_leftovers(stubs.clients, config, NOW)
        ecs.assert_no_pending_responses()
        ec2.assert_no_pending_responses()
