"""CreationPolicy and AutoScalingRollingUpdate on a minimal template, signalled by hand (no
lifecycle hooks, no functions): the policies alone, as the UpdatePolicy and CreationPolicy
attribute pages describe them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from ecs_cluster_manager.sim import SimAccount
from ecs_cluster_manager.sim.deployment_services import DeploymentServices, add_deployment_services

GROUP = "tiny-ecs"


def _template(update_policy: dict[str, Any], signals: int = 0, max_size: int = 6) -> str:
    group: dict[str, Any] = {
        "Type": "AWS::AutoScaling::AutoScalingGroup",
        "UpdatePolicy": {"AutoScalingRollingUpdate": update_policy},
        "Properties": {
            "AutoScalingGroupName": GROUP, "MinSize": {"Ref": "Size"}, "MaxSize": max_size,
            "DesiredCapacity": {"Ref": "Size"}, "VPCZoneIdentifier": ["subnet-1", "subnet-2"],
            "LaunchTemplate": {"LaunchTemplateId": {"Ref": "Template"},
                               "Version": {"Fn::GetAtt": ["Template", "LatestVersionNumber"]}}}}
    if signals:
        group["CreationPolicy"] = {"ResourceSignal": {"Count": signals, "Timeout": "PT10M"}}
    return json.dumps({
        "Parameters": {"Ami": {"Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
                               "Default": "/ami"},
                       "Size": {"Type": "Number", "Default": 2}},
        "Resources": {
            "Template": {"Type": "AWS::EC2::LaunchTemplate", "Properties": {
                "LaunchTemplateData": {"ImageId": {"Ref": "Ami"}, "InstanceType": "m5.large"}}},
            "Group": group}})


@pytest.fixture
def world() -> Iterator[tuple[SimAccount, DeploymentServices, Any]]:
    account = SimAccount(check_responses=True)
    services = add_deployment_services(account)
    account.client("ssm").put_parameter(Name="/ami", Value="ami-00000000000000001",
                                        Type="String", DataType="aws:ec2:image")
    yield account, services, account.client("cloudformation")
    account.close()


def _status(services: DeploymentServices) -> str:
    return services.cloudformation.stack("tiny").status


def _wait(account: SimAccount, services: DeploymentServices, limit: float = 7200) -> str:
    account.clock.run_until_true(lambda: not services.cloudformation.busy("tiny"), limit)
    return _status(services)


def _instances(account: SimAccount) -> list[str]:
    return sorted(account.autoscaling.groups[GROUP].instances)


def _publish_ami_and_update(account: SimAccount, cfn: Any) -> None:
    """A new AMI in the parameter, then an update with every value as before: the group's
    launch template changes, so its UpdatePolicy rolls the instances."""
    account.client("ssm").put_parameter(Name="/ami", Value="ami-00000000000000002",
                                        Overwrite=True)
    cfn.update_stack(StackName="tiny", UsePreviousTemplate=True,
                     Parameters=[{"ParameterKey": "Size", "UsePreviousValue": True}])


def _signal(cfn: Any, instance_id: str, status: str = "SUCCESS") -> None:
    cfn.signal_resource(StackName="tiny", LogicalResourceId="Group", UniqueId=instance_id,
                        Status=status)


def test_creation_waits_for_count_signals(world: Any) -> None:
    account, services, cfn = world
    cfn.create_stack(StackName="tiny", TemplateBody=_template({}, signals=2))
    account.clock.run_for(120)
    assert _status(services) == "CREATE_IN_PROGRESS"
    first, second = _instances(account)
    _signal(cfn, first)
    _signal(cfn, first)  # a repeated UniqueId counts once
    account.clock.run_for(60)
    assert _status(services) == "CREATE_IN_PROGRESS"
    _signal(cfn, second)
    assert _wait(account, services) == "CREATE_COMPLETE"


def test_a_failure_signal_fails_creation_and_rolls_back(world: Any) -> None:
    account, services, cfn = world
    cfn.create_stack(StackName="tiny", TemplateBody=_template({}, signals=2))
    account.clock.run_for(60)
    _signal(cfn, _instances(account)[0], "FAILURE")
    assert _wait(account, services) == "ROLLBACK_COMPLETE"
    assert GROUP not in account.autoscaling.groups


def test_creation_times_out_without_signals(world: Any) -> None:
    account, services, cfn = world
    cfn.create_stack(StackName="tiny", TemplateBody=_template({}, signals=1))
    assert _wait(account, services) == "ROLLBACK_COMPLETE"
    reasons = [e.reason for e in services.cloudformation.stack("tiny").events]
    assert "Failed to receive 1 resource signal(s) within the specified duration" in reasons


def test_without_signals_each_batch_waits_pause_time(world: Any) -> None:
    account, services, cfn = world
    policy = {"MaxBatchSize": 2, "MinInstancesInService": 0, "PauseTime": "PT3M"}
    cfn.create_stack(StackName="tiny", TemplateBody=_template(policy),
                     Parameters=[{"ParameterKey": "Size", "ParameterValue": "4"}])
    assert _wait(account, services) == "CREATE_COMPLETE"
    account.clock.run_for(300)
    old = set(_instances(account))
    _publish_ami_and_update(account, cfn)
    assert _wait(account, services) == "UPDATE_COMPLETE"
    events = services.cloudformation.stack("tiny").events
    batches = [e.timestamp for e in events if e.reason.startswith("Terminating instance(s)")]
    assert len(batches) == 2 and batches[1] - batches[0] >= 180
    assert not any("Temporarily setting" in e.reason for e in events)  # no extra capacity needed
    account.clock.run_for(600)
    group = account.autoscaling.groups[GROUP]
    current = {m.instance_id for m in group.instances.values() if m.state == "InService"}
    assert len(current) == 4 and current.isdisjoint(old)
    assert group.min_size == 4 and not group.suspended


def test_a_batch_timeout_counts_as_failure_and_rolls_back(world: Any) -> None:
    account, services, cfn = world
    policy = {"MaxBatchSize": 1, "MinInstancesInService": 2, "PauseTime": "PT5M",
              "WaitOnResourceSignals": True, "SuspendProcesses": ["AZRebalance"]}
    cfn.create_stack(StackName="tiny", TemplateBody=_template(policy))
    assert _wait(account, services) == "CREATE_COMPLETE"
    account.clock.run_for(120)
    old = set(_instances(account))
    _publish_ami_and_update(account, cfn)
    assert _wait(account, services) == "UPDATE_ROLLBACK_COMPLETE"
    reasons = [e.reason for e in services.cloudformation.stack("tiny").events]
    assert ("Failed to receive 1 resource signal(s) for the current batch.  Each resource "
            "signal timeout is counted as a FAILURE.") in reasons
    account.clock.run_for(600)
    group = account.autoscaling.groups[GROUP]
    assert {m.instance_id for m in group.instances.values()} == old
    assert (group.desired, group.min_size, group.launch_template["Version"]) == (2, 2, "1")
    assert not group.suspended


def test_min_instances_in_service_not_below_max_size_fails_the_rolling_update(world: Any) -> None:
    """UpdatePolicy: MinInstancesInService must be less than the group's MaxSize."""
    account, services, cfn = world
    policy = {"MaxBatchSize": 1, "MinInstancesInService": 2, "PauseTime": "PT5M",
              "SuspendProcesses": ["HealthCheck"]}
    cfn.create_stack(StackName="tiny", TemplateBody=_template(policy, max_size=2))
    assert _wait(account, services) == "CREATE_COMPLETE"  # creation has no rolling update
    account.clock.run_for(300)
    old = set(_instances(account))
    assert len(old) == 2
    _publish_ami_and_update(account, cfn)
    # The rollback's rolling update is refused the same way (the harsher reading, see
    # rolling_update.py): the stack is stuck, which is why the template has a Rule against it.
    assert _wait(account, services) == "UPDATE_ROLLBACK_FAILED"
    reasons = [e.reason for e in services.cloudformation.stack("tiny").events]
    assert "MinInstancesInService must be less than the autoscaling group's MaxSize" in reasons
    account.clock.run_for(600)
    group = account.autoscaling.groups[GROUP]
    assert set(group.instances) == old  # nothing was replaced
    assert not group.suspended
