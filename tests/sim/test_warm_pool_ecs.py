"""The ECS agent and warm pools: with ECS_WARM_POOLS_CHECK=true it registers only once the group
takes the instance (target lifecycle state InService); without it, it registers in the pool."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from ecs_cluster_manager.sim import SimAccount


@pytest.fixture
def account() -> Iterator[SimAccount]:
    sim = SimAccount(check_responses=True)  # with the simulated ECS
    yield sim
    sim.close()


def _group(account: SimAccount, *, check: bool, pool_state: str) -> Any:
    ec2, asg = account.client("ec2"), account.client("autoscaling")
    config = "ECS_CLUSTER=main\n" + ("ECS_WARM_POOLS_CHECK=true\n" if check else "")
    user_data = base64.b64encode(
        f"#!/bin/bash\ncat <<'EOF' >> /etc/ecs/ecs.config\n{config}EOF\n".encode()).decode()
    ec2.create_launch_template(LaunchTemplateName="nodes", LaunchTemplateData={
        "ImageId": "ami-00000001", "InstanceType": "m5.large", "UserData": user_data})
    account.client("ecs").create_cluster(clusterName="main")
    asg.create_auto_scaling_group(
        AutoScalingGroupName="ecs-asg", MinSize=0, MaxSize=1, DesiredCapacity=0,
        LaunchTemplate={"LaunchTemplateName": "nodes", "Version": "$Latest"})
    asg.put_warm_pool(AutoScalingGroupName="ecs-asg", PoolState=pool_state)
    return asg


def _registered(account: SimAccount) -> list[str]:
    ecs = account.client("ecs")
    arns = ecs.list_container_instances(cluster="main")["containerInstanceArns"]
    if not arns:
        return []
    found = ecs.describe_container_instances(cluster="main", containerInstances=arns)
    return [ci["ec2InstanceId"] for ci in found["containerInstances"]
            if ci["status"] == "ACTIVE" and ci["agentConnected"]]


@pytest.mark.parametrize("pool_state", ["Running", "Stopped"])
def test_with_the_check_the_agent_waits_for_the_group(account: SimAccount,
                                                      pool_state: str) -> None:
    asg = _group(account, check=True, pool_state=pool_state)
    account.clock.run_for(600)
    (warm,) = [i["InstanceId"] for i in asg.describe_warm_pool(
        AutoScalingGroupName="ecs-asg")["Instances"]]
    assert _registered(account) == []
    asg.set_desired_capacity(AutoScalingGroupName="ecs-asg", DesiredCapacity=1)
    account.clock.run_for(120)
    assert _registered(account) == [warm]


def test_without_the_check_the_agent_registers_in_a_running_pool(account: SimAccount) -> None:
    asg = _group(account, check=False, pool_state="Running")
    account.clock.run_for(600)
    (warm,) = [i["InstanceId"] for i in asg.describe_warm_pool(
        AutoScalingGroupName="ecs-asg")["Instances"]]
    assert _registered(account) == [warm]  # joined the cluster from the pool: the hazard


def test_a_stopped_pool_instance_registered_without_the_check_is_disconnected(
        account: SimAccount) -> None:
    asg = _group(account, check=False, pool_state="Stopped")
    asg.put_lifecycle_hook(AutoScalingGroupName="ecs-asg", LifecycleHookName="hold",
                           LifecycleTransition="autoscaling:EC2_INSTANCE_LAUNCHING",
                           HeartbeatTimeout=120, DefaultResult="CONTINUE")
    account.clock.run_for(600)  # registered while held in Warmed:Pending:Wait, then stopped
    ecs = account.client("ecs")
    (arn,) = ecs.list_container_instances(cluster="main")["containerInstanceArns"]
    (ci,) = ecs.describe_container_instances(cluster="main",
                                             containerInstances=[arn])["containerInstances"]
    assert ci["status"] == "ACTIVE" and ci["agentConnected"] is False
