"""Targeted ECS reads: never list the whole cluster, except in `cluster` stability scope.

Limits from the Amazon ECS API Reference: DescribeContainerInstances and DescribeTasks take up to
100 items, DescribeServices up to 10; ListTasks defaults to desiredStatus RUNNING, so tasks that
are already stopping are listed only with desiredStatus STOPPED. The instance is found with the
cluster query language filter `ec2InstanceId == i-...` ("Cluster query language").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from .events import resources_free
from .model import STOPPED, ContainerInstance, ServiceView, TaskView


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _container_instance(raw: dict[str, Any]) -> ContainerInstance:
    health = raw.get("healthStatus", {}).get("overallStatus")
    return ContainerInstance(
        arn=raw["containerInstanceArn"],
        status=raw.get("status", ""),
        agent_connected=bool(raw.get("agentConnected")),
        running_tasks=int(raw.get("runningTasksCount", 0)),
        pending_tasks=int(raw.get("pendingTasksCount", 0)),
        health=str(health) if health else None,
        attributes=frozenset(a["name"] for a in raw.get("attributes", [])),
        resources_free=resources_free(raw),
    )


# Preference when one EC2 instance has several container instances (an agent that re-registered
# leaves its old one behind): the one tasks can run on first.
_PREFERENCE = ("ACTIVE", "DRAINING", "REGISTERING", "REGISTRATION_FAILED", "DEREGISTERING", "INACTIVE")


def _preferred(found: list[ContainerInstance]) -> ContainerInstance | None:
    rank = {status: i for i, status in enumerate(_PREFERENCE)}
    return min(found, key=lambda ci: rank.get(ci.status, len(rank)), default=None)


def find_container_instance(ecs: Any, cluster: str, instance_id: str, arn_hint: str = "",
                            include_health: bool = False) -> ContainerInstance | None:
    """The container instance of an EC2 instance, or None when it is not (or no longer) registered.

    `arn_hint` (a remembered ARN) saves the ListContainerInstances call; the caller must not
    trust what it returns when that is not ACTIVE or DRAINING (see `observe.py`).
    """
    arns = [arn_hint] if arn_hint else []
    if not arns:
        listed = ecs.list_container_instances(cluster=cluster, filter=f"ec2InstanceId == {instance_id}")
        arns = listed.get("containerInstanceArns", [])[:100]  # DescribeContainerInstances takes 100
        if not arns:
            return None
    kwargs: dict[str, Any] = {"cluster": cluster, "containerInstances": arns}
    if include_health:
        kwargs["include"] = ["CONTAINER_INSTANCE_HEALTH"]
    described = ecs.describe_container_instances(**kwargs).get("containerInstances", [])
    # A hint (a tag, an event) may name another instance's registration: only ours count.
    return _preferred([_container_instance(raw) for raw in described
                       if raw.get("ec2InstanceId") == instance_id])


def _list_task_arns(ecs: Any, cluster: str, desired: str, container_instance: str = "") -> list[str]:
    kwargs: dict[str, Any] = {"cluster": cluster, "desiredStatus": desired}
    if container_instance:
        kwargs["containerInstance"] = container_instance
    arns: list[str] = []
    for page in ecs.get_paginator("list_tasks").paginate(**kwargs):
        arns.extend(page.get("taskArns", []))
    return arns


def describe_tasks(ecs: Any, cluster: str, arns: list[str]) -> list[TaskView]:
    tasks: list[TaskView] = []
    for chunk in _chunks(arns, 100):
        for raw in ecs.describe_tasks(cluster=cluster, tasks=chunk).get("tasks", []):
            tasks.append(TaskView(raw["taskArn"], raw.get("lastStatus", ""),
                                  raw.get("desiredStatus", ""), raw.get("group", "")))
    return tasks


def live_tasks_on(ecs: Any, cluster: str, instance: ContainerInstance) -> tuple[tuple[TaskView, ...], bool]:
    """Tasks on the instance whose lastStatus is not STOPPED, and whether the view is complete.

    While tasks still want to run (running or pending counts above zero) only those are listed:
    the instance is not drained anyway. Once the counts reach zero, the tasks already stopping are
    listed (desiredStatus STOPPED), and only that view may let the gate continue; unless the
    instance's remaining CPU and memory are back to what it registered, which ECS reports only
    once every task on it has stopped: then no call is needed.
    """
    wanted = instance.running_tasks + instance.pending_tasks > 0
    if not wanted and instance.resources_free:
        return (), True  # a task holds its CPU and memory until it has stopped: none is left
    desired = "RUNNING" if wanted else STOPPED
    arns = _list_task_arns(ecs, cluster, desired, instance.arn)
    live = tuple(t for t in describe_tasks(ecs, cluster, arns) if t.last_status != STOPPED) if arns else ()
    return live, not wanted


# A task started or stopped this recently, with no steady-state report since, means the service
# scheduler is still at work even when the counts already look right: ECS reports "(service ...)
# has reached a steady state." once the service is healthy at its desired count again (Amazon
# ECS Developer Guide, "Amazon ECS service event messages"; SERVICE_STEADY_STATE in "Amazon ECS
# service action events"). Older churn is not held against it: the report is periodic, and a
# missed one must not stall a drain for more than this.
SETTLE_WINDOW_S = 60
_STEADY, _CHURN = " has reached a steady state", (" has started ", " has stopped ")


def _settling(events: list[dict[str, Any]], now: float | None) -> bool:
    """Whether the newest task start or stop (events come newest first) is recent and not yet
    followed by a steady-state report."""
    for event in events:
        message, created = str(event.get("message", "")), event.get("createdAt")
        at = created.timestamp() if isinstance(created, datetime) else None
        if now is not None and at is not None and at < now - SETTLE_WINDOW_S:
            return False
        if _STEADY in message:
            return False
        if any(word in message for word in _CHURN):
            return True
    return False


def _service_view(raw: dict[str, Any], now: float | None) -> ServiceView:
    return ServiceView(
        name=raw["serviceName"],
        status=raw.get("status", ""),
        deployments=len(raw.get("deployments", [])),
        desired=int(raw.get("desiredCount", 0)),
        running=int(raw.get("runningCount", 0)),
        pending=int(raw.get("pendingCount", 0)),
        settling=_settling(raw.get("events", []), now),
    )


def describe_services(ecs: Any, cluster: str, names: Iterable[str],
                      now: float | None = None) -> tuple[ServiceView, ...]:
    """Services by name, ten per call; a service ECS no longer knows is reported as MISSING.
    `now` bounds how far back the service's events are read (SETTLE_WINDOW_S)."""
    views: list[ServiceView] = []
    for chunk in _chunks(sorted(names), 10):
        response = ecs.describe_services(cluster=cluster, services=chunk)
        views.extend(_service_view(raw, now) for raw in response.get("services", []))
        for failure in response.get("failures", []):
            name = str(failure.get("arn", "")).rsplit("/", 1)[-1]
            views.append(ServiceView(name, "MISSING", 0, 0, 0, 0))
    return tuple(views)


def all_services(ecs: Any, cluster: str, now: float | None = None) -> tuple[ServiceView, ...]:
    """`cluster` scope only: every service of the cluster."""
    arns: list[str] = []
    for page in ecs.get_paginator("list_services").paginate(cluster=cluster):
        arns.extend(page.get("serviceArns", []))
    return describe_services(ecs, cluster, [a.rsplit("/", 1)[-1] for a in arns], now)


def unsettled_cluster_tasks(ecs: Any, cluster: str) -> tuple[str, ...]:
    """`cluster` scope only: tasks anywhere in the cluster not yet at their desired status."""
    arns = _list_task_arns(ecs, cluster, "RUNNING") + _list_task_arns(ecs, cluster, STOPPED)
    tasks = describe_tasks(ecs, cluster, arns) if arns else []
    return tuple(t.arn.rsplit("/", 1)[-1] for t in tasks if t.last_status != t.desired_status)
