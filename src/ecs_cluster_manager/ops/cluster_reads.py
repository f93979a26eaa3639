"""Read-only views of the stack's group, instances, container instances and services.

Shared by status, watch, hook, delete and verify; each is one paginated API family.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ecs_cluster_manager.ops.session import Clients

DESCRIBE_BATCH = {"container_instances": 100, "services": 10, "instances": 100}


def _batches(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start:start + size])


def group(clients: Clients, name: str | None) -> dict[str, Any] | None:
    """The Auto Scaling group, or None once it is gone (or not created yet)."""
    if not name:
        return None
    groups = clients("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=[name])["AutoScalingGroups"]
    return dict(groups[0]) if groups else None


def ec2_instances(clients: Clients, instance_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Instance id -> DescribeInstances entry (terminated ones too, while EC2 still lists them)."""
    found: dict[str, dict[str, Any]] = {}
    paginator = clients("ec2").get_paginator("describe_instances")
    for batch in _batches(instance_ids, DESCRIBE_BATCH["instances"]):
        for page in paginator.paginate(Filters=[{"Name": "instance-id", "Values": batch}]):
            for reservation in page["Reservations"]:
                found.update({i["InstanceId"]: i for i in reservation["Instances"]})
    return found


def container_instances(clients: Clients, cluster: str | None) -> list[dict[str, Any]]:
    """Every container instance of the cluster, described (ACTIVE, DRAINING and the rest)."""
    if not cluster:
        return []
    ecs = clients("ecs")
    arns = [arn for page in ecs.get_paginator("list_container_instances").paginate(
        cluster=cluster) for arn in page["containerInstanceArns"]]
    described: list[dict[str, Any]] = []
    for batch in _batches(arns, DESCRIBE_BATCH["container_instances"]):
        described += ecs.describe_container_instances(
            cluster=cluster, containerInstances=batch)["containerInstances"]
    return described


def services(clients: Clients, cluster: str | None) -> list[dict[str, Any]]:
    if not cluster:
        return []
    ecs = clients("ecs")
    arns = [arn for page in ecs.get_paginator("list_services").paginate(cluster=cluster)
            for arn in page["serviceArns"]]
    described: list[dict[str, Any]] = []
    for batch in _batches(arns, DESCRIBE_BATCH["services"]):
        described += ecs.describe_services(cluster=cluster, services=batch)["services"]
    return sorted(described, key=lambda s: str(s["serviceName"]))


def is_steady(service: dict[str, Any]) -> bool:
    """One deployment, every desired task running (ECS "steady state")."""
    deployments = service.get("deployments", [])
    return (len(deployments) <= 1 and service.get("runningCount") == service.get("desiredCount")
            and all(d.get("rolloutState", "COMPLETED") == "COMPLETED" for d in deployments))


def live_tasks(clients: Clients, cluster: str, container_instance: str) -> list[dict[str, Any]]:
    """Tasks on a container instance whose last status is not STOPPED."""
    ecs = clients("ecs")
    arns: list[str] = []
    for desired in ("RUNNING", "STOPPED"):  # a task told to stop may still be running
        arns += [arn for page in ecs.get_paginator("list_tasks").paginate(
            cluster=cluster, containerInstance=container_instance, desiredStatus=desired)
            for arn in page["taskArns"]]
    tasks: list[dict[str, Any]] = []
    for batch in _batches(arns, 100):
        tasks += ecs.describe_tasks(cluster=cluster, tasks=batch)["tasks"]
    return [t for t in tasks if t.get("lastStatus") != "STOPPED"]


def activity_starts(clients: Clients, group_name: str) -> dict[str, Any]:
    """Instance id -> start time of its newest scaling activity (launch or termination)."""
    activities = clients("autoscaling").describe_scaling_activities(
        AutoScalingGroupName=group_name, MaxRecords=100)["Activities"]
    starts: dict[str, Any] = {}
    for activity in activities:  # newest first
        words = str(activity.get("Description", "")).split()
        instance = next((w for w in words if w.startswith("i-")), None)
        if instance and instance not in starts:
            starts[instance] = activity["StartTime"]
    return starts
