"""Simulated Elastic Load Balancing (v2) target groups: only what a drain depends on.

Follows the Elastic Load Balancing API Reference: CreateTargetGroup, DescribeTargetGroups
(by ARNs or names, `Marker`/`NextMarker` pages of `PageSize` 1-400,
https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTargetGroups.html),
DescribeTargetGroupAttributes, ModifyTargetGroupAttributes
(https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_ModifyTargetGroupAttributes.html)
and DeleteTargetGroup; `TargetGroupNotFound` for an unknown ARN or name. Attributes follow
"TargetGroupAttribute" in the same reference: `deregistration_delay.timeout_seconds` is 0-3600,
300 by default. ECS waits that long in DEACTIVATING before it stops a service task registered
with the group ("Draining Amazon ECS container instances"): the simulated ECS reads it through
`deregistration_delay_s`. Load balancers, listeners, targets and health checks are not modelled.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ecs_cluster_manager.sim.backend import Backend, Params, Response
from ecs_cluster_manager.sim.errors import AwsError

DEREGISTRATION_DELAY = "deregistration_delay.timeout_seconds"
DEFAULT_ATTRIBUTES = {DEREGISTRATION_DELAY: "300", "stickiness.enabled": "false",
                      "stickiness.type": "lb_cookie", "slow_start.duration_seconds": "0"}
PAGE_SIZE_MAX = 400


@dataclass
class TargetGroup:
    arn: str
    name: str
    protocol: str
    port: int
    vpc_id: str
    target_type: str
    attributes: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_ATTRIBUTES))

    def described(self) -> Response:
        return {"TargetGroupArn": self.arn, "TargetGroupName": self.name,
                "Protocol": self.protocol, "Port": self.port, "VpcId": self.vpc_id,
                "TargetType": self.target_type, "LoadBalancerArns": []}


def _not_found() -> AwsError:
    return AwsError("TargetGroupNotFound", "One or more target groups not found")


class Elbv2Backend(Backend):
    service = "elbv2"

    def __init__(self, region: str, account_id: str) -> None:
        self.region = region
        self.account_id = account_id
        self.groups: dict[str, TargetGroup] = {}  # by ARN, in creation order

    def deregistration_delay_s(self, arn: str) -> float | None:
        """The group's deregistration delay; None for a group that does not exist."""
        group = self.groups.get(arn)
        return None if group is None else float(group.attributes[DEREGISTRATION_DELAY])

    def _group(self, arn: str) -> TargetGroup:
        group = self.groups.get(arn)
        if group is None:
            raise _not_found()
        return group

    def CreateTargetGroup(self, params: Params) -> Response:
        name = params["Name"]
        existing = next((g for g in self.groups.values() if g.name == name), None)
        if existing is None:
            # from the name, not the account's id stream: adding a group shifts no other id
            suffix = hashlib.sha256(f"{self.account_id}/{name}".encode()).hexdigest()[:16]
            arn = (f"arn:aws:elasticloadbalancing:{self.region}:{self.account_id}:"
                   f"targetgroup/{name}/{suffix}")
            existing = self.groups[arn] = TargetGroup(
                arn, name, params.get("Protocol", "HTTP"), int(params.get("Port", 80)),
                params.get("VpcId", "vpc-00000000"), params.get("TargetType", "instance"))
        return {"TargetGroups": [existing.described()]}

    def DescribeTargetGroups(self, params: Params) -> Response:
        arns, names = params.get("TargetGroupArns"), params.get("Names")
        if arns:
            found = [self._group(arn) for arn in arns]
        elif names:
            by_name = {g.name: g for g in self.groups.values()}
            if any(name not in by_name for name in names):
                raise _not_found()
            found = [by_name[name] for name in names]
        else:
            found = list(self.groups.values())
        size = max(1, min(int(params.get("PageSize", PAGE_SIZE_MAX)), PAGE_SIZE_MAX))
        marker = params.get("Marker")
        start = int(marker) if marker and str(marker).isdigit() else 0
        page = found[start:start + size]
        response: Response = {"TargetGroups": [g.described() for g in page]}
        if start + size < len(found):
            response["NextMarker"] = str(start + size)
        return response

    def DescribeTargetGroupAttributes(self, params: Params) -> Response:
        group = self._group(params["TargetGroupArn"])
        return {"Attributes": [{"Key": k, "Value": v} for k, v in group.attributes.items()]}

    def ModifyTargetGroupAttributes(self, params: Params) -> Response:
        group = self._group(params["TargetGroupArn"])
        for attribute in params["Attributes"]:
            key, value = attribute.get("Key", ""), attribute.get("Value", "")
            if key == DEREGISTRATION_DELAY and not (value.isdigit() and int(value) <= 3600):
                raise AwsError("InvalidConfigurationRequest",
                               f"'{value}' is not a valid value for {key}; it must be an "
                               "integer from 0 to 3600")
            group.attributes[key] = value
        return {"Attributes": [{"Key": k, "Value": v} for k, v in group.attributes.items()]}

    def DeleteTargetGroup(self, params: Params) -> Response:
        self.groups.pop(params["TargetGroupArn"], None)
        return {}
