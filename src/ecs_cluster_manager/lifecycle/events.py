"""Parse every payload shape the functions accept into one internal `Trigger`; never raise.

Accepted shapes: the EventBridge lifecycle action event, the same fields in an SNS or SQS
notification or a direct invocation, the ECS "Container Instance State Change" and "Container
Instance Health Change" events, the scheduled sweep ("Scheduled Event") and the sweep's own
fan-out payload. Anything else, including Auto Scaling's `autoscaling:TEST_NOTIFICATION`, becomes
`Ignored` with a short reason. A payload is untrusted input: any JSON value of any shape (a list
where a string belongs, a non-object `Sns`, text where a count belongs, bodies nested without
end) is ignored, never raised on, and the good records of an SQS or SNS batch are still handled.
Shapes: Amazon EC2 Auto Scaling User Guide, "Amazon EC2 Auto Scaling event reference", "Warm pool
events" and "Prepare to add a lifecycle hook" (notification messages); Amazon ECS Developer Guide,
"Amazon ECS container instance state change events" and "Amazon ECS container instance health
change events"; EventBridge User Guide, "Scheduled events".
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

LAUNCHING = "autoscaling:EC2_INSTANCE_LAUNCHING"
TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING"
_LIFECYCLE_DETAIL_TYPES = {
    "EC2 Instance-launch Lifecycle Action": LAUNCHING,
    "EC2 Instance-terminate Lifecycle Action": TERMINATING,
}
STATE_CHANGE = "ECS Container Instance State Change"
HEALTH_CHANGE = "ECS Container Instance Health Change"
# The sweep's fan-out payload (runtime.py): a slice of the waiting instances for one invocation.
SWEEP_SLICE_KEY = "ecm-sweep-slice"
# Ids of the slice the sweep saw in Warmed:Pending:Wait: a link checks these with Auto Scaling
# before acting, as their decision (continue with no ECS check) rests on that state alone.
SWEEP_WARM_KEY = "ecm-sweep-warm"
# The launch sweep's chain of instances in service that are still owed a signal (owed_signals.py).
SWEEP_FINISH_KEY = "ecm-sweep-finish"

# EC2 instance ids are "i-" and 8 or 17 hex digits; accept any lowercase "i-" id within the
# Auto Scaling API's 19-character InstanceId limit, so an oversized value never reaches a call.
_INSTANCE_ID = re.compile(r"i-[0-9a-z]{1,17}")
# SNS fan-out to SQS wraps once; anything deeper is not a shape AWS sends.
_MAX_WRAPPERS = 3
# SQS and SNS messages are at most 256 KiB; a longer body is not a notification.
_MAX_BODY_CHARS = 262_144
_MAX_SLICE = 1000
# An ECS container instance ARN: arn:<partition>:ecs:<region>:<account>:container-instance/...
_CONTAINER_INSTANCE_ARN = re.compile(
    r"arn:[a-z-]{1,20}:ecs:[a-z0-9-]{1,30}:\d{12}:container-instance/[\w/-]{1,200}")
_SHOWN_CHARS = 80


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
    """An ECS container instance changed; the instance may be waiting on one of our hooks.

    `health` is set (and `status` empty) for a health change event, which carries no status.
    """

    cluster_arn: str
    instance_id: str
    status: str = ""
    agent_connected: bool = False
    tasks: int | None = None  # runningTasksCount + pendingTasksCount, when the event carries them
    registered_at: float | None = None
    health: str | None = None
    container_instance_arn: str = ""  # a hint only: observe checks it names this EC2 instance
    resources_free: bool | None = None  # remaining CPU and memory equal to registered; None: unknown


@dataclass(frozen=True)
class SweepTrigger:
    """The scheduled sweep, or one slice of it: `instances` empty means "find them yourself"."""

    instances: tuple[str, ...] = ()
    warm: frozenset[str] = frozenset()  # of `instances`, those the sweep saw bound for a warm pool
    finish: bool = False  # instances in service still owed a signal, not waiting ones


@dataclass(frozen=True)
class Ignored:
    reason: str


Trigger = LifecycleTrigger | InstanceTrigger | SweepTrigger | Ignored


def shown(value: object) -> str:
    """An untrusted value as a short, log-safe text (JSON for strings, the type otherwise)."""
    if isinstance(value, str):
        text = json.dumps(value[:_SHOWN_CHARS])
        return text if len(value) <= _SHOWN_CHARS else f"{text[:-1]}...\" ({len(value)} chars)"
    return "null" if value is None else f"a {type(value).__name__}"


def parse_time(value: object) -> float | None:
    """ISO 8601 timestamp (with Z) to epoch seconds; None for placeholders or garbage."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except (ValueError, OverflowError, OSError):
        return None


