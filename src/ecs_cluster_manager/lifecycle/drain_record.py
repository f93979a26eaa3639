"""Keep the drain gate's memory durably in the instance's own EC2 tags.

Tags survive crashed and concurrent invocations, need no extra infrastructure, are read by the
DescribeInstances call a wake-up makes anyway, and disappear with the instance. EC2 allows 50 tags
per resource and 256 characters per value (Amazon EC2 User Guide, "Tag your Amazon EC2
resources"), so the service list is split over up to MAX_CHUNKS tags; if it does not fit, or the
instance has too many tags of its own to take them all (`TagLimitExceeded`), the compact record
(start time and the overflow marker, two tags) says so and the gate falls back to checking every
service in the cluster.

Two more tags time the lifecycle action (`timing.py`): when the last heartbeat went out and when
the launch wait began. An empty value means "not set": the launch gate clears them when it
continues, so a warm-pool instance that comes back never inherits an earlier action's times.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .model import DrainRecord

PREFIX = "ecm:"
CONTAINER_INSTANCE_TAG = "ecm:container-instance"
DRAIN_STARTED_TAG = "ecm:drain-started"
SERVICES_TAG = "ecm:drain-services"
HEARTBEAT_TAG = "ecm:heartbeat"
LAUNCH_WAIT_TAG = "ecm:launch-wait-started"
# Set (to the time) on an instance whose launch we completed but whose SUCCESS signal failed:
# the launch sweep finds it and signals (owed_signals.py).
SIGNAL_OWED_TAG = "ecm:signal-owed"
OVERFLOW = "*"
VALUE_LIMIT = 256
MAX_CHUNKS = 20


def tags_by_key(tags: Iterable[Mapping[str, str]]) -> dict[str, str]:
    return {str(t.get("Key", "")): str(t.get("Value", "")) for t in tags}


def epoch_tag(tags: Mapping[str, str], key: str) -> float | None:
    """An epoch-seconds tag, or None when absent, cleared or unreadable."""
    try:
        return float(tags[key])
    except (KeyError, ValueError):
        return None


def epoch_value(at: float) -> str:
    return str(int(at))


def _chunks(names: list[str]) -> list[str] | None:
    chunks: list[str] = []
    current = ""
    for name in names:
        candidate = f"{current},{name}" if current else name
        if len(candidate) <= VALUE_LIMIT:
            current = candidate
            continue
        chunks.append(current)
        current = name
    if current:
        chunks.append(current)
    return chunks if len(chunks) <= MAX_CHUNKS else None


def _chunk_key(index: int) -> str:
    return SERVICES_TAG if index == 0 else f"{SERVICES_TAG}-{index}"


def record_to_tags(record: DrainRecord) -> list[dict[str, str]]:
    """The tags that describe `record`; an empty service set is stored as an empty value."""
    chunks = None if record.overflow else _chunks(sorted(record.services))
    values = [OVERFLOW] if chunks is None else (chunks or [""])
    tags = [{"Key": DRAIN_STARTED_TAG, "Value": epoch_value(record.started_at)}]
    tags += [{"Key": _chunk_key(i), "Value": v} for i, v in enumerate(values)]
    if record.container_instance_arn:
        tags.append({"Key": CONTAINER_INSTANCE_TAG, "Value": record.container_instance_arn})
    return tags


def compact_tags(record: DrainRecord) -> list[dict[str, str]]:
    """The smallest record: start time and the overflow marker (the gate checks every service)."""
    return [{"Key": DRAIN_STARTED_TAG, "Value": epoch_value(record.started_at)},
            {"Key": SERVICES_TAG, "Value": OVERFLOW}]


def record_from_tags(tags: Mapping[str, str]) -> DrainRecord | None:
    """The record, or None when no drain was started (or the tags are not ours/unreadable).

    The marker in the first chunk wins over any further chunk: a compact record written over a
    longer one leaves that one's later chunks behind.
    """
    started = epoch_tag(tags, DRAIN_STARTED_TAG)
    if started is None:
        return None
    values = [tags[_chunk_key(i)] for i in range(MAX_CHUNKS) if _chunk_key(i) in tags]
    overflow = bool(values) and values[0] == OVERFLOW
    services = frozenset() if overflow else frozenset(n for v in values for n in v.split(",") if n)
    return DrainRecord(
        started_at=started,
        services=services,
        container_instance_arn=tags.get(CONTAINER_INSTANCE_TAG, ""),
        overflow=overflow,
    )
