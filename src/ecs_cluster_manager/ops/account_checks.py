"""Checks of a parameter file against the account it will deploy into (read-only calls).

Subnets exist and share one VPC and the security groups belong to it (EC2 API Reference,
DescribeSubnets, DescribeSecurityGroups); the AMI parameter resolves (SSM GetParameter) to an
image (DescribeImages) whose architecture the instance type supports (DescribeInstanceTypes,
ProcessorInfo.SupportedArchitectures) and that type is offered in the subnets' zones
(DescribeInstanceTypeOfferings); the deployment bucket is in the stack's Region (S3
GetBucketLocation: an empty LocationConstraint means us-east-1, "EU" eu-west-1); the key pair
exists (DescribeKeyPairs).
"""

from __future__ import annotations

from collections.abc import Mapping

from botocore.exceptions import ClientError

from ecs_cluster_manager.ops.checks import Check, failed, passed
from ecs_cluster_manager.ops.session import Clients

_LEGACY_LOCATIONS = {"": "us-east-1", "EU": "eu-west-1"}


def _error_text(error: ClientError) -> str:
    details = error.response.get("Error", {})
    return f"{details.get('Code', 'Error')}: {details.get('Message', '')}".strip()


def _listed(values: Mapping[str, str], key: str) -> list[str]:
    return [v.strip() for v in values.get(key, "").split(",") if v.strip()]


def network_checks(clients: Clients, values: Mapping[str, str]) -> tuple[list[Check], set[str]]:
    """Subnets and security groups; also the subnets' Availability Zones."""
    ec2 = clients("ec2")
    subnet_ids = _listed(values, "SubnetIds")
    try:
        subnets = ec2.describe_subnets(SubnetIds=subnet_ids)["Subnets"]
    except ClientError as error:
        return [failed("subnets", f"{', '.join(subnet_ids)}: {_error_text(error)}",
                       "list subnets that exist in this Region (aws ec2 describe-subnets)")], set()
    vpcs = {s["VpcId"] for s in subnets}
    zones = {s["AvailabilityZone"] for s in subnets}
    if len(vpcs) != 1:
        return [failed("subnets", f"in {len(vpcs)} VPCs ({', '.join(sorted(vpcs))})",
                       "pick subnets of one VPC")], zones
    (vpc,) = vpcs
    checks = [passed("subnets", f"{len(subnets)} in {vpc}, zones {', '.join(sorted(zones))}")]
    group_ids = _listed(values, "SecurityGroupIds")
    try:
        groups = ec2.describe_security_groups(GroupIds=group_ids)["SecurityGroups"]
    except ClientError as error:
        checks.append(failed("security groups", f"{', '.join(group_ids)}: {_error_text(error)}",
                             f"list security groups that exist in {vpc}"))
        return checks, zones
    elsewhere = sorted(g["GroupId"] for g in groups if g.get("VpcId") != vpc)
    checks.append(failed("security groups", f"{', '.join(elsewhere)} not in {vpc}",
                         f"use security groups of {vpc}") if elsewhere else
                  passed("security groups", f"{len(groups)} in {vpc}"))
    return checks, zones


def image_checks(clients: Clients, values: Mapping[str, str], zones: set[str]) -> list[Check]:
    """The AMI parameter, the image's architecture and the type's offering in the zones."""
    name = values.get("EcsAmiParameterKey", "/ami/ecs/latest")
    instance_type = values.get("EcsInstanceType", "m5.large")
    try:
        image_id = clients("ssm").get_parameter(Name=name)["Parameter"]["Value"]
        images = clients("ec2").describe_images(ImageIds=[image_id])["Images"]
    except ClientError as error:
        return [failed("AMI", f"{name}: {_error_text(error)}",
                       "put the AMI id in that SSM parameter, or name one that holds it")]
    if not images:
        return [failed("AMI", f"{name} holds {image_id}, which is not an image you can use",
                       "publish an existing AMI id in the parameter")]
    architecture = images[0].get("Architecture", "")
    ec2 = clients("ec2")
    described = ec2.describe_instance_types(InstanceTypes=[instance_type])["InstanceTypes"]
    supported = described[0]["ProcessorInfo"]["SupportedArchitectures"] if described else []
    checks = [failed("AMI", f"{image_id} ({name}) is {architecture}; {instance_type} runs "
                     f"{', '.join(supported)}", "pick an instance type or AMI of the same "
                     "architecture") if architecture not in supported else
              passed("AMI", f"{name} -> {image_id} ({architecture}), fits {instance_type}")]
    if not zones:
        return checks  # the subnets check failed already
    offerings = ec2.get_paginator("describe_instance_type_offerings").paginate(
        LocationType="availability-zone",
        Filters=[{"Name": "instance-type", "Values": [instance_type]},
                 {"Name": "location", "Values": sorted(zones)}])
    offered = {o["Location"] for page in offerings for o in page["InstanceTypeOfferings"]}
    missing = sorted(zones - offered)
    checks.append(failed("instance type", f"{instance_type} is not offered in "
                         f"{', '.join(missing)}", "pick another type or other subnets")
                  if missing else passed("instance type", f"{instance_type} offered in every "
                                         "subnet's zone"))
    return checks


def bucket_check(clients: Clients, values: Mapping[str, str]) -> Check:
    bucket = values.get("DeploymentS3Bucket", "")
    s3 = clients("s3")
    try:
        s3.head_bucket(Bucket=bucket)
        location = s3.get_bucket_location(Bucket=bucket).get("LocationConstraint") or ""
    except ClientError as error:
        return failed("deployment bucket", f"{bucket}: {_error_text(error)}",
                      f"create it in {clients.region} (aws s3 mb s3://{bucket} --region "
                      f"{clients.region}) or name a bucket you can write to")
    region = _LEGACY_LOCATIONS.get(location, location)
    if region != clients.region:
        return failed("deployment bucket", f"{bucket} is in {region}, the stack in "
                      f"{clients.region}", f"use a bucket in {clients.region} (Lambda reads "
                      "code from the function's own Region)")
    return passed("deployment bucket", f"{bucket} in {region}")


def key_pair_check(clients: Clients, values: Mapping[str, str]) -> Check:
    key = values.get("KeyName", "")
    if not key:
        return passed("key pair", "none (SSM Session Manager instead of SSH)")
    try:
        clients("ec2").describe_key_pairs(KeyNames=[key])
    except ClientError as error:
        return failed("key pair", f"{key}: {_error_text(error)}",
                      "create or import it in this Region, or leave KeyName empty")
    return passed("key pair", f"{key} exists")


def account_checks(clients: Clients, values: Mapping[str, str]) -> list[Check]:
    checks, zones = network_checks(clients, values)
    checks += image_checks(clients, values, zones)
    checks += [bucket_check(clients, values), key_pair_check(clients, values)]
    return checks
