"""What an account already has before the stack is deployed: a VPC with subnets in three
zones, a security group, a key pair, AMIs, and which instance types each zone offers.

The items are shaped as DescribeVpcs, DescribeSubnets, DescribeSecurityGroups,
DescribeKeyPairs, DescribeImages and DescribeInstanceTypeOfferings return them (EC2 API
Reference: API_Vpc.html, API_Subnet.html, API_SecurityGroup.html, API_KeyPairInfo.html,
API_Image.html, API_InstanceTypeOffering.html). The default catalogue holds the ids of
`cloudformation/examples/dev-cluster.json`, so the example validates against it; tests add and
remove items through the methods below.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ecs_cluster_manager.sim.ec2.instance_types import INSTANCE_RESOURCES

DEFAULT_VPC = "vpc-0a1b2c3d4e5f60718"
DEFAULT_SUBNETS = ("subnet-0123456789abcdef0", "subnet-0fedcba9876543210",
                   "subnet-0a0b0c0d0e0f01020")
DEFAULT_SECURITY_GROUP = "sg-0123456789abcdef0"
DEFAULT_KEY_PAIR = "ecm-dev"
# ECS-optimized Amazon Linux 2023 AMIs, one per architecture.
DEFAULT_IMAGES = {"ami-0c0ffee000000a864": "x86_64", "ami-0c0ffee0000a4a64a": "arm64"}
# Graviton types are arm64 ("Amazon EC2 instance types": the *g families); the rest x86_64.
ARM64_FAMILIES = ("m7g", "m6g", "c7g", "c6g", "r7g", "r6g", "t4g")


def architecture_of(instance_type: str) -> str:
    return "arm64" if instance_type.split(".", 1)[0] in ARM64_FAMILIES else "x86_64"


@dataclass
class Catalogue:
    region: str
    account_id: str
    images: dict[str, dict[str, Any]] = field(default_factory=dict)
    vpcs: dict[str, dict[str, Any]] = field(default_factory=dict)
    subnets: dict[str, dict[str, Any]] = field(default_factory=dict)
    security_groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    key_pairs: dict[str, dict[str, Any]] = field(default_factory=dict)
    offerings: dict[str, set[str]] = field(default_factory=dict)  # instance type -> zones

    @property
    def zones(self) -> list[str]:
        return [f"{self.region}{letter}" for letter in "abc"]

    def _zone_id(self, zone: str) -> str:
        """us-east-1a -> use1-az1 (the letters map to ids per account on AWS; fixed here)."""
        area, direction, number = ([*self.region.split("-"), "", "", ""])[:3]
        return f"{area}{direction[:1]}{number}-az{ord(zone[-1]) - ord('a') + 1}"

    # -- adding and removing ----------------------------------------------------------------

    def add_vpc(self, vpc_id: str, cidr: str = "10.0.0.0/16") -> None:
        self.vpcs[vpc_id] = {
            "VpcId": vpc_id, "CidrBlock": cidr, "State": "available", "OwnerId": self.account_id,
            "InstanceTenancy": "default", "IsDefault": False, "DhcpOptionsId": "dopt-0a1b2c3d",
            "CidrBlockAssociationSet": [{"AssociationId": f"vpc-cidr-assoc-{vpc_id[4:]}",
                                         "CidrBlock": cidr,
                                         "CidrBlockState": {"State": "associated"}}]}

    def add_subnet(self, subnet_id: str, zone: str, vpc_id: str = DEFAULT_VPC,
                   cidr: str = "10.0.0.0/20") -> None:
        self.subnets[subnet_id] = {
            "SubnetId": subnet_id, "VpcId": vpc_id, "AvailabilityZone": zone,
            "AvailabilityZoneId": self._zone_id(zone),
            "CidrBlock": cidr, "AvailableIpAddressCount": 4091, "State": "available",
            "DefaultForAz": False, "MapPublicIpOnLaunch": False, "OwnerId": self.account_id,
            "SubnetArn": f"arn:aws:ec2:{self.region}:{self.account_id}:subnet/{subnet_id}"}

    def add_security_group(self, group_id: str, name: str, vpc_id: str = DEFAULT_VPC) -> None:
        self.security_groups[group_id] = {
            "GroupId": group_id, "GroupName": name, "VpcId": vpc_id, "OwnerId": self.account_id,
            "Description": f"{name} security group", "IpPermissions": [],
            "IpPermissionsEgress": [{"IpProtocol": "-1",
                                     "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
            "SecurityGroupArn": f"arn:aws:ec2:{self.region}:{self.account_id}:"
                                f"security-group/{group_id}"}

    def add_key_pair(self, name: str) -> None:
        self.key_pairs[name] = {
            "KeyName": name,
            "KeyPairId": "key-" + hashlib.sha256(name.encode()).hexdigest()[:17],
            "KeyType": "ed25519", "KeyFingerprint": "simulated",
            "CreateTime": datetime(2026, 1, 1, tzinfo=UTC)}

    def add_image(self, image_id: str, *, architecture: str = "x86_64",
                  name: str | None = None, owner: str = "591542846629") -> None:
        """An AMI (owner 591542846629 is Amazon's, as for ECS-optimized AMIs)."""
        self.images[image_id] = {
            "ImageId": image_id, "Name": name or f"amzn2023-ami-ecs-hvm-{image_id[4:]}-"
                                                 f"{architecture}",
            "Architecture": architecture, "State": "available", "OwnerId": owner,
            "Public": owner != self.account_id, "ImageType": "machine",
            "RootDeviceType": "ebs", "RootDeviceName": "/dev/xvda",
            "VirtualizationType": "hvm", "Hypervisor": "xen", "EnaSupport": True,
            "PlatformDetails": "Linux/UNIX", "UsageOperation": "RunInstances",
            "CreationDate": "2026-01-01T00:00:00.000Z", "BlockDeviceMappings": [],
            "ImageLocation": f"amazon/{name or image_id}"}

    def offer(self, instance_type: str, zones: list[str]) -> None:
        """Offer `instance_type` in exactly `zones` (an empty list: nowhere)."""
        self.offerings[instance_type] = set(zones)


def default_catalogue(region: str, account_id: str) -> Catalogue:
    catalogue = Catalogue(region, account_id)
    catalogue.add_vpc(DEFAULT_VPC)
    for number, (subnet, zone) in enumerate(zip(DEFAULT_SUBNETS, catalogue.zones, strict=True)):
        catalogue.add_subnet(subnet, zone, cidr=f"10.0.{number * 16}.0/20")
    catalogue.add_security_group(DEFAULT_SECURITY_GROUP, "ecs-cluster")
    catalogue.add_key_pair(DEFAULT_KEY_PAIR)
    for image_id, architecture in DEFAULT_IMAGES.items():
        catalogue.add_image(image_id, architecture=architecture)
    for instance_type in INSTANCE_RESOURCES:
        catalogue.offer(instance_type, catalogue.zones)
    return catalogue
