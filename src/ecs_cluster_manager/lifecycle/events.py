"""Parse every payload shape the functions accept into one internal `Trigger`.

Accepted shapes: the EventBridge lifecycle action event, the same fields in an SNS or SQS
notification or a direct invocation, the ECS "Container Instance State Change" event, and the
scheduled sweep ("Scheduled Event"). Anything else, including Auto Scaling's
`autoscaling:TEST_NOTIFICATION`, becomes `Ignored` with a reason, never an error.
Shapes: Amazon EC2 Auto Scaling User Guide, "Amazon EC2 Auto Scaling event reference" and
"Prepare to add a lifecycle hook" (notification messages); Amazon ECS Developer Guide,
"Amazon ECS container instance state change events"; EventBridge User Guide, "Scheduled events".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

LAUNCHING = "autoscaling:EC2_INSTANCE_LAUNCHING"
TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING"
_LIFECYCLE_DETAIL_TYPES = {
    "EC2 Instance-launch Lifecycle Action": LAUNCHING,
    "EC2 Instance-terminate Lifecycle Action": TERMINATING,
}


@dataclass(frozen=True)
class LifecycleTrigger:
    """An Auto Scaling lifecycle action for one instance (event, notification or direct call)."""

    asg_name: str
    hook_name: str
    instance_id: str
    transition: str
    token: str | None
    event_time: float | None
    origin: str | None = None
    destination: str | None = None


@dataclass(frozen=True)
class InstanceTrigger:
    """An ECS container instance changed; the instance may be waiting on one of our hooks."""

    cluster_arn: str
    instance_id: str
    status: str = ""
    agent_connected: bool = False
    tasks: int | None = None  # runningTasksCount + pendingTasksCount, when the event carries them


@dataclass(frozen=True)
class SweepTrigger:
    """The scheduled sweep: find every instance of the group waiting on our hook."""


@dataclass(frozen=True)
class Ignored:
    reason: str


Trigger = LifecycleTrigger | InstanceTrigger | SweepTrigger | Ignored


def parse_time(value: object) -> float | None:
    """ISO 8601 timestamp (with Z) to epoch seconds; None for placeholders or garbage."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _lifecycle(fields: dict[str, Any], transition: str, time_value: object) -> Trigger:
    missing = [k for k in ("AutoScalingGroupName", "LifecycleHookName", "EC2InstanceId") if not fields.get(k)]
    if missing:
        return Ignored(f"lifecycle action without {', '.join(missing)}")
    return LifecycleTrigger(
        asg_name=str(fields["AutoScalingGroupName"]),
        hook_name=str(fields["LifecycleHookName"]),
        instance_id=str(fields["EC2InstanceId"]),
        transition=transition,
        token=fields.get("LifecycleActionToken") or None,
        event_time=parse_time(time_value),
        origin=fields.get("Origin"),
        destination=fields.get("Destination"),
    )


def _from_notification(message: dict[str, Any]) -> Trigger:
    if message.get("Event") == "autoscaling:TEST_NOTIFICATION":
        return Ignored("auto scaling test notification")
    transition = message.get("LifecycleTransition")
    if transition not in (LAUNCHING, TERMINATING):
        return Ignored(f"unknown lifecycle transition {transition!r}")
    return _lifecycle(message, str(transition), message.get("Time"))


def _unwrap_record(record: dict[str, Any]) -> dict[str, Any] | None:
    body = record.get("Sns", {}).get("Message") if "Sns" in record else record.get("body")
    if not isinstance(body, str):
        return None
    try:
        message = json.loads(body)
    except json.JSONDecodeError:
        return None
    if isinstance(message, dict) and "Message" in message and "Type" in message:
        return _unwrap_record({"body": message["Message"]})  # SNS fan-out to SQS
    return message if isinstance(message, dict) else None


def parse_event(event: object) -> list[Trigger]:
    """Turn one Lambda payload into triggers (an SQS batch may carry several)."""
    if not isinstance(event, dict):
        return [Ignored(f"payload is a {type(event).__name__}, not an object")]
    if isinstance(event.get("Records"), list):
        triggers: list[Trigger] = []
        for record in event["Records"]:
            message = _unwrap_record(record) if isinstance(record, dict) else None
            triggers.append(_from_notification(message) if message else Ignored("unreadable record"))
        return triggers
    detail_type = event.get("detail-type")
    detail = event.get("detail")
    if detail_type in _LIFECYCLE_DETAIL_TYPES and isinstance(detail, dict):
        return [_lifecycle(detail, _LIFECYCLE_DETAIL_TYPES[detail_type], event.get("time"))]
    if detail_type == "ECS Container Instance State Change" and isinstance(detail, dict):
        if detail.get("ec2InstanceId") and detail.get("clusterArn"):
            keys = ("runningTasksCount", "pendingTasksCount")
            counts = [int(c) for k in keys if (c := detail.get(k)) is not None]
            tasks = sum(counts) if counts else None
            return [InstanceTrigger(str(detail["clusterArn"]), str(detail["ec2InstanceId"]),
                                    str(detail.get("status", "")), bool(detail.get("agentConnected")),
                                    tasks)]
        return [Ignored("container instance event without ec2InstanceId or clusterArn")]
    if detail_type == "Scheduled Event":
        return [SweepTrigger()]
    if "LifecycleTransition" in event or "Event" in event:
        return [_from_notification(event)]  # direct invocation with notification fields
    return [Ignored(f"unrecognised event (detail-type {detail_type!r})")]
