"""The functions' decision lines (lifecycle/logs.py) as the picture's decision points."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ecs_cluster_manager.ops.logs import parse_line
from ecs_cluster_manager.picture.model import DecisionPoint


def decision_point(at: float, record: dict[str, Any]) -> DecisionPoint | None:
    """A decision about one instance; None for lines about none (sweep fan-out, warnings)."""
    instance = record.get("instance_id")
    if not isinstance(instance, str) or not instance:
        return None
    waited = record.get("waited_s")
    return DecisionPoint(
        at, instance, str(record.get("function") or ""), str(record.get("decision") or ""),
        str(record.get("reason") or ""), _texts(record.get("blocking")),
        float(waited) if isinstance(waited, int | float) else None, _texts(record.get("actions")))


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def from_messages(events: Iterable[tuple[float, str]]) -> list[DecisionPoint]:
    """(epoch seconds, log message) pairs to decision points, oldest first."""
    found = []
    for at, message in events:
        record = parse_line(message)
        point = decision_point(at, record) if record is not None else None
        if point is not None:
            found.append(point)
    return sorted(found, key=lambda d: d.at)

