"""DescribeImages, DescribeVpcs, DescribeSubnets, DescribeSecurityGroups, DescribeKeyPairs,
DescribeInstanceTypes and DescribeInstanceTypeOfferings over the account's `Catalogue`.

Each follows its page in the EC2 API Reference; filters as in "List and filter your
resources" (`filters.py`); unknown ids fail the whole call with the codes of "Error codes for
the Amazon EC2 API" (InvalidAMIID.NotFound, InvalidSubnetID.NotFound, InvalidGroup.NotFound,
InvalidKeyPair.NotFound, InvalidVpcID.NotFound). DescribeInstanceTypeOfferings lists offerings
in the Region unless `LocationType` is `availability-zone` ("If LocationType is not specified,
the default is to list the instance types offered in the current Region"). DescribeImages
without ImageIds, Owners or filters would list every public AMI on AWS; the simulator lists
only the AMIs it knows.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ecs_cluster_manager.sim.backend import Backend, Params, Response, paginate, with_next_token
from ecs_cluster_manager.sim.ec2.catalogue import Catalogue, architecture_of
from ecs_cluster_manager.sim.ec2.filters import invalid_filter, value_matches
from ecs_cluster_manager.sim.ec2.instance_types import INSTANCE_RESOURCES
from ecs_cluster_manager.sim.errors import AwsError

Fields = dict[str, Callable[[dict[str, Any]], list[str]]]


def _field(key: str) -> Callable[[dict[str, Any]], list[str]]:
    return lambda item: [str(item[key]).lower() if isinstance(item[key], bool)
                         else str(item[key])] if key in item else []


def _select(items: list[dict[str, Any]], filters: list[dict[str, Any]], fields: Fields
            ) -> list[dict[str, Any]]:
    for spec in filters:
        if spec.get("Name", "") not in fields:
            raise invalid_filter(spec.get("Name", ""))
    return [copy.deepcopy(item) for item in items
            if all(value_matches(fields[f["Name"]](item), list(f.get("Values", [])))
                   for f in filters)]


def _by_ids(table: dict[str, dict[str, Any]], ids: list[str], code: str, what: str
            ) -> list[dict[str, Any]]:
    missing = [i for i in ids if i not in table]
    if missing:
        quoted = ", ".join(f"'{i}'" for i in missing)
        raise AwsError(code, f"The {what} {quoted} does not exist")
    return [table[i] for i in ids]


def _page(items: list[dict[str, Any]], params: Params, key: str) -> Response:
    page, token = paginate(items, params.get("NextToken"), params.get("MaxResults"),
                           default=1000, maximum=1000, bad_token=_bad_token)
    return with_next_token({key: list(page)}, token)


def _bad_token() -> AwsError:
    return AwsError("InvalidParameterValue", "The specified NextToken is not valid.")


class CatalogueBackend(Backend):
    service = "ec2"

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    def DescribeImages(self, params: Params) -> Response:
        ids = list(params.get("ImageIds", []))
        images = _by_ids(self.catalogue.images, ids, "InvalidAMIID.NotFound", "image id") \
            if ids else list(self.catalogue.images.values())
        owners = params.get("Owners")
        if owners:
            aliases = {"self": self.catalogue.account_id, "amazon": "591542846629"}
            wanted = {aliases.get(o, o) for o in owners}
            images = [i for i in images if i["OwnerId"] in wanted]
        fields: Fields = {"image-id": _field("ImageId"), "name": _field("Name"),
                          "architecture": _field("Architecture"), "state": _field("State"),
                          "owner-id": _field("OwnerId"), "is-public": _field("Public")}
        return _page(_select(images, params.get("Filters", []), fields), params, "Images")

    def DescribeVpcs(self, params: Params) -> Response:
        ids = list(params.get("VpcIds", []))
        vpcs = _by_ids(self.catalogue.vpcs, ids, "InvalidVpcID.NotFound", "vpc ID") if ids \
            else list(self.catalogue.vpcs.values())
        fields: Fields = {"vpc-id": _field("VpcId"), "is-default": _field("IsDefault"),
                          "state": _field("State"), "cidr": _field("CidrBlock")}
        return _page(_select(vpcs, params.get("Filters", []), fields), params, "Vpcs")

    def DescribeSubnets(self, params: Params) -> Response:
        ids = list(params.get("SubnetIds", []))
        subnets = _by_ids(self.catalogue.subnets, ids, "InvalidSubnetID.NotFound",
                          "subnet ID") if ids else list(self.catalogue.subnets.values())
        fields: Fields = {"subnet-id": _field("SubnetId"), "vpc-id": _field("VpcId"),
                          "availability-zone": _field("AvailabilityZone"),
                          "state": _field("State")}
        return _page(_select(subnets, params.get("Filters", []), fields), params, "Subnets")

    def DescribeSecurityGroups(self, params: Params) -> Response:
        ids = list(params.get("GroupIds", []))
        groups = _by_ids(self.catalogue.security_groups, ids, "InvalidGroup.NotFound",
                         "security group") if ids else \
            list(self.catalogue.security_groups.values())
        names = params.get("GroupNames")
        if names:
            groups = [g for g in groups if g["GroupName"] in names]
        fields: Fields = {"group-id": _field("GroupId"), "group-name": _field("GroupName"),
                          "vpc-id": _field("VpcId")}
        return _page(_select(groups, params.get("Filters", []), fields), params,
                     "SecurityGroups")

    def DescribeKeyPairs(self, params: Params) -> Response:
        names = list(params.get("KeyNames", []))
        pairs = _by_ids(self.catalogue.key_pairs, names, "InvalidKeyPair.NotFound",
                        "key pair") if names else list(self.catalogue.key_pairs.values())
        fields: Fields = {"key-name": _field("KeyName"), "key-pair-id": _field("KeyPairId")}
        return {"KeyPairs": _select(pairs, params.get("Filters", []), fields)}

    def DescribeInstanceTypes(self, params: Params) -> Response:
        types = list(params.get("InstanceTypes", [])) or sorted(INSTANCE_RESOURCES)
        unknown = [t for t in types if t not in INSTANCE_RESOURCES]
        if unknown:
            raise AwsError("InvalidInstanceType",
                           f"The following supplied instance types do not exist: "
                           f"[{', '.join(unknown)}]")
        described = [{"InstanceType": t, "CurrentGeneration": True,
                      "ProcessorInfo": {"SupportedArchitectures": [architecture_of(t)]},
                      "VCpuInfo": {"DefaultVCpus": INSTANCE_RESOURCES[t][0] // 1024},
                      "MemoryInfo": {"SizeInMiB": INSTANCE_RESOURCES[t][1]}} for t in types]
        return _page(described, params, "InstanceTypes")

    def DescribeInstanceTypeOfferings(self, params: Params) -> Response:
        location_type = params.get("LocationType", "region")
        rows: list[dict[str, Any]] = []
        for instance_type, zones in sorted(self.catalogue.offerings.items()):
            if location_type == "region":
                if zones:
                    rows.append({"InstanceType": instance_type, "LocationType": "region",
                                 "Location": self.catalogue.region})
            elif location_type == "availability-zone":
                rows += [{"InstanceType": instance_type, "LocationType": location_type,
                          "Location": zone} for zone in sorted(zones)]
            else:
                raise AwsError("InvalidParameterValue",
                               f"The ecm simulator does not model LocationType "
                               f"{location_type}.")
        fields: Fields = {"instance-type": _field("InstanceType"), "location": _field("Location")}
        return _page(_select(rows, params.get("Filters", []), fields), params,
                     "InstanceTypeOfferings")


class Ec2WithCatalogue:
    """The account's EC2: catalogue reads here, everything else to the instances backend."""

    def __init__(self, instances: Backend, catalogue: CatalogueBackend) -> None:
        self.instances = instances
        self.catalogue = catalogue

    def handle(self, operation: str, params: Params) -> Response:
        if operation in self.catalogue.operations:
            return self.catalogue.handle(operation, params)
        return self.instances.handle(operation, params)
