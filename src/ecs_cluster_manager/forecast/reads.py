"""The read-only calls behind `ecm snapshot`: one function per API family, each returning
plain data. Only Describe*/List* operations, through boto3's paginators where AWS pages.

- Auto Scaling: DescribeAutoScalingGroups (settings, instances and their types),
  DescribeLifecycleHooks (heartbeat timeouts, default results).
- EC2: DescribeInstances (the instances' AMIs).
- ECS: ListServices + DescribeServices (10 at a time), DescribeTaskDefinition (reservations,
  containers' stopTimeout), ListTasks + DescribeTasks (100 at a time; standalone tasks).
- Elastic Load Balancing: DescribeTargetGroupAttributes (`deregistration_delay.timeout_seconds`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from ecs_cluster_manager.ops import cluster_reads
from ecs_cluster_manager.ops.failures import OperationFailed
from ecs_cluster_manager.ops.session import Clients

DEREGISTRATION_DELAY = "deregistration_delay.timeout_seconds"
DEFAULT_STOP_TIMEOUT_S = 30  # ECS_CONTAINER_STOP_TIMEOUT's default (ecs-agent-config.html)
_AMOUNT = re.compile(r"^\s*([0-9.]+)\s*(vcpu|gb)?\s*$", re.IGNORECASE)


class NotFound(OperationFailed):
    """The group or cluster to snapshot does not exist."""


def _batches(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start:start + size])


def group(clients: Clients, name: str) -> dict[str, Any]:
    found = cluster_reads.group(clients, name)
    if found is None:
        raise NotFound(f"no Auto Scaling group {name!r} in {clients.region}: check "
                       "--auto-scaling-group (or the stack's resources) and --region.")
    return found


def lifecycle_hooks(clients: Clients, group_name: str) -> list[dict[str, Any]]:
    """The group's hooks (DescribeLifecycleHooks is not paginated: a group has at most 50)."""
    answer = clients("autoscaling").describe_lifecycle_hooks(AutoScalingGroupName=group_name)
    return list(answer["LifecycleHooks"])


def image_ids(clients: Clients, instance_ids: Sequence[str]) -> dict[str, str]:
    """Instance id -> AMI id."""
    described = cluster_reads.ec2_instances(clients, instance_ids)
    return {i: str(d["ImageId"]) for i, d in described.items() if d.get("ImageId")}


def services(clients: Clients, cluster: str) -> list[dict[str, Any]]:
    """Every ACTIVE service of the cluster, described, by name."""
    try:
        described = cluster_reads.services(clients, cluster)
    except clients("ecs").exceptions.ClusterNotFoundException:
        raise NotFound(f"no ECS cluster {cluster!r} in {clients.region}: check --cluster "
                       "and --region.") from None
    return [s for s in described if s.get("status", "ACTIVE") == "ACTIVE"]


def task_definition(clients: Clients, arn: str) -> dict[str, Any]:
    return dict(clients("ecs").describe_task_definition(taskDefinition=arn)["taskDefinition"])


def running_tasks(clients: Clients, cluster: str) -> list[dict[str, Any]]:
    """Tasks whose desired status is RUNNING, described."""
    ecs = clients("ecs")
    arns = [arn for page in ecs.get_paginator("list_tasks").paginate(
        cluster=cluster, desiredStatus="RUNNING") for arn in page["taskArns"]]
    described: list[dict[str, Any]] = []
    for batch in _batches(arns, 100):
        described += ecs.describe_tasks(cluster=cluster, tasks=batch)["tasks"]
    return described


def deregistration_delay_s(clients: Clients, target_group_arn: str) -> int | None:
    attributes = clients("elbv2").describe_target_group_attributes(
        TargetGroupArn=target_group_arn)["Attributes"]
    value = next((a.get("Value") for a in attributes if a.get("Key") == DEREGISTRATION_DELAY),
                 None)
    return int(value) if value is not None and str(value).isdigit() else None


def _amount(value: Any, per_unit: int) -> int | None:
    """A task-level cpu or memory ("256", "1 vCPU", "2 GB"); None when not set."""
    if value in (None, ""):
        return None
    match = _AMOUNT.match(str(value))
    if match is None:
        return None
    number = float(match.group(1))
    return int(number * per_unit) if match.group(2) else int(number)


def reservation(definition: dict[str, Any]) -> tuple[int, int]:
    """(CPU units, MiB) a task of this definition reserves on an EC2 instance: the task-level
    values when set, else the sum over containers (memory, or memoryReservation)."""
    containers = definition.get("containerDefinitions", [])
    cpu = _amount(definition.get("cpu"), 1024)
    if cpu is None:
        cpu = sum(int(c.get("cpu", 0) or 0) for c in containers)
    memory = _amount(definition.get("memory"), 1024)
    if memory is None:
        memory = sum(int(c.get("memory") or c.get("memoryReservation") or 0)
                     for c in containers)
    return cpu, memory


def stop_timeout_s(definition: dict[str, Any]) -> int:
    """The longest container stopTimeout (what a stop may take once the task is told)."""
    return max((int(c.get("stopTimeout", DEFAULT_STOP_TIMEOUT_S))
                for c in definition.get("containerDefinitions", [])),
               default=DEFAULT_STOP_TIMEOUT_S)
