"""Resources as the ECS API returns them (DescribeContainerInstances, DescribeTasks, ...).

Field names and types follow the API reference data types
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerInstance.html,
https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html,
https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html). Timestamps go
through a formatter: datetimes for API responses, ISO strings for events.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from .model import ContainerInstance, Deployment, Service, StopCause, Task
from .state import EcsState

Stamp = Callable[[float], Any]

AGENT_VERSION_INFO = {
    "agentVersion": "1.89.0",
    "agentHash": "0f1e2d3c",
    "dockerVersion": "DockerVersion: 25.0.8",
}


def as_datetime(t: float) -> datetime:
    return datetime.fromtimestamp(t, tz=UTC)


def as_iso_millis(t: float) -> str:
    """Event detail timestamps look like 2016-12-06T16:41:06.991Z."""
    return as_datetime(t).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _resources(cpu: int, memory: int) -> list[dict[str, Any]]:
    return [
        {"name": "CPU", "type": "INTEGER", "integerValue": cpu},
        {"name": "MEMORY", "type": "INTEGER", "integerValue": memory},
        {"name": "PORTS", "type": "STRINGSET", "stringSetValue": ["22", "2375", "2376", "51678", "51679"]},
        {"name": "PORTS_UDP", "type": "STRINGSET", "stringSetValue": []},
    ]


def registered_resources(ci: ContainerInstance) -> list[dict[str, Any]]:
    return _resources(ci.registered_cpu, ci.registered_memory)


def remaining_resources(ci: ContainerInstance) -> list[dict[str, Any]]:
    return _resources(ci.registered_cpu - ci.used_cpu, ci.registered_memory - ci.used_memory)


def container_instance(
    ci: ContainerInstance, *, include_health: bool, include_tags: bool
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "containerInstanceArn": ci.arn,
        "ec2InstanceId": ci.ec2_instance_id,
        "version": ci.version,
        "versionInfo": dict(AGENT_VERSION_INFO),
        "remainingResources": remaining_resources(ci),
        "registeredResources": registered_resources(ci),
        "status": ci.status,
        "agentConnected": ci.agent_connected,
        "runningTasksCount": ci.running_tasks,
        "pendingTasksCount": ci.pending_tasks,
        "attributes": [dict(a) for a in ci.attributes],
        "registeredAt": as_datetime(ci.registered_at),
        "attachments": [],
    }
    if ci.status_reason:
        out["statusReason"] = ci.status_reason
    if include_tags:
        out["tags"] = []
    if include_health:
        out["healthStatus"] = _health(ci)
    return out


def _health(ci: ContainerInstance) -> dict[str, Any]:
    """CONTAINER_INSTANCE_HEALTH
    (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-health.html)."""
    details = []
    for check in ci.health_checks():
        detail: dict[str, Any] = {
            "type": check.type,
            "status": check.status,
            "lastUpdated": as_datetime(ci.updated_at or ci.registered_at),
            "lastStatusChange": as_datetime(check.changed_at),
        }
        if check.reason:
            detail["statusReason"] = check.reason
        details.append(detail)
    return {"overallStatus": ci.overall_health, "details": details}


def _optional_times(task: Task, stamp: Stamp) -> dict[str, Any]:
    names = {
        "pullStartedAt": task.pull_started_at,
        "pullStoppedAt": task.pull_stopped_at,
        "connectivityAt": task.connectivity_at,
        "startedAt": task.started_at,
        "stoppingAt": task.stopping_at,
        "executionStoppedAt": task.execution_stopped_at,
        "stoppedAt": task.stopped_at,
    }
    return {name: stamp(t) for name, t in names.items() if t is not None}


def containers(state: EcsState, task: Task) -> list[dict[str, Any]]:
    out = []
    definitions = task.task_definition.body.get("containerDefinitions", [])
    for container_id, definition in zip(task.container_ids, definitions, strict=False):
        container: dict[str, Any] = {
            "containerArn": state.arn(f"container/{task.cluster}/{task.id}/{container_id}"),
            "taskArn": task.arn,
            "name": definition.get("name", "app"),
            "image": definition.get("image", "public.ecr.aws/docker/library/busybox:latest"),
            "lastStatus": _container_status(task),
            "cpu": str(definition.get("cpu", 0)),
        }
        if "memory" in definition:
            container["memory"] = str(definition["memory"])
        if task.last_status == "STOPPED" and task.stop_cause is not StopCause.INSTANCE_TERMINATED:
            container["exitCode"] = 0  # exited on SIGTERM; a vanished host reports no exit code
        out.append(container)
    return out


def _container_status(task: Task) -> str:
    if task.last_status in ("PROVISIONING", "PENDING", "ACTIVATING"):
        return "PENDING"
    if task.last_status in ("RUNNING", "DEACTIVATING"):
        return "RUNNING"
    return "STOPPED"


def task(state: EcsState, t: Task, stamp: Stamp) -> dict[str, Any]:
    listed = containers(state, t)
    out: dict[str, Any] = {
        "attachments": [],
        "attributes": [{"name": "ecs.cpu-architecture", "value": "x86_64"}],
        "availabilityZone": t.availability_zone,
        "clusterArn": state.arn(f"cluster/{t.cluster}"),
        "containerInstanceArn": state.arn(f"container-instance/{t.cluster}/{t.container_instance_id}"),
        "containers": listed,
        "cpu": str(t.task_definition.cpu),
        "createdAt": stamp(t.created_at),
        "desiredStatus": t.desired_status,
        "enableExecuteCommand": False,
        "group": t.group,
        "lastStatus": t.last_status,
        "launchType": "EC2",
        "memory": str(t.task_definition.memory),
        "overrides": {"containerOverrides": [{"name": c["name"]} for c in listed]},
        "taskArn": t.arn,
        "taskDefinitionArn": t.task_definition.arn,
        "version": t.version,
        "updatedAt": stamp(t.updated_at or t.created_at),
    }
    if t.connectivity_at is not None:
        out["connectivity"] = "CONNECTED"
    if t.started_by:
        out["startedBy"] = t.started_by
    if t.stopped_reason is not None:
        out["stoppedReason"] = t.stopped_reason
    if t.stop_code is not None:
        out["stopCode"] = t.stop_code
    out.update(_optional_times(t, stamp))
    return out


def api_task(state: EcsState, t: Task) -> dict[str, Any]:
    out = task(state, t, as_datetime)
    out.pop("updatedAt")  # an event-only field; the Task API shape has none
    return out


def deployment(svc: Service, d: Deployment, running: int, pending: int) -> dict[str, Any]:
    return {
        "id": d.id,
        "status": d.status,
        "taskDefinition": d.task_definition.arn,
        "desiredCount": svc.desired_count if d.status == "PRIMARY" else 0,
        "pendingCount": pending,
        "runningCount": running,
        "failedTasks": d.failed_tasks,
        "createdAt": as_datetime(d.created_at),
        "updatedAt": as_datetime(d.updated_at),
        "launchType": "EC2",
        "rolloutState": d.rollout_state,
        "rolloutStateReason": d.rollout_state_reason,
    }
