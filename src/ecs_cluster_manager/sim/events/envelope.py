"""The EventBridge event envelope every AWS service event arrives in.

Fields and formats follow "Amazon EventBridge events"
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html): version "0",
a unique id, detail-type, source, account, time (ISO 8601, second precision, "Z"), region,
resources and detail.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

Event = dict[str, Any]
Publish = Callable[[str, str, dict[str, Any], list[str]], None]


def iso_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def envelope(
    *,
    event_id: str,
    source: str,
    detail_type: str,
    detail: dict[str, Any],
    resources: list[str],
    account: str,
    region: str,
    time: float,
) -> Event:
    return {
        "version": "0",
        "id": event_id,
        "detail-type": detail_type,
        "source": source,
        "account": account,
        "time": iso_time(time),
        "region": region,
        "resources": resources,
        "detail": detail,
    }
