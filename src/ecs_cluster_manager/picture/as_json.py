"""The picture as JSON-ready data (`--output json`): the dataclasses' fields, times as ISO 8601
UTC strings."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from ecs_cluster_manager.picture.model import Picture

TIME_KEYS = frozenset({"at", "start", "end"})


def iso(t: float) -> str:
    return datetime.fromtimestamp(t, tz=UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


def _convert(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _convert(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_convert(v) for v in value]
    if key in TIME_KEYS and isinstance(value, int | float):
        return iso(value)
    return value


def picture_as_json(picture: Picture) -> dict[str, Any]:
    converted: dict[str, Any] = _convert(asdict(picture))
    return converted