def is_instance_id(value: object) -> bool:
    return isinstance(value, str) and _INSTANCE_ID.fullmatch(value) is not None


def _text(fields: dict[str, Any], key: str) -> str | None:
    value = fields.get(key)
    return value if isinstance(value, str) and value else None


def _count(value: object) -> int | None:
    """A task count from an event: a non-negative whole number, or None (bool is not a count)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if value >= 0 and float(value).is_integer() else None


def _lifecycle(fields: dict[str, Any], transition: str, time_value: object) -> Trigger:
    names = ("AutoScalingGroupName", "LifecycleHookName", "EC2InstanceId")
    missing = [k for k in names if _text(fields, k) is None]
    if missing:
        return Ignored(f"lifecycle action without {', '.join(missing)}")
    instance_id = fields["EC2InstanceId"]
    if not is_instance_id(instance_id):
        return Ignored(f"lifecycle action for {shown(instance_id)}, not an EC2 instance id")
    return LifecycleTrigger(
        asg_name=fields["AutoScalingGroupName"],
        hook_name=fields["LifecycleHookName"],
        instance_id=instance_id,
        transition=transition,
        token=_text(fields, "LifecycleActionToken"),
        event_time=parse_time(time_value),
        origin=_text(fields, "Origin"),
        destination=_text(fields, "Destination"),
    )


def _from_notification(message: dict[str, Any]) -> Trigger:
    if message.get("Event") == "autoscaling:TEST_NOTIFICATION":
        return Ignored("auto scaling test notification")
    transition = message.get("LifecycleTransition")
    if transition not in (LAUNCHING, TERMINATING):
        return Ignored(f"unknown lifecycle transition {shown(transition)}")
    return _lifecycle(message, str(transition), message.get("Time"))


def _unwrap_record(record: object, depth: int = 0) -> dict[str, Any] | str:
    """The notification inside one SQS or SNS record, or why there is none."""
    if not isinstance(record, dict):
        return f"record is {shown(record)}, not an object"
    sns = record.get("Sns")
    if "Sns" in record and not isinstance(sns, dict):
        return f"Sns is {shown(sns)}, not an object"
    body = sns.get("Message") if isinstance(sns, dict) else record.get("body")
    if not isinstance(body, str):
        return f"record body is {shown(body)}, not a string"
    if len(body) > _MAX_BODY_CHARS:
        return f"record body of {len(body)} chars is longer than any notification"
    try:
        message = json.loads(body)
    except (ValueError, RecursionError):
        return "record body is not JSON"
    if isinstance(message, dict) and "Message" in message and "Type" in message:
        if depth + 1 >= _MAX_WRAPPERS:
            return f"record wrapped more than {_MAX_WRAPPERS} times"
        return _unwrap_record({"body": message["Message"]}, depth + 1)  # SNS fan-out to SQS
    return message if isinstance(message, dict) else f"record message is {shown(message)}, not an object"


def _from_record(record: object) -> Trigger:
    message = _unwrap_record(record)
    return Ignored(message) if isinstance(message, str) else _from_notification(message)


def _from_container_instance(detail_type: str, detail: dict[str, Any]) -> Trigger:
    cluster, instance_id = _text(detail, "clusterArn"), detail.get("ec2InstanceId")
    if cluster is None or not is_instance_id(instance_id):
        return Ignored("container instance event without a clusterArn or an EC2 instance id")
    assert isinstance(instance_id, str)
    arn = _text(detail, "containerInstanceArn") or ""
    arn = arn if _CONTAINER_INSTANCE_ARN.fullmatch(arn) else ""
    if detail_type == HEALTH_CHANGE:
        return InstanceTrigger(cluster, instance_id, health=_text(detail, "overallStatus") or "",
                               container_instance_arn=arn)
    return InstanceTrigger(
        cluster_arn=cluster,
        instance_id=instance_id,
        status=_text(detail, "status") or "",
        agent_connected=detail.get("agentConnected") is True,
        tasks=_task_total(detail),
        registered_at=parse_time(detail.get("registeredAt")),
        container_instance_arn=arn,
        resources_free=resources_free(detail),
    )


def _task_total(detail: dict[str, Any]) -> int | None:
    """runningTasksCount + pendingTasksCount; unknown (never zero) if one is absent or unreadable."""
    counts = [_count(detail.get(key)) for key in ("runningTasksCount", "pendingTasksCount")]
    return None if None in counts else sum(c for c in counts if c is not None)


def _cpu_and_memory(resources: object) -> tuple[int, int] | None:
    if not isinstance(resources, list):
        return None
    found: dict[str, int] = {}
    for item in resources:
        if isinstance(item, dict) and item.get("name") in ("CPU", "MEMORY"):
            value = _count(item.get("integerValue"))
            if value is not None:
                found[str(item["name"])] = value
    return (found["CPU"], found["MEMORY"]) if len(found) == 2 else None


def resources_free(detail: Mapping[str, Any]) -> bool | None:
    """Whether no task holds CPU or memory on the instance any more; None when unreadable.

    ECS releases a task's resources only when it has stopped (Amazon ECS Developer Guide, "Amazon
    ECS container instance state change events"), so while the counts are already zero (a task
    told to stop no longer counts as running) this says whether a task is still stopping.
    """
    registered = _cpu_and_memory(detail.get("registeredResources"))
    remaining = _cpu_and_memory(detail.get("remainingResources"))
    return None if registered is None or remaining is None else registered == remaining


def _from_slice(value: object, warm: object = None) -> Trigger:
    if not isinstance(value, list) or not 0 < len(value) <= _MAX_SLICE:
        return Ignored(f"sweep slice is {shown(value)}, not a list of 1..{_MAX_SLICE} instance ids")
    if not all(is_instance_id(item) for item in value):
        return Ignored("sweep slice holds something that is not an EC2 instance id")
    hinted = warm if isinstance(warm, list) else []
    return SweepTrigger(tuple(dict.fromkeys(value)), frozenset(i for i in hinted if i in value))


def _from_object(event: dict[str, Any]) -> list[Trigger]:
    if "Records" in event:
        records = event["Records"]
        if not isinstance(records, list) or not records:
            return [Ignored(f"Records is {shown(records)}, not a list of records")]
        return [_guarded(_from_record, record) for record in records]
    if SWEEP_SLICE_KEY in event:
        return [_from_slice(event[SWEEP_SLICE_KEY], event.get(SWEEP_WARM_KEY))]
    if SWEEP_FINISH_KEY in event:
        found = _from_slice(event[SWEEP_FINISH_KEY])
        return [replace(found, finish=True) if isinstance(found, SweepTrigger) else found]
    detail_type, detail = event.get("detail-type"), event.get("detail")
    if not isinstance(detail_type, str):
        if "LifecycleTransition" in event or "Event" in event:
            return [_from_notification(event)]  # direct invocation with notification fields
        return [Ignored(f"unrecognised event (detail-type {shown(detail_type)})")]
    if detail_type == "Scheduled Event":
        return [SweepTrigger()]
    if not isinstance(detail, dict):
        return [Ignored(f"{shown(detail_type)} event whose detail is {shown(detail)}, not an object")]
    if detail_type in _LIFECYCLE_DETAIL_TYPES:
        return [_lifecycle(detail, _LIFECYCLE_DETAIL_TYPES[detail_type], event.get("time"))]
    if detail_type in (STATE_CHANGE, HEALTH_CHANGE):
        return [_from_container_instance(detail_type, detail)]
    return [Ignored(f"unrecognised event (detail-type {shown(detail_type)})")]


def _guarded(parse: Callable[[Any], Trigger], value: object) -> Trigger:
    """The last guard: untrusted input never crashes a wake-up, and one bad record spoils no other."""
    try:
        return parse(value)
    except Exception as error:
        return Ignored(f"unreadable payload ({type(error).__name__})")


def parse_event(event: object) -> list[Trigger]:
    """Turn one Lambda payload into triggers (an SQS batch may carry several); never raises."""
    if not isinstance(event, dict):
        return [Ignored(f"payload is {shown(event)}, not an object")]
    try:
        return _from_object(event)
    except Exception as error:
        return [Ignored(f"unreadable payload ({type(error).__name__})")]
