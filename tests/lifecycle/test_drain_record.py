"""The drain record survives a round trip through EC2 tags, within EC2's tag limits."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ecs_cluster_manager.lifecycle.drain_record import (
    MAX_CHUNKS,
    VALUE_LIMIT,
    record_from_tags,
    record_to_tags,
    tags_by_key,
)
from ecs_cluster_manager.lifecycle.model import DrainRecord

names = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=255)


@given(st.frozensets(names, max_size=30), st.integers(0, 2**31))
def test_round_trip_or_overflow(services: frozenset[str], started: int) -> None:
    record = DrainRecord(float(started), services, "arn:aws:ecs:us-east-1:1:container-instance/c/x")
    tags = record_to_tags(record)
    assert len(tags) <= MAX_CHUNKS + 2
    assert all(len(t["Value"]) <= VALUE_LIMIT and t["Key"].startswith("ecm:") for t in tags)
    back = record_from_tags(tags_by_key(tags))
    assert back is not None
    if back.overflow:
        assert sum(len(s) + 1 for s in services) > VALUE_LIMIT * (MAX_CHUNKS - 1)
    else:
        assert back == record


def test_no_tags_means_no_drain_started() -> None:
    assert record_from_tags({}) is None
    assert record_from_tags({"ecm:drain-started": "garbage"}) is None


def test_empty_service_set_round_trips() -> None:
    record = DrainRecord(5.0, frozenset())
    assert record_from_tags(tags_by_key(record_to_tags(record))) == record
