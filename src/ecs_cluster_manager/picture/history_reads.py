"""What AWS keeps of a rollout, read through boto3 (read-only calls, each paginated):

- Auto Scaling activities (DescribeScalingActivities; Amazon EC2 Auto Scaling API Reference,
  "DescribeScalingActivities": the past six weeks, newest first; `StatusCode` Successful, or
  Failed/Cancelled with a `StatusMessage`). Each launch or termination of one instance is an
  activity whose Description names it ("Launching a new EC2 instance: i-...", "Terminating EC2
  instance: i-...", as the User Guide's "Verify a scaling activity for an Auto Scaling group"
  shows them); a launch's activity ends when the instance is InService or abandoned, a
  termination's when the instance is terminated.
- The stack's events (DescribeStackEvents; newest first).
- The lifecycle hooks' heartbeat timeouts (DescribeLifecycleHooks).
Paging stops at the first page older than the window: a long history costs few calls.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ecs_cluster_manager.ops.session import Clients

_INSTANCE = re.compile(r"^(Launching a new EC2 instance|Terminating EC2 instance)"
                       r"(?: into warm pool| from warm pool)?: (i-[0-9a-zA-Z]+)")


@dataclass(frozen=True)
class InstanceActivity:
    instance_id: str
    kind: str  # "launch" | "terminate"
    start: float
    end: float | None
    status: str  # the activity's StatusCode
    message: str = ""  # StatusMessage (why it failed or was cancelled)
    cause: str = ""


@dataclass(frozen=True)
class StackEvent:
    at: float
    logical_id: str
    resource_type: str
    status: str
    reason: str


def epoch(value: Any) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


def stack_event(event: dict[str, Any]) -> StackEvent:
    """One StackEvent as DescribeStackEvents returns it."""
    return StackEvent(epoch(event["Timestamp"]), event["LogicalResourceId"],
                      event.get("ResourceType", ""), event["ResourceStatus"],
                      event.get("ResourceStatusReason", ""))


def instance_activity(activity: dict[str, Any]) -> InstanceActivity | None:
    """The activity as one instance's launch or termination; None for any other activity."""
    match = _INSTANCE.match(str(activity.get("Description", "")))
    if match is None:
        return None
    end = activity.get("EndTime")
    return InstanceActivity(
        match.group(2), "launch" if match.group(1).startswith("Launching") else "terminate",
        epoch(activity["StartTime"]), None if end is None else epoch(end),
        str(activity.get("StatusCode", "")), str(activity.get("StatusMessage", "")),
        str(activity.get("Cause", "")))


def _newest_first(pages: Iterable[dict[str, Any]], listed: str, time_key: str,
                  since: float) -> Iterator[dict[str, Any]]:
    """The items of pages listed newest first, up to the first page that reaches past `since`
    (what follows is older)."""
    for page in pages:
        items = page[listed]
        yield from items
        if items and epoch(items[-1][time_key]) < since:
            return


def activities(clients: Clients, group: str, since: float) -> list[InstanceActivity]:
    """The group's instance activities still running at or started after `since`."""
    pages = clients("autoscaling").get_paginator("describe_scaling_activities").paginate(
        AutoScalingGroupName=group)
    parsed = (instance_activity(raw) for raw in _newest_first(pages, "Activities", "StartTime",
                                                                since))
    found = [a for a in parsed if a is not None and (a.end is None or a.end >= since)]
    return sorted(found, key=lambda a: a.start)


def stack_events(clients: Clients, stack_id: str, since: float) -> list[StackEvent]:
    pages = clients("cloudformation").get_paginator("describe_stack_events").paginate(
        StackName=stack_id)
    found = [stack_event(e) for e in _newest_first(pages, "StackEvents", "Timestamp", since)]
    return sorted((e for e in found if e.at >= since), key=lambda e: e.at)


def operation_start(clients: Clients, stack_id: str, before: float) -> float | None:
    """When the stack's latest operation begun at or before `before` started (the stack's own
    CREATE/UPDATE/DELETE_IN_PROGRESS event), or None if it has none."""
    pages = clients("cloudformation").get_paginator("describe_stack_events").paginate(
        StackName=stack_id)
    for page in pages:
        for event in page["StackEvents"]:
            at = epoch(event["Timestamp"])
            if (at <= before and event.get("PhysicalResourceId") == stack_id
                    and event["ResourceStatus"] in OPERATION_STARTS):
                return at
    return None


# What starts an operation (a rollback is part of the operation that failed).
OPERATION_STARTS = frozenset({"CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS", "DELETE_IN_PROGRESS",
                              "IMPORT_IN_PROGRESS"})


def heartbeat_timeouts(clients: Clients, group: str) -> dict[str, float]:
    """"launch"/"terminate" -> the hook's HeartbeatTimeout in seconds."""
    hooks = clients("autoscaling").describe_lifecycle_hooks(AutoScalingGroupName=group)
    found: dict[str, float] = {}
    for hook in hooks.get("LifecycleHooks", []):
        kind = "launch" if hook["LifecycleTransition"].endswith("LAUNCHING") else "terminate"
        found[kind] = float(hook.get("HeartbeatTimeout", 3600))
    return found
