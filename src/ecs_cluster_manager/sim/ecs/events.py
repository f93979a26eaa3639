"""ECS events to EventBridge, in the shapes of the documented samples.

Shapes: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_container_instance_events.html
(whose sample predates `registeredAt`, `runningTasksCount`, `pendingTasksCount`, `attachments`
and `statusReason`; the event's schema, as the EventBridge schema registry publishes it for
aws.ecs@ECSContainerInstanceStateChange and the CDK renders at
https://docs.aws.amazon.com/cdk/api/v2/python/aws_cdk.mixins_preview.aws_ecs.events/ECSContainerInstanceStateChange.html,
has them, and the detail is "similar to the ContainerInstance object" of
DescribeContainerInstances, so the simulator sends them),
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_container_instance_health_events.html
(ECS Container Instance Health Change, sent "when the overall status transitions"; a
registration is not a transition, so none is sent for the first status),
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html and
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_events.html
(the samples are in aws-sample-events/ecs_*.json). ECS events are durable
(https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ecs.html), so nothing here ever
drops one. `detail.version` is the resource's version, incremented on every state change;
Service Action events carry no version.
"""

from __future__ import annotations

from typing import Any

from . import serialize
from .model import ContainerInstance, Deployment, Service, Task
from .state import EcsState

CAPABILITIES = (
    "com.amazonaws.ecs.capability.logging-driver.awslogs",
    "com.amazonaws.ecs.capability.logging-driver.json-file",
    "com.amazonaws.ecs.capability.docker-remote-api.1.44",
    "com.amazonaws.ecs.capability.task-iam-role",
    "com.amazonaws.ecs.capability.ecr-auth",
)


def _envelope(state: EcsState, detail_type: str, resource: str, detail: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": "0",
        "id": state.new_uuid(),
        "detail-type": detail_type,
        "source": "aws.ecs",
        "account": state.account_id,
        "time": state.now_dt().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": state.region,
        "resources": [resource],
        "detail": detail,
    }


def container_instance_changed(state: EcsState, ci: ContainerInstance) -> None:
    """Bump the container instance's version and emit its state change."""
    ci.version += 1
    ci.updated_at = state.now()
    detail: dict[str, Any] = {
        "agentConnected": ci.agent_connected,
        "attachments": [],
        "attributes": [{"name": name} for name in CAPABILITIES] + [dict(a) for a in ci.attributes],
        "clusterArn": state.arn(f"cluster/{ci.cluster}"),
        "containerInstanceArn": ci.arn,
        "ec2InstanceId": ci.ec2_instance_id,
        "pendingTasksCount": ci.pending_tasks,
        "registeredAt": serialize.as_iso_millis(ci.registered_at),
        "registeredResources": serialize.registered_resources(ci),
        "remainingResources": serialize.remaining_resources(ci),
        "runningTasksCount": ci.running_tasks,
        "status": ci.status,
        "version": ci.version,
        "versionInfo": dict(serialize.AGENT_VERSION_INFO),
        "updatedAt": serialize.as_iso_millis(ci.updated_at),
    }
    if ci.status_reason:
        detail["statusReason"] = ci.status_reason
    state.emit_event(_envelope(state, "ECS Container Instance State Change", ci.arn, detail))
    health_changed(state, ci)


def health_changed(state: EcsState, ci: ContainerInstance) -> None:
    """Emit ECS Container Instance Health Change if the overall status moved since the last
    report (the first status, at registration, is recorded without an event)."""
    if ci.status == "INACTIVE":  # deregistered: ECS no longer checks it
        return
    overall = ci.overall_health
    previous, ci.reported_health = ci.reported_health, overall
    if previous is None or previous == overall:
        return
    now = state.now_dt().strftime("%Y-%m-%dT%H:%M:%SZ")
    checks = [
        {"type": check.type, "status": check.status, "lastStatusChange": _second(check.changed_at),
         "lastUpdated": now, "statusReason": check.reason}
        for check in ci.health_checks()
    ]
    detail = {
        "clusterArn": state.arn(f"cluster/{ci.cluster}"),
        "containerInstanceArn": ci.arn,
        "capacityProviderName": None,
        "ec2InstanceId": ci.ec2_instance_id,
        "overallStatus": overall,
        "healthChecks": checks,
    }
    state.emit_event(_envelope(state, "ECS Container Instance Health Change", ci.arn, detail))


def _second(t: float) -> str:
    return serialize.as_datetime(t).strftime("%Y-%m-%dT%H:%M:%SZ")


def task_changed(state: EcsState, task: Task) -> None:
    """Bump the task's version and emit its state change."""
    task.version += 1
    task.updated_at = state.now()
    detail = serialize.task(state, task, serialize.as_iso_millis)
    detail.pop("attachments")  # bridge-mode EC2 tasks have none (see the 2020 EC2 sample)
    state.emit_event(_envelope(state, "ECS Task State Change", task.arn, detail))


def service_action(
    state: EcsState, svc: Service, event_type: str, event_name: str, **extra: Any
) -> None:
    detail: dict[str, Any] = {
        "eventType": event_type,
        "eventName": event_name,
        "clusterArn": state.arn(f"cluster/{svc.cluster}"),
    }
    detail.update(extra)
    detail["createdAt"] = serialize.as_iso_millis(state.now())
    state.emit_event(_envelope(state, "ECS Service Action", svc.arn, detail))


def deployment_changed(state: EcsState, svc: Service, deployment: Deployment, event_name: str) -> None:
    """ECS Deployment State Change (SERVICE_DEPLOYMENT_IN_PROGRESS / _COMPLETED),
    https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_deployment_events.html."""
    detail = {
        "eventType": "INFO",
        "eventName": event_name,
        "deploymentId": deployment.id,
        "updatedAt": state.now_dt().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "reason": deployment.rollout_state_reason,
    }
    state.emit_event(_envelope(state, "ECS Deployment State Change", svc.arn, detail))
