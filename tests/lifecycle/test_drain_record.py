"""The drain record survives a round trip through EC2 tags, within EC2's tag limits."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from ecs_cluster_manager.lifecycle.drain_record import (
    DRAIN_STARTED_TAG,
    MAX_CHUNKS,
    OVERFLOW,
    SERVICES_TAG,
    VALUE_LIMIT,
    compact_tags,
    record_from_tags,
    record_to_tags,
    tags_by_key,
)
from ecs_cluster_manager.lifecycle.model import DrainRecord

ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789-_"
# ECS service names are up to 255 characters; mix short and long ones so that lists over one tag
# value (256 characters) and over all MAX_CHUNKS tags are both common, not rare.
# Built from a short stem and a length, so a long name costs hypothesis two draws, not 255.
names = st.builds(lambda stem, length: (stem * 255)[:length], st.text(ALPHABET, min_size=1, max_size=6),
                  st.one_of(st.integers(1, 40), st.integers(200, 255)))
DOZEN = frozenset(f"service-number-{n:02d}-of-a-dozen" for n in range(12))  # 347 characters: 2 chunks
TOO_MANY = frozenset(f"{n:03d}" + "s" * 252 for n in range(21))  # 21 x 255 characters: overflow


@given(st.frozensets(names, max_size=40), st.integers(0, 2**31))
@example(DOZEN, 0)
@example(TOO_MANY, 1)
@example(frozenset({"a" * 255}), 2)
def test_round_trip_or_overflow(services: frozenset[str], started: int) -> None:
    record = DrainRecord(float(started), services, "arn:aws:ecs:us-east-1:1:container-instance/c/x")
    tags = record_to_tags(record)
    assert len(tags) <= MAX_CHUNKS + 2
    assert all(len(t["Value"]) <= VALUE_LIMIT and t["Key"].startswith("ecm:") for t in tags)
    back = record_from_tags(tags_by_key(tags))
    assert back is not None
    if back.overflow:
        # Names are packed in order, a chunk closing when the next name does not fit: any two
        # neighbouring chunks hold more than one tag value, so only a long list overflows.
        assert sum(len(s) + 1 for s in services) > VALUE_LIMIT * (MAX_CHUNKS // 2)
    else:
        assert back == record


def test_no_tags_means_no_drain_started() -> None:
    assert record_from_tags({}) is None
    assert record_from_tags({"ecm:drain-started": "garbage"}) is None


def test_empty_service_set_round_trips() -> None:
    record = DrainRecord(5.0, frozenset())
    assert record_from_tags(tags_by_key(record_to_tags(record))) == record


def test_a_dozen_services_are_split_over_tags_and_all_come_back() -> None:
    tags = record_to_tags(DrainRecord(5.0, DOZEN))
    chunks = [t for t in tags if t["Key"].startswith(SERVICES_TAG)]
    assert len(chunks) == 2 and all(len(t["Value"]) <= VALUE_LIMIT for t in chunks)
    back = record_from_tags(tags_by_key(tags))
    assert back is not None and back.services == DOZEN and not back.overflow


def test_overflow_marker_reads_back_as_overflow_never_as_no_services() -> None:
    back = record_from_tags(tags_by_key(record_to_tags(DrainRecord(5.0, TOO_MANY))))
    assert back is not None and back.overflow and back.services == frozenset()


def test_compact_record_written_over_a_longer_one_wins() -> None:
    """A compact record (tag limit) leaves the longer record's later chunks behind."""
    tags = tags_by_key(record_to_tags(DrainRecord(5.0, DOZEN)))
    tags.update(tags_by_key(compact_tags(DrainRecord(7.0, DOZEN))))
    back = record_from_tags(tags)
    assert back is not None and back.overflow and back.started_at == 7.0
    assert tags[SERVICES_TAG] == OVERFLOW


def test_cleared_start_tag_means_no_record() -> None:
    assert record_from_tags({DRAIN_STARTED_TAG: "", SERVICES_TAG: "web"}) is None
