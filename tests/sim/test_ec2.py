"""Simulated EC2: instance states, lookups, tags, user data and launch templates."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_cluster_manager.sim import SimAccount
from tests.sim.builders import USER_DATA, launch_template
from tests.sim.fakes import FakeEcs


def run(ec2: Any, count: int = 1, **extra: Any) -> list[str]:
    launch_template(ec2)
    response = ec2.run_instances(LaunchTemplate={"LaunchTemplateName": "ecs-nodes"},
                                 MinCount=count, MaxCount=count, **extra)
    return [i["InstanceId"] for i in response["Instances"]]


def state(ec2: Any, instance_id: str) -> str:
    found = ec2.describe_instances(InstanceIds=[instance_id])
    return str(found["Reservations"][0]["Instances"][0]["State"]["Name"])


def test_instances_boot_run_shut_down_and_terminate_on_the_clock(
        account: SimAccount, ec2: Any) -> None:
    (instance_id,) = run(ec2)
    assert state(ec2, instance_id) == "pending"
    account.clock.run_for(account.ec2.timings.boot_s)
    assert state(ec2, instance_id) == "running"
    result = ec2.terminate_instances(InstanceIds=[instance_id])["TerminatingInstances"][0]
    assert result["PreviousState"]["Name"] == "running"
    assert result["CurrentState"] == {"Code": 32, "Name": "shutting-down"}
    account.clock.run_for(account.ec2.timings.shutdown_s)
    assert state(ec2, instance_id) == "terminated"
    ecs = account.ecs
    assert isinstance(ecs, FakeEcs)
    assert [i for i, _ in ecs.running] == [instance_id]
    assert [i for i, _ in ecs.terminated] == [instance_id]


def test_terminated_instances_stay_visible_for_about_an_hour(account: SimAccount, ec2: Any) -> None:
    (instance_id,) = run(ec2)
    ec2.terminate_instances(InstanceIds=[instance_id])
    account.clock.run_for(1800)
    assert state(ec2, instance_id) == "terminated"
    account.clock.run_for(3600)
    with pytest.raises(ClientError) as caught:
        ec2.describe_instances(InstanceIds=[instance_id])
    assert caught.value.response["Error"] == {
        "Code": "InvalidInstanceID.NotFound",
        "Message": f"The instance ID '{instance_id}' does not exist"}


def test_malformed_and_several_unknown_ids(ec2: Any) -> None:
    with pytest.raises(ClientError) as caught:
        ec2.describe_instances(InstanceIds=["web-1"])
    assert caught.value.response["Error"]["Code"] == "InvalidInstanceID.Malformed"
    with pytest.raises(ClientError) as caught:
        ec2.describe_instances(InstanceIds=["i-00000000000000001", "i-00000000000000002"])
    assert "IDs 'i-00000000000000001, i-00000000000000002' do not exist" in str(caught.value)


def test_filters_on_tags_and_state_with_wildcards(account: SimAccount, ec2: Any) -> None:
    first, second = run(ec2, 2, TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "role", "Value": "ecs-node"}]}])
    ec2.create_tags(Resources=[second], Tags=[{"Key": "Name", "Value": "blue-2"}])
    account.clock.run_for(30)
    ec2.terminate_instances(InstanceIds=[first])

    def ids(filters: list[dict[str, Any]]) -> set[str]:
        found = ec2.describe_instances(Filters=filters)["Reservations"]
        return {i["InstanceId"] for r in found for i in r["Instances"]}

    assert ids([{"Name": "tag:role", "Values": ["ecs-*"]}]) == {first, second}
    assert ids([{"Name": "instance-state-name", "Values": ["running"]}]) == {second}
    assert ids([{"Name": "tag:Name", "Values": ["blue-?"]},
                {"Name": "instance-state-name", "Values": ["running", "pending"]}]) == {second}
    with pytest.raises(ClientError, match="filter 'colour' is invalid"):
        ids([{"Name": "colour", "Values": ["x"]}])


def test_user_data_and_tags_read_back(ec2: Any) -> None:
    (instance_id,) = run(ec2)
    found = ec2.describe_instance_attribute(InstanceId=instance_id, Attribute="userData")
    assert base64.b64decode(found["UserData"]["Value"]).startswith(b"#!/bin/bash")
    assert found["UserData"]["Value"] == USER_DATA
    ec2.create_tags(Resources=[instance_id], Tags=[{"Key": "ecm:state", "Value": "draining"}])
    tags = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [instance_id]}])["Tags"]
    assert {"Key": "ecm:state", "ResourceId": instance_id, "ResourceType": "instance",
            "Value": "draining"} in tags
    ec2.delete_tags(Resources=[instance_id], Tags=[{"Key": "ecm:state"}])
    tags = ec2.describe_tags(Filters=[{"Name": "key", "Values": ["ecm:state"]}])["Tags"]
    assert tags == []


def test_launch_template_versions(ec2: Any) -> None:
    template_id = launch_template(ec2)
    second = ec2.create_launch_template_version(
        LaunchTemplateId=template_id, SourceVersion="1",
        LaunchTemplateData={"ImageId": "ami-00000002"})["LaunchTemplateVersion"]
    assert second["VersionNumber"] == 2
    assert second["LaunchTemplateData"]["InstanceType"] == "m5.large"  # kept from version 1
    assert second["LaunchTemplateData"]["ImageId"] == "ami-00000002"
    described = ec2.describe_launch_templates(LaunchTemplateIds=[template_id])["LaunchTemplates"]
    assert described[0]["LatestVersionNumber"] == 2
    assert described[0]["DefaultVersionNumber"] == 1
    latest = ec2.describe_launch_template_versions(LaunchTemplateId=template_id,
                                                   Versions=["$Latest"])
    assert latest["LaunchTemplateVersions"][0]["VersionNumber"] == 2
    with pytest.raises(ClientError) as caught:
        ec2.describe_launch_template_versions(LaunchTemplateId=template_id, Versions=["9"])
    assert caught.value.response["Error"]["Code"] == "InvalidLaunchTemplateId.VersionNotFound"


def test_ec2_view_reports_state_type_and_resources(account: SimAccount, ec2: Any) -> None:
    (instance_id,) = run(ec2)
    view = account.ec2_view
    assert view.instance_state(instance_id) == "pending"
    assert view.instance_type(instance_id) == "m5.large"
    assert view.image_id(instance_id) == "ami-00000001"
    assert view.availability_zone(instance_id) == "us-east-1a"
    assert view.instance_resources(instance_id) == (2048, 8192)
    assert view.instance_state("i-00000000000000009") is None
