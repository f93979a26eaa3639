"""Pinning tests for leftovers.py, with its limits written out, not read from the module.

Written against the survivors of `make mutation`: the existing tests read MAX_PER_SWEEP and
EC2_FORGETS_AFTER_S from the module they check, so a changed constant passed them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from ecs_cluster_manager.lifecycle.aws import Clients
from ecs_cluster_manager.lifecycle.config import Config
from ecs_cluster_manager.lifecycle.leftovers import (
    Leftover,
    LeftoverObservation,
    clean_leftovers,
    decide_leftovers,
)

from .fakes import T0, FakeWorld, client_error

NOW = 100_000.0


def _leftover(n: int, registered: float | None = NOW - 60) -> Leftover:
    return Leftover(f"arn:aws:ecs:us-east-1:1:container-instance/c/ci-{n}", f"i-{n}", registered)


def test_five_deregistrations_per_sweep_at_most() -> None:
    """List, describe, one EC2 read and five deregistrations: 8 calls, within the 10 a wake-up may
    make (issue 10's bound); the next sweep takes the rest."""
    many = tuple(_leftover(n) for n in range(8))
    states = {f"i-{n}": "terminated" for n in range(8)}
    assert decide_leftovers(LeftoverObservation(NOW, many, states)) == tuple(m.arn for m in many[:5])
    assert len(decide_leftovers(LeftoverObservation(NOW, many[:5], states))) == 5
    assert len(decide_leftovers(LeftoverObservation(NOW, many[:4], states))) == 4


def test_an_instance_ec2_no_longer_describes_counts_as_terminated_after_one_hour() -> None:
    """EC2 keeps describing a terminated instance for about an hour (Amazon EC2 User Guide,
    "Terminate Amazon EC2 instances"); before that, an instance it does not describe may be new."""
    hour_old, older = _leftover(1, NOW - 3600), _leftover(2, NOW - 3601)
    assert decide_leftovers(LeftoverObservation(NOW, (hour_old, older), {})) == (older.arn,)


def test_a_leftover_ec2_forgot_is_found_by_its_registration_time(world: FakeWorld, config: Config,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """registeredAt, read from DescribeContainerInstances, is what proves an hour has passed."""
    world.now -= 7200
    forgotten = world.register("i-forgotten", agent=False)  # EC2 no longer describes i-forgotten
    world.now += 7200
    recent = world.register("i-new", agent=False)  # registered just now: maybe not visible yet
    clean_leftovers(world.clients(), config, world.now)
    assert world.container_instances[forgotten]["status"] == "INACTIVE"
    assert world.container_instances[recent]["status"] == "ACTIVE"
    line = json.loads(capsys.readouterr().out.splitlines()[-1])
    expected = {"function": "terminate", "asg": config.asg_name, "decision": "leftovers",
                "reason": "container instances of terminated EC2 instances",
                "actions": ["deregistered ci-i-forgotten"], "notes": [], "trigger": "sweep"}
    assert {key: line.get(key) for key in expected} == expected


class _Sparse:
    """ECS and EC2 answering with as little as their API references allow (members left out)."""

    def __init__(self, described: dict[str, Any], ec2_answer: dict[str, Any], refuse: bool = False) -> None:
        self.described, self.ec2_answer, self.refuse = described, ec2_answer, refuse
        self.deregistered: list[str] = []

    def list_container_instances(self, **kwargs: Any) -> dict[str, Any]:
        return {"containerInstanceArns": [ARN]}

    def describe_container_instances(self, **kwargs: Any) -> dict[str, Any]:
        return self.described

    def describe_instances(self, **kwargs: Any) -> dict[str, Any]:
        return self.ec2_answer

    def deregister_container_instance(self, cluster: str, containerInstance: str, force: bool) -> dict[str, Any]:
        if self.refuse:
            raise client_error("ServerException", "try again", "DeregisterContainerInstance")
        self.deregistered.append(containerInstance)
        return {}


ARN = "arn:aws:ecs:us-east-1:1:container-instance/c/ci-1"
HOURS_AGO = datetime.fromtimestamp(T0 - 7200, UTC)
DISCONNECTED = {"containerInstances": [{"containerInstanceArn": ARN, "ec2InstanceId": "i-1",
                                        "agentConnected": False, "registeredAt": HOURS_AGO}]}
TERMINATED = {"Reservations": [{"Instances": [{"InstanceId": "i-1", "State": {"Name": "terminated"}}]}]}


@pytest.mark.parametrize(("described", "ec2_answer"), [
    ({}, TERMINATED),  # no container instance described after all
    ({"containerInstances": [{**DISCONNECTED["containerInstances"][0], "agentConnected": True}]},
     TERMINATED),  # it reconnected between the list and the describe
    (DISCONNECTED, {"Reservations": [{"Instances": [{"InstanceId": "i-1"}]}]}),  # EC2 gives no state
])
def test_sparse_answers_deregister_nothing_and_raise_nothing(
        config: Config, capsys: pytest.CaptureFixture[str], described: dict[str, Any],
        ec2_answer: dict[str, Any]) -> None:
    fake = _Sparse(described, ec2_answer)
    clean_leftovers(Clients(None, fake, fake, None), config, T0)
    assert fake.deregistered == [] and capsys.readouterr().out == ""


def test_without_a_registration_time_an_instance_ec2_does_not_describe_is_left_alone(
        config: Config, capsys: pytest.CaptureFixture[str]) -> None:
    """It may be a new instance EC2 does not describe yet (DescribeInstances is eventually
    consistent): nothing proves it is an hour gone."""
    undated = {"containerInstances": [{"containerInstanceArn": ARN, "ec2InstanceId": "i-1",
                                       "agentConnected": False}]}
    fake = _Sparse(undated, {})
    clean_leftovers(Clients(None, fake, fake, None), config, T0)
    assert fake.deregistered == [] and capsys.readouterr().out == ""


@pytest.mark.parametrize("ec2_answer", [{}, {"Reservations": [{}]}])
def test_an_instance_ec2_does_not_describe_is_forgotten_by_ec2(config: Config, ec2_answer: dict[str, Any]) -> None:
    fake = _Sparse(DISCONNECTED, ec2_answer)
    clean_leftovers(Clients(None, fake, fake, None), config, T0)
    assert fake.deregistered == [ARN]


def test_a_refused_deregistration_is_noted_and_left_to_the_next_sweep(
        config: Config, capsys: pytest.CaptureFixture[str]) -> None:
    fake = _Sparse(DISCONNECTED, TERMINATED, refuse=True)
    clean_leftovers(Clients(None, fake, fake, None), config, T0)
    assert json.loads(capsys.readouterr().out)["notes"] == ["could not deregister ci-1: ServerException"]
