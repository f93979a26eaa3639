"""Pinning tests for the launch gate's decision, written against the survivors of `make mutation`.

Each test fails for a one-token change of decide_launch.py that the table and property tests let
through (docs/reliability.md, "Mutation testing").
"""

from __future__ import annotations

import pytest

from ecs_cluster_manager.lifecycle.decide_launch import LaunchObservation, decide_launch
from ecs_cluster_manager.lifecycle.model import Complete, ContainerInstance, RememberLaunchWait

from .conftest import make_config
from .test_decide_launch import ARN, NOW, obs


def test_an_observation_that_does_not_say_the_wait_is_remembered_remembers_it() -> None:
    """A lost lifecycle event leaves no other trace of when the wait began."""
    bare = LaunchObservation("i-1", NOW, NOW - 30, "running", None)
    assert RememberLaunchWait(NOW - 30) in decide_launch(bare, make_config()).actions


@pytest.mark.parametrize("state", ["pending", "running"])
def test_an_instance_that_is_starting_or_running_is_waited_for(state: str) -> None:
    result = decide_launch(obs(ec2_state=state, container_instance=None), make_config())
    assert (result.decision, result.reason) == ("wait", "not registered with the cluster")


def test_without_a_stack_to_signal_an_abandon_is_a_bare_abandon() -> None:
    config = make_config(stack_name="", asg_logical_id="")
    assert decide_launch(obs(ec2_state="terminated"), config).actions == (Complete("ABANDON"),)


@pytest.mark.parametrize(("observation", "reason"), [
    (obs(destination="WarmPool", container_instance=None), "bound for the warm pool: no ECS check"),
    (obs(), "ACTIVE, agent connected, checks passed"),
    (obs(container_instance=ContainerInstance(ARN, "REGISTRATION_FAILED", False)),
     "container instance REGISTRATION_FAILED"),
    (obs(container_instance=ContainerInstance(ARN, "ACTIVE", False)), "agent not connected"),
    (obs(container_instance=ContainerInstance(ARN, "REGISTERING", False)), "status REGISTERING; agent not connected"),
    (obs(ec2_state=None, container_instance=None), "EC2 instance is gone"),
])
def test_every_decision_says_why_in_its_log_line(observation: LaunchObservation, reason: str) -> None:
    """The reason is what `ecm logs` and the rollout picture show for each wake-up."""
    assert decide_launch(observation, make_config()).reason == reason
