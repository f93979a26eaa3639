"""The EC2 reads `ecm validate` makes, against the default catalogue (response shapes checked):
the dev example parameter file names a VPC's subnets, its security group, an offered instance
type and an AMI of the right architecture; unknown ids fail as EC2 fails them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_cluster_manager.sim import SimAccount
from ecs_cluster_manager.sim.ec2.catalogue import DEFAULT_VPC
from ecs_cluster_manager.sim.project_stack import ProjectStack


@pytest.fixture
def project() -> Iterator[ProjectStack]:
    account = SimAccount(check_responses=True, ecs=None)
    project = ProjectStack(account)
    yield project
    account.close()


@pytest.fixture
def ec2(project: ProjectStack) -> Any:
    return project.account.client("ec2")


def error_code(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    return str(raised.value.response["Error"]["Code"])


def test_the_dev_example_names_what_the_default_account_has(project: ProjectStack,
                                                           ec2: Any) -> None:
    subnet_ids = project.parameter("SubnetIds").split(",")
    subnets = ec2.describe_subnets(SubnetIds=subnet_ids)["Subnets"]
    assert {s["VpcId"] for s in subnets} == {DEFAULT_VPC}
    zones = sorted(s["AvailabilityZone"] for s in subnets)
    assert zones == ["us-east-1a", "us-east-1b"]
    groups = ec2.describe_security_groups(
        GroupIds=project.parameter("SecurityGroupIds").split(","))["SecurityGroups"]
    assert {g["VpcId"] for g in groups} == {DEFAULT_VPC}
    instance_type = project.parameter("EcsInstanceType")
    offered = ec2.describe_instance_type_offerings(
        LocationType="availability-zone",
        Filters=[{"Name": "instance-type", "Values": [instance_type]},
                 {"Name": "location", "Values": zones}])["InstanceTypeOfferings"]
    assert sorted(o["Location"] for o in offered) == zones
    architecture = ec2.describe_instance_types(InstanceTypes=[instance_type])[
        "InstanceTypes"][0]["ProcessorInfo"]["SupportedArchitectures"]
    project.publish_ami("ami-0000000000000aaa1")
    image_id = project.ssm.get_parameter(Name=project.parameter("EcsAmiParameterKey"))[
        "Parameter"]["Value"]
    image = ec2.describe_images(ImageIds=[image_id])["Images"][0]
    assert image["Architecture"] in architecture
    assert ec2.describe_vpcs(VpcIds=[DEFAULT_VPC])["Vpcs"][0]["State"] == "available"


def test_unknown_ids_fail_with_ec2s_codes(ec2: Any) -> None:
    assert error_code(ec2.describe_subnets, SubnetIds=["subnet-00000000000000000"]) == \
        "InvalidSubnetID.NotFound"
    assert error_code(ec2.describe_security_groups, GroupIds=["sg-00000000000000000"]) == \
        "InvalidGroup.NotFound"
    assert error_code(ec2.describe_key_pairs, KeyNames=["nobody"]) == "InvalidKeyPair.NotFound"
    assert error_code(ec2.describe_images, ImageIds=["ami-00000000000000000"]) == \
        "InvalidAMIID.NotFound"
    assert error_code(ec2.describe_vpcs, VpcIds=["vpc-00000000000000000"]) == \
        "InvalidVpcID.NotFound"
    assert error_code(ec2.describe_subnets, Filters=[{"Name": "bogus", "Values": ["x"]}]) == \
        "InvalidParameterValue"


def test_tests_can_change_the_catalogue(project: ProjectStack, ec2: Any) -> None:
    catalogue = project.services.catalogue
    catalogue.add_vpc("vpc-0000000000000beef")
    catalogue.add_subnet("subnet-0000000000000beef", "us-east-1c", vpc_id="vpc-0000000000000beef")
    catalogue.offer("m5.large", ["us-east-1a"])
    del catalogue.key_pairs["ecm-dev"]
    catalogue.add_image("ami-0000000000000a4a4", architecture="arm64")
    elsewhere = ec2.describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": ["vpc-0000000000000beef"]}])["Subnets"]
    assert [s["SubnetId"] for s in elsewhere] == ["subnet-0000000000000beef"]
    zones = [o["Location"] for o in ec2.describe_instance_type_offerings(
        LocationType="availability-zone",
        Filters=[{"Name": "instance-type", "Values": ["m5.large"]}])["InstanceTypeOfferings"]]
    assert zones == ["us-east-1a"]
    assert ec2.describe_key_pairs()["KeyPairs"] == []
    arm = ec2.describe_images(Filters=[{"Name": "architecture", "Values": ["arm64"]}])["Images"]
    assert "ami-0000000000000a4a4" in [i["ImageId"] for i in arm]
    region = ec2.describe_instance_type_offerings(
        Filters=[{"Name": "instance-type", "Values": ["m7g.*"]}])["InstanceTypeOfferings"]
    assert region == [{"InstanceType": "m7g.large", "LocationType": "region",
                       "Location": "us-east-1"}]


def test_instances_are_still_answered_by_the_instance_backend(ec2: Any) -> None:
    launched = ec2.run_instances(ImageId="ami-0000000000000aaa1", MinCount=1, MaxCount=1)
    instance_id = launched["Instances"][0]["InstanceId"]
    found = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
    assert found[0]["Instances"][0]["InstanceId"] == instance_id
