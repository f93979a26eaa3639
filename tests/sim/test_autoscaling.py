"""Simulated Auto Scaling: capacity, lifecycle hooks, timeouts, activities and events."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_cluster_manager.sim import SimAccount
from ecs_cluster_manager.sim.clock import DEFAULT_START
from tests.samples import SAMPLES
from tests.sim.builders import group, members


def lifecycle_events(account: SimAccount, kind: str = "launch") -> list[dict[str, Any]]:
    wanted = f"EC2 Instance-{kind} Lifecycle Action"
    return [e for e in account.events.history if e["detail-type"] == wanted]


def test_without_hooks_instances_go_in_service_once_running(account: SimAccount, asg: Any,
                                                             ec2: Any) -> None:
    group(asg, ec2, desired=3)
    account.clock.run_for(5)
    assert set(members(asg).values()) == {"Pending"}
    account.clock.run_for(30)
    assert set(members(asg).values()) == {"InService"}
    zones = {i["AvailabilityZone"] for i in asg.describe_auto_scaling_instances()[
        "AutoScalingInstances"]}
    assert len(zones) == 3  # spread over the zones


def test_launch_hook_holds_the_instance_until_continue(account: SimAccount, asg: Any,
                                                       ec2: Any) -> None:
    group(asg, ec2, desired=1, hooks=("launch",))
    account.clock.run_for(60)
    ((instance_id, lifecycle_state),) = members(asg).items()
    assert lifecycle_state == "Pending:Wait"
    (event,) = lifecycle_events(account)
    token = event["detail"]["LifecycleActionToken"]
    asg.complete_lifecycle_action(AutoScalingGroupName="ecs-asg", LifecycleHookName="launch-hook",
                                  LifecycleActionToken=token, LifecycleActionResult="CONTINUE")
    account.clock.run_for(1)
    assert members(asg) == {instance_id: "InService"}


def test_lifecycle_event_has_the_documented_shape(account: SimAccount, asg: Any,
                                                  ec2: Any) -> None:
    group(asg, ec2, desired=1, hooks=("launch", "terminate"))
    account.clock.run_for(60)
    (instance_id,) = members(asg)
    asg.complete_lifecycle_action(AutoScalingGroupName="ecs-asg", LifecycleHookName="launch-hook",
                                  InstanceId=instance_id, LifecycleActionResult="CONTINUE")
    asg.set_desired_capacity(AutoScalingGroupName="ecs-asg", DesiredCapacity=0)
    account.clock.run_for(10)
    for kind, sample in (("launch", "eventbridge_asg_launch_lifecycle_action.json"),
                         ("terminate", "eventbridge_asg_terminate_lifecycle_action.json")):
        documented = json.loads((SAMPLES / sample).read_text())
        (event,) = lifecycle_events(account, kind)
        assert set(event) == set(documented)
        assert set(event["detail"]) == set(documented["detail"]) - {"NotificationMetadata"}
        assert event["detail"]["Origin"] == documented["detail"]["Origin"]
        assert event["detail"]["Destination"] == documented["detail"]["Destination"]
        assert event["detail"]["EC2InstanceId"] == instance_id
        assert event["resources"][0].startswith("arn:aws:autoscaling:us-east-1:123456789012:")
        assert event["time"] == "2026-01-01T00:00:02Z" if kind == "launch" else True


def test_completing_twice_or_unknown_answers_no_active_action(account: SimAccount, asg: Any,
                                                              ec2: Any) -> None:
    group(asg, ec2, desired=1, hooks=("launch",))
    account.clock.run_for(60)
    (instance_id,) = members(asg)
    complete = {"AutoScalingGroupName": "ecs-asg", "LifecycleHookName": "launch-hook",
                "InstanceId": instance_id, "LifecycleActionResult": "CONTINUE"}
    asg.complete_lifecycle_action(**complete)
    with pytest.raises(ClientError) as caught:
        asg.complete_lifecycle_action(**complete)
    assert caught.value.response["Error"] == {
        "Code": "ValidationError",
        "Message": f"No active Lifecycle Action found with instance ID {instance_id}"}
    with pytest.raises(ClientError):
        asg.record_lifecycle_action_heartbeat(AutoScalingGroupName="ecs-asg",
                                              LifecycleHookName="launch-hook",
                                              InstanceId=instance_id)


def test_heartbeat_timeout_applies_the_default_result_and_heartbeats_extend_it(
        account: SimAccount, asg: Any, ec2: Any) -> None:
    group(asg, ec2, desired=1, hooks=("launch",), heartbeat=300, default_result="CONTINUE")
    account.clock.run_for(200)
    (instance_id,) = members(asg)
    asg.record_lifecycle_action_heartbeat(AutoScalingGroupName="ecs-asg",
                                          LifecycleHookName="launch-hook", InstanceId=instance_id)
    account.clock.run_for(250)  # 450 s after launch: past 300, but the heartbeat restarted it
    assert members(asg)[instance_id] == "Pending:Wait"
    account.clock.run_for(100)
    assert members(asg)[instance_id] == "InService"
    (action,) = account.autoscaling.scaler.lifecycle.history
    assert action.completed_by == "timeout"
    assert action.result == "CONTINUE"
    assert action.ended == pytest.approx(DEFAULT_START + 200 + 300, abs=0.01)  # heartbeat + 300


def test_global_timeout_caps_heartbeats_at_100_times_the_heartbeat(
        account: SimAccount, asg: Any, ec2: Any) -> None:
    group(asg, ec2, desired=1, hooks=("launch",), heartbeat=30, default_result="CONTINUE")
    account.clock.run_for(5)
    (instance_id,) = members(asg)
    hooks = asg.describe_lifecycle_hooks(AutoScalingGroupName="ecs-asg")["LifecycleHooks"]
    assert hooks[0]["GlobalTimeout"] == 3000
    while members(asg).get(instance_id) == "Pending:Wait":
        asg.record_lifecycle_action_heartbeat(AutoScalingGroupName="ecs-asg",
                                              LifecycleHookName="launch-hook",
                                              InstanceId=instance_id)
        account.clock.run_for(20)
    (action,) = account.autoscaling.scaler.lifecycle.history
    assert action.ended is not None
    assert action.ended - action.started == pytest.approx(3000, abs=0.01)


def test_abandoned_launch_is_terminated_through_the_terminate_hook_and_replaced(
        account: SimAccount, asg: Any, ec2: Any) -> None:
    group(asg, ec2, desired=1, hooks=("launch", "terminate"))
    account.clock.run_for(60)
    (first,) = members(asg)
    asg.complete_lifecycle_action(AutoScalingGroupName="ecs-asg", LifecycleHookName="launch-hook",
                                  InstanceId=first, LifecycleActionResult="ABANDON")
    account.clock.run_for(10)
    states = members(asg)
    assert states[first] == "Terminating:Wait"
    (replacement,) = (i for i in states if i != first)
    assert states[replacement] == "Pending:Wait"
    asg.complete_lifecycle_action(AutoScalingGroupName="ecs-asg",
                                  LifecycleHookName="terminate-hook", InstanceId=first,
                                  LifecycleActionResult="CONTINUE")
    account.clock.run_for(60)
    assert first not in members(asg)
    activities = asg.describe_scaling_activities(AutoScalingGroupName="ecs-asg")["Activities"]
    by_description = {a["Description"]: a["StatusCode"] for a in activities}
    assert by_description[f"Launching a new EC2 instance: {first}"] == "Cancelled"
    assert by_description[f"Terminating EC2 instance: {first}"] == "Successful"


def test_scale_in_waits_in_terminating_wait_and_terminates_on_abandon(
        account: SimAccount, asg: Any, ec2: Any) -> None:
    group(asg, ec2, desired=2, hooks=("terminate",))
    account.clock.run_for(60)
    asg.set_desired_capacity(AutoScalingGroupName="ecs-asg", DesiredCapacity=1)
    account.clock.run_for(10)
    waiting = [i for i, s in members(asg).items() if s == "Terminating:Wait"]
    assert len(waiting) == 1
    asg.complete_lifecycle_action(AutoScalingGroupName="ecs-asg",
                                  LifecycleHookName="terminate-hook", InstanceId=waiting[0],
                                  LifecycleActionResult="ABANDON")
    account.clock.run_for(1)
    described = ec2.describe_instances(InstanceIds=waiting)["Reservations"][0]["Instances"][0]
    assert described["State"]["Name"] == "shutting-down"
    account.clock.run_for(60)
    assert len(members(asg)) == 1


def test_scale_in_terminates_the_oldest_launch_template_version_first(
        account: SimAccount, asg: Any, ec2: Any) -> None:
    group(asg, ec2, desired=3)
    account.clock.run_for(60)
    old = set(members(asg))
    ec2.create_launch_template_version(LaunchTemplateName="ecs-nodes", SourceVersion="1",
                                       LaunchTemplateData={"ImageId": "ami-00000002"})
    asg.set_desired_capacity(AutoScalingGroupName="ecs-asg", DesiredCapacity=6)
    account.clock.run_for(60)
    asg.set_desired_capacity(AutoScalingGroupName="ecs-asg", DesiredCapacity=3)
    account.clock.run_for(60)
    remaining = set(members(asg))
    assert remaining.isdisjoint(old)
    images = {i["ImageId"] for r in ec2.describe_instances(InstanceIds=sorted(remaining))[
        "Reservations"] for i in r["Instances"]}
    assert images == {"ami-00000002"}


def test_terminate_instance_in_group_with_and_without_decrement(
        account: SimAccount, asg: Any, ec2: Any) -> None:
    group(asg, ec2, desired=2)
    account.clock.run_for(60)
    first, second = members(asg)
    activity = asg.terminate_instance_in_auto_scaling_group(
        InstanceId=first, ShouldDecrementDesiredCapacity=False)["Activity"]
    assert activity["Description"] == f"Terminating EC2 instance: {first}"
    assert activity["StatusCode"] == "InProgress"
    account.clock.run_for(60)
    assert len(members(asg)) == 2
    asg.terminate_instance_in_auto_scaling_group(InstanceId=second,
                                                 ShouldDecrementDesiredCapacity=True)
    account.clock.run_for(60)
    found = asg.describe_auto_scaling_groups()["AutoScalingGroups"][0]
    assert found["DesiredCapacity"] == 1
    assert len(found["Instances"]) == 1
    with pytest.raises(ClientError, match="No managed instance found"):
        asg.terminate_instance_in_auto_scaling_group(InstanceId=first,
                                                     ShouldDecrementDesiredCapacity=False)


def test_suspended_launch_stops_scale_out_until_resumed(account: SimAccount, asg: Any,
                                                        ec2: Any) -> None:
    group(asg, ec2, desired=0)
    asg.suspend_processes(AutoScalingGroupName="ecs-asg", ScalingProcesses=["Launch"])
    asg.set_desired_capacity(AutoScalingGroupName="ecs-asg", DesiredCapacity=2)
    account.clock.run_for(60)
    assert members(asg) == {}
    found = asg.describe_auto_scaling_groups()["AutoScalingGroups"][0]
    assert [p["ProcessName"] for p in found["SuspendedProcesses"]] == ["Launch"]
    asg.resume_processes(AutoScalingGroupName="ecs-asg")
    account.clock.run_for(60)
    assert len(members(asg)) == 2


def test_size_validation_and_force_delete(account: SimAccount, asg: Any, ec2: Any) -> None:
    group(asg, ec2, desired=1)
    with pytest.raises(ClientError, match="above max value 10"):
        asg.set_desired_capacity(AutoScalingGroupName="ecs-asg", DesiredCapacity=11)
    account.clock.run_for(60)
    with pytest.raises(ClientError) as caught:
        asg.delete_auto_scaling_group(AutoScalingGroupName="ecs-asg")
    assert caught.value.response["Error"]["Code"] == "ResourceInUse"
    asg.delete_auto_scaling_group(AutoScalingGroupName="ecs-asg", ForceDelete=True)
    assert asg.describe_auto_scaling_groups()["AutoScalingGroups"] == []


def test_a_dropped_lifecycle_event_leaves_the_action_waiting(account: SimAccount, asg: Any,
                                                             ec2: Any) -> None:
    account.faults.drop_events(detail_type="EC2 Instance-launch Lifecycle Action")
    group(asg, ec2, desired=2, hooks=("launch",))
    account.clock.run_for(60)
    assert len(lifecycle_events(account)) == 1
    assert set(members(asg).values()) == {"Pending:Wait"}
    assert account.faults.fired[0]["fault"] == "drop-event"


def test_hooks_put_describe_delete(asg: Any, ec2: Any) -> None:
    group(asg, ec2, desired=0)
    asg.put_lifecycle_hook(AutoScalingGroupName="ecs-asg", LifecycleHookName="drain",
                           LifecycleTransition="autoscaling:EC2_INSTANCE_TERMINATING",
                           HeartbeatTimeout=600, NotificationMetadata='{"cluster": "main"}')
    (hook,) = asg.describe_lifecycle_hooks(AutoScalingGroupName="ecs-asg")["LifecycleHooks"]
    assert hook["DefaultResult"] == "ABANDON"
    assert hook["GlobalTimeout"] == 60000
    with pytest.raises(ClientError, match="out of range"):
        asg.put_lifecycle_hook(AutoScalingGroupName="ecs-asg", LifecycleHookName="drain",
                               HeartbeatTimeout=10)
    asg.delete_lifecycle_hook(AutoScalingGroupName="ecs-asg", LifecycleHookName="drain")
    assert asg.describe_lifecycle_hooks(AutoScalingGroupName="ecs-asg")["LifecycleHooks"] == []
