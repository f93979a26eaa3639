"""The two functions' decision lines, read from their CloudWatch Logs groups and merged in time
order.

Each wake-up of a function prints one JSON line (lifecycle/logs.py: function, instance_id,
decision, reason, blocking, ...); Lambda sends a function's stdout to its log group (Lambda
Developer Guide, "Working with Lambda function logs"). FilterLogEvents searches a group's
streams, with a JSON filter pattern to pick one instance (CloudWatch Logs User Guide, "Filter
pattern syntax": `{ $.instance_id = "i-..." }`). Other lines (START, END, REPORT) are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from ecs_cluster_manager.ops.session import Clients
from ecs_cluster_manager.ops.stack import StackRefs

RECENT_S = 3600.0


@dataclass(frozen=True)
class Decision:
    at: float  # epoch seconds (the log event's timestamp)
    log_group: str
    record: dict[str, Any]
    event_id: str = ""

    @property
    def instance_id(self) -> str:
        return str(self.record.get("instance_id") or "")

    @property
    def blocking(self) -> str:
        """What blocks, as one text ("" when nothing does or it only repeats the reason)."""
        value = self.record.get("blocking")
        text = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value or "")
        return "" if text == str(self.record.get("reason") or "") else text

    def summary(self) -> str:
        """"decision: reason (blocking ...)" in one short line."""
        text = f"{self.record.get('decision')}: {self.record.get('reason')}"
        return f"{text} (blocking: {self.blocking})" if self.blocking else text

    def same_as(self, other: Decision) -> bool:
        """The same decision about the same instance, for the same reason (a repeat)."""
        keys = ("function", "instance_id", "decision", "reason", "blocking")
        return all(self.record.get(k) == other.record.get(k) for k in keys)

    def as_dict(self) -> dict[str, Any]:
        return {"at": self.at, "log_group": self.log_group, "event_id": self.event_id, **self.record}


def follow(clients: Clients, refs: StackRefs, *, since: float, poll_s: float,
           instance: str | None = None, timeout_s: float | None = None) -> Iterator[Decision]:
    """New decision lines as they arrive, until `timeout_s` (forever without one)."""
    start = clients.now()
    seen: set[tuple[str, str]] = set()
    while True:
        for decision in decisions(clients, refs, since=since, instance=instance):
            key = (decision.log_group, decision.event_id or repr(decision.record))
            if key not in seen:
                seen.add(key)
                yield decision
        # Events can arrive late in CloudWatch Logs; look back one poll so none is missed.
        since = max(since, clients.now() - 2 * poll_s)
        if timeout_s is not None and clients.now() - start >= timeout_s:
            return
        clients.sleep(poll_s)


def parse_line(message: str) -> dict[str, Any] | None:
    """The decision record a log message carries (plain or in Lambda's JSON format), or None."""
    text = message.strip()
    if not text.startswith("{"):
        return None
    try:
        record = json.loads(text)
    except json.JSONDecodeError:
        return None
    if not isinstance(record, dict):
        return None
    # Lambda's JSON log format wraps what the function printed in "message".
    inner = record.get("message")
    if isinstance(inner, str) and "decision" not in record:
        return parse_line(inner)
    return record if "decision" in record else None


def _group_decisions(clients: Clients, group: str, start_ms: int, end_ms: int | None,
                     instance: str | None) -> Iterator[Decision]:
    arguments: dict[str, Any] = {"logGroupName": group, "startTime": start_ms}
    if end_ms is not None:
        arguments["endTime"] = end_ms
    if instance:
        arguments["filterPattern"] = f'{{ $.instance_id = "{instance}" }}'
    pages = clients("logs").get_paginator("filter_log_events").paginate(**arguments)
    for page in pages:
        for event in page["events"]:
            record = parse_line(event["message"])
            if record is not None:
                yield Decision(event["timestamp"] / 1000.0, group, record,
                               str(event.get("eventId", "")))


def decisions(clients: Clients, refs: StackRefs, *, since: float,
              until: float | None = None, instance: str | None = None) -> list[Decision]:
    """Decision lines of both functions from `since` (epoch s), oldest first."""
    start_ms = int(since * 1000)
    end_ms = None if until is None else int(until * 1000)
    found = [d for group in refs.log_groups
             for d in _group_decisions(clients, group, start_ms, end_ms, instance)]
    return sorted(found, key=lambda d: (d.at, d.log_group))


def last_decisions(clients: Clients, refs: StackRefs) -> dict[str, str]:
    """Instance id -> the last decision about it in the past hour. Best effort: a status must
    still show when the logs cannot be read (no log group yet, no logs permission)."""
    try:
        found = decisions(clients, refs, since=clients.now() - RECENT_S)
    except ClientError:
        return {}
    return {d.instance_id: d.summary() for d in found if d.instance_id}
