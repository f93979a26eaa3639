"""An instance terminated outside Auto Scaling (an operator, a Spot interruption) is noticed only
by a health check, not while HealthCheck/ReplaceUnhealthy are suspended, and runs no hook."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_cluster_manager.sim import SimAccount
from ecs_cluster_manager.sim.autoscaling.health import INTERVAL_S
from tests.sim.builders import group, members


def _health(asg: Any) -> dict[str, str]:
    found = asg.describe_auto_scaling_instances()["AutoScalingInstances"]
    return {i["InstanceId"]: i["HealthStatus"] for i in found}


def _terminate_events(account: SimAccount) -> list[dict[str, Any]]:
    return [e for e in account.events.history
            if e["detail-type"] == "EC2 Instance-terminate Lifecycle Action"]


def test_an_operator_termination_is_noticed_at_the_next_health_check_and_replaced(
        account: SimAccount, asg: Any, ec2: Any) -> None:
    group(asg, ec2, desired=1, hooks=("terminate",))
    account.clock.run_for(60)
    (first,) = members(asg)
    ec2.terminate_instances(InstanceIds=[first])
    account.clock.run_for(INTERVAL_S - 5)
    assert members(asg) == {first: "InService"}  # terminated in EC2, not yet noticed
    account.clock.run_for(60)
    assert first not in members(asg)
    assert len(members(asg)) == 1
    assert _terminate_events(account) == []  # no terminate hook for it
    causes = [a["Cause"] for a in asg.describe_scaling_activities()["Activities"]]
    assert any("EC2 health check indicating it has been terminated" in c for c in causes)


def test_suspended_health_checks_leave_a_lost_instance_in_the_group_until_resumed(
        account: SimAccount, asg: Any, ec2: Any) -> None:
    group(asg, ec2, desired=1)
    account.clock.run_for(60)
    (first,) = members(asg)
    asg.suspend_processes(AutoScalingGroupName="ecs-asg", ScalingProcesses=["HealthCheck"])
    ec2.terminate_instances(InstanceIds=[first])
    account.clock.run_for(600)
    assert members(asg) == {first: "InService"}
    assert _health(asg) == {first: "HEALTHY"}
    asg.resume_processes(AutoScalingGroupName="ecs-asg", ScalingProcesses=["HealthCheck"])
    account.clock.run_for(INTERVAL_S + 60)
    assert first not in members(asg) and len(members(asg)) == 1


def test_suspended_replace_unhealthy_marks_the_instance_unhealthy_but_keeps_it(
        account: SimAccount, asg: Any, ec2: Any) -> None:
    group(asg, ec2, desired=1)
    account.clock.run_for(60)
    (first,) = members(asg)
    asg.suspend_processes(AutoScalingGroupName="ecs-asg",
                          ScalingProcesses=["HealthCheck", "ReplaceUnhealthy"])
    ec2.terminate_instances(InstanceIds=[first])
    account.clock.run_for(120)
    asg.resume_processes(AutoScalingGroupName="ecs-asg", ScalingProcesses=["HealthCheck"])
    account.clock.run_for(INTERVAL_S + 10)
    assert members(asg) == {first: "InService"}
    assert _health(asg) == {first: "UNHEALTHY"}
    asg.resume_processes(AutoScalingGroupName="ecs-asg")
    account.clock.run_for(INTERVAL_S + 60)
    assert first not in members(asg) and len(members(asg)) == 1


def test_a_launch_action_cut_short_by_termination_ends_cancelled_not_waiting(
        account: SimAccount, asg: Any, ec2: Any) -> None:
    ended: list[tuple[str | None, str | None]] = []
    account.autoscaling.scaler.lifecycle.on_end.append(
        lambda g, m, action: ended.append((action.result, action.completed_by)))
    group(asg, ec2, desired=1, hooks=("launch",), heartbeat=3600)
    account.clock.run_for(30)
    (first,) = members(asg)
    ec2.terminate_instances(InstanceIds=[first])
    account.clock.run_for(5)
    # Until a health check notices, the action is still active and can be completed.
    asg.record_lifecycle_action_heartbeat(AutoScalingGroupName="ecs-asg",
                                          LifecycleHookName="launch-hook", InstanceId=first)
    account.clock.run_for(INTERVAL_S + 10)
    assert ended == [("CANCELLED", "instance-terminated")]
    (action,) = account.autoscaling.scaler.lifecycle.history[:1]
    assert not action.active and action.result == "CANCELLED"
    with pytest.raises(ClientError, match="No active Lifecycle Action"):
        asg.complete_lifecycle_action(AutoScalingGroupName="ecs-asg",
                                      LifecycleHookName="launch-hook", InstanceId=first,
                                      LifecycleActionResult="CONTINUE")


def test_a_terminate_action_outlives_an_out_of_band_termination_until_completed(
        account: SimAccount, asg: Any, ec2: Any) -> None:
    group(asg, ec2, desired=1, hooks=("terminate",), heartbeat=3600)
    account.clock.run_for(60)
    (first,) = members(asg)
    asg.set_desired_capacity(AutoScalingGroupName="ecs-asg", DesiredCapacity=0)
    account.clock.run_for(10)
    assert members(asg) == {first: "Terminating:Wait"}
    ec2.terminate_instances(InstanceIds=[first])
    account.clock.run_for(300)
    assert members(asg) == {first: "Terminating:Wait"}  # the hook still holds it
    asg.complete_lifecycle_action(AutoScalingGroupName="ecs-asg",
                                  LifecycleHookName="terminate-hook", InstanceId=first,
                                  LifecycleActionResult="CONTINUE")
    account.clock.run_for(5)
    assert members(asg) == {}


def test_a_spot_interruption_warns_two_minutes_ahead_then_terminates(
        account: SimAccount, asg: Any, ec2: Any) -> None:
    group(asg, ec2, desired=1)
    account.clock.run_for(60)
    (first,) = members(asg)
    assert account.ec2.interrupt_spot(first) is True
    (warning,) = [e for e in account.events.history
                  if e["detail-type"] == "EC2 Spot Instance Interruption Warning"]
    zone = account.ec2.instances[first].availability_zone
    assert warning["resources"] == [f"arn:aws:ec2:{zone}:instance/{first}"]
    assert warning["detail"] == {"instance-id": first, "instance-action": "terminate"}
    account.clock.run_for(119)
    assert account.ec2.instances[first].state == "running"
    account.clock.run_for(2)
    assert account.ec2.instances[first].state == "shutting-down"
    reason = ec2.describe_instances(InstanceIds=[first])["Reservations"][0]["Instances"][0][
        "StateTransitionReason"]
    assert reason.startswith("Server.SpotInstanceTermination")
    assert account.ec2.interrupt_spot(first) is False  # already going


def test_the_kth_launched_instance_is_named_by_launch_order(
        account: SimAccount, asg: Any, ec2: Any) -> None:
    group(asg, ec2, desired=2)
    account.clock.run_for(60)
    first, second = members(asg)
    assert account.autoscaling.launched_instance(1) == first
    assert account.autoscaling.launched_instance(-1, group="ecs-asg") == second
    assert account.ec2.terminate_out_of_band(first) is True
    account.clock.run_for(INTERVAL_S + 60)
    third = account.autoscaling.launched_instance(3)
    assert third not in (first, second) and third in members(asg)
    with pytest.raises(LookupError, match="no instance number 4: 3 launched into any group"):
        account.autoscaling.launched_instance(4)


def test_a_spot_stop_is_noticed_by_the_health_check_and_the_instance_replaced(
        account: SimAccount, asg: Any, ec2: Any) -> None:
    group(asg, ec2, desired=1)
    account.clock.run_for(60)
    (first,) = members(asg)
    assert account.ec2.interrupt_spot(first, action="hibernate") is True
    account.clock.run_for(45)
    assert account.ec2.instances[first].state == "stopped"  # hibernation: no two minutes
    assert members(asg) == {first: "InService"}
    account.clock.run_for(INTERVAL_S + 60)
    assert first not in members(asg) and len(members(asg)) == 1
    assert account.ec2.instances[first].state == "terminated"
    with pytest.raises(ValueError, match="instance-action 'reboot'"):
        account.ec2.interrupt_spot(next(iter(members(asg))), action="reboot")


def test_an_operator_stop_is_noticed_and_a_terminated_instance_cannot_start(
        account: SimAccount, asg: Any, ec2: Any) -> None:
    group(asg, ec2, desired=1)
    account.clock.run_for(60)
    (first,) = members(asg)
    (change,) = ec2.stop_instances(InstanceIds=[first])["StoppingInstances"]
    assert (change["PreviousState"]["Name"], change["CurrentState"]["Name"]) == (
        "running", "stopping")
    account.clock.run_for(INTERVAL_S + 60)
    assert first not in members(asg) and len(members(asg)) == 1
    account.clock.run_for(60)
    with pytest.raises(ClientError, match="not in a state from which it can be started"):
        ec2.start_instances(InstanceIds=[first])
