"""Simulated warm pools: the pool's size, its lifecycle states, the launch hook twice with the
documented Origin/Destination, and what EC2 shows when an instance leaves the pool."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_cluster_manager.sim import SimAccount
from tests.samples import SAMPLES
from tests.sim.builders import group, members

LAUNCH_EVENT = "EC2 Instance-launch Lifecycle Action"


def _pool(asg: Any) -> dict[str, str]:
    found = asg.describe_warm_pool(AutoScalingGroupName="ecs-asg")["Instances"]
    return {i["InstanceId"]: i["LifecycleState"] for i in found}


def _routes(account: SimAccount, instance_id: str) -> list[tuple[str, str]]:
    return [(e["detail"]["Origin"], e["detail"]["Destination"]) for e in account.events.history
            if e["detail-type"] == LAUNCH_EVENT and e["detail"]["EC2InstanceId"] == instance_id]


def _complete(asg: Any, instance_id: str) -> None:
    asg.complete_lifecycle_action(AutoScalingGroupName="ecs-asg", LifecycleHookName="launch-hook",
                                  InstanceId=instance_id, LifecycleActionResult="CONTINUE")


def _launch_time(ec2: Any, instance_id: str) -> Any:
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0][
        "LaunchTime"]


def test_a_stopped_pool_fills_to_max_minus_desired_through_the_launch_hook(
        account: SimAccount, asg: Any, ec2: Any) -> None:
    group(asg, ec2, desired=0, hooks=("launch",), max_size=2)
    asg.put_warm_pool(AutoScalingGroupName="ecs-asg", PoolState="Stopped")
    account.clock.run_for(30)
    pool = _pool(asg)
    assert len(pool) == 2 and set(pool.values()) == {"Warmed:Pending:Wait"}
    assert members(asg) == {}  # warm instances are not the group's
    first = next(iter(pool))
    assert _routes(account, first) == [("EC2", "WarmPool")]
    assert account.ec2_view.target_lifecycle_state(first) == "Warmed:Stopped"
    for instance_id in pool:
        _complete(asg, instance_id)
    account.clock.run_for(60)
    assert set(_pool(asg).values()) == {"Warmed:Stopped"}
    assert {account.ec2.instances[i].state for i in pool} == {"stopped"}
    described = asg.describe_auto_scaling_groups()["AutoScalingGroups"][0]
    assert described["WarmPoolSize"] == 2
    assert described["WarmPoolConfiguration"]["PoolState"] == "Stopped"


def _one_warm_instance(account: SimAccount, asg: Any, ec2: Any, pool_state: str,
                       settle_s: float) -> str:
    """A group of at most one instance whose pool holds one, let through the launch hook."""
    group(asg, ec2, desired=0, hooks=("launch",), max_size=1)
    asg.put_warm_pool(AutoScalingGroupName="ecs-asg", PoolState=pool_state)
    account.clock.run_for(30)
    (warm,) = _pool(asg)
    _complete(asg, warm)
    account.clock.run_for(settle_s)
    return warm


def test_scale_out_takes_a_stopped_instance_which_restarts_with_a_new_launch_time(
        account: SimAccount, asg: Any, ec2: Any) -> None:
    warm = _one_warm_instance(account, asg, ec2, "Stopped", 120)
    before = _launch_time(ec2, warm)
    asg.set_desired_capacity(AutoScalingGroupName="ecs-asg", DesiredCapacity=1)
    account.clock.run_for(30)
    assert members(asg) == {warm: "Pending:Wait"}
    assert _routes(account, warm) == [("EC2", "WarmPool"), ("WarmPool", "AutoScalingGroup")]
    assert account.ec2_view.target_lifecycle_state(warm) == "InService"
    assert _launch_time(ec2, warm) > before
    _complete(asg, warm)
    account.clock.run_for(5)
    assert members(asg) == {warm: "InService"}
    assert _pool(asg) == {}  # max 1 - desired 1: the pool is empty now


def test_an_instance_leaving_a_running_pool_keeps_its_launch_time(
        account: SimAccount, asg: Any, ec2: Any) -> None:
    warm = _one_warm_instance(account, asg, ec2, "Running", 600)
    assert _pool(asg) == {warm: "Warmed:Running"}
    assert account.ec2.instances[warm].state == "running"
    before = _launch_time(ec2, warm)
    asg.set_desired_capacity(AutoScalingGroupName="ecs-asg", DesiredCapacity=1)
    account.clock.run_for(10)
    assert members(asg) == {warm: "Pending:Wait"}
    assert _launch_time(ec2, warm) == before  # ten minutes older than the action
    _complete(asg, warm)
    account.clock.run_for(1)
    assert members(asg) == {warm: "InService"}


def test_without_a_ready_instance_the_group_launches_directly(
        account: SimAccount, asg: Any, ec2: Any) -> None:
    group(asg, ec2, desired=0, hooks=("launch",), max_size=2)
    asg.put_warm_pool(AutoScalingGroupName="ecs-asg", MinSize=1, MaxGroupPreparedCapacity=1)
    account.clock.run_for(30)
    (warm,) = _pool(asg)  # still in Warmed:Pending:Wait: not ready
    asg.set_desired_capacity(AutoScalingGroupName="ecs-asg", DesiredCapacity=1)
    account.clock.run_for(10)
    (direct,) = members(asg)
    assert direct != warm and _routes(account, direct) == [("EC2", "AutoScalingGroup")]
    assert _pool(asg) == {warm: "Warmed:Pending:Wait"}  # MinSize keeps one in the pool


def test_an_abandoned_warm_launch_is_terminated_and_replaced_in_the_pool(
        account: SimAccount, asg: Any, ec2: Any) -> None:
    group(asg, ec2, desired=0, hooks=("launch", "terminate"), max_size=1)
    asg.put_warm_pool(AutoScalingGroupName="ecs-asg")
    account.clock.run_for(30)
    (warm,) = _pool(asg)
    asg.complete_lifecycle_action(AutoScalingGroupName="ecs-asg", LifecycleHookName="launch-hook",
                                  InstanceId=warm, LifecycleActionResult="ABANDON")
    account.clock.run_for(60)
    (replacement,) = _pool(asg)
    assert replacement != warm
    assert account.ec2.instances[warm].state == "terminated"
    assert not [e for e in account.events.history
                if e["detail-type"] == "EC2 Instance-terminate Lifecycle Action"]


def test_delete_warm_pool_terminates_its_instances_and_reuse_on_scale_in_is_refused(
        account: SimAccount, asg: Any, ec2: Any) -> None:
    group(asg, ec2, desired=0, max_size=2)
    with pytest.raises(ClientError, match="ReuseOnScaleIn"):
        asg.put_warm_pool(AutoScalingGroupName="ecs-asg",
                          InstanceReusePolicy={"ReuseOnScaleIn": True})
    asg.put_warm_pool(AutoScalingGroupName="ecs-asg")
    account.clock.run_for(120)
    pool = _pool(asg)
    assert set(pool.values()) == {"Warmed:Stopped"}
    asg.delete_warm_pool(AutoScalingGroupName="ecs-asg")
    described = asg.describe_warm_pool(AutoScalingGroupName="ecs-asg")
    assert described["WarmPoolConfiguration"]["Status"] == "PendingDelete"
    account.clock.run_for(120)
    after = asg.describe_warm_pool(AutoScalingGroupName="ecs-asg")
    assert after["Instances"] == [] and "WarmPoolConfiguration" not in after
    assert {account.ec2.instances[i].state for i in pool} == {"terminated"}


def test_warm_pool_events_have_the_documented_shape(account: SimAccount, asg: Any,
                                                    ec2: Any) -> None:
    group(asg, ec2, desired=0, hooks=("launch",), max_size=1)
    asg.put_lifecycle_hook(AutoScalingGroupName="ecs-asg", LifecycleHookName="launch-hook",
                           NotificationMetadata="additional-info")
    asg.put_warm_pool(AutoScalingGroupName="ecs-asg", PoolState="Running")
    account.clock.run_for(30)
    (warm,) = _pool(asg)
    _complete(asg, warm)
    account.clock.run_for(60)
    asg.set_desired_capacity(AutoScalingGroupName="ecs-asg", DesiredCapacity=1)
    account.clock.run_for(10)
    seen = [e for e in account.events.history if e["detail-type"] == LAUNCH_EVENT]
    for event, sample in zip(seen, ("eventbridge_asg_launch_lifecycle_action_to_warmpool.json",
                                    "eventbridge_asg_launch_lifecycle_action_from_warmpool.json"),
                             strict=True):
        documented = json.loads((SAMPLES / sample).read_text())
        assert set(event) == set(documented)
        assert set(event["detail"]) == set(documented["detail"])
        for key in ("Origin", "Destination", "LifecycleTransition", "NotificationMetadata"):
            assert event["detail"][key] == documented["detail"][key]
