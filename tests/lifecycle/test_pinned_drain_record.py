"""Pinning tests for the drain record's tags, with EC2's limits written out, not read from the module.

EC2 allows 50 tags per resource and 256 characters per tag value (Amazon EC2 User Guide, "Tag your
Amazon EC2 resources"): a limit constant changed in drain_record.py must fail here, which the
round-trip property (it reads VALUE_LIMIT and MAX_CHUNKS from the module) cannot do.
"""

from __future__ import annotations

from ecs_cluster_manager.lifecycle.drain_record import (
    compact_tags,
    epoch_tag,
    record_from_tags,
    record_to_tags,
    tags_by_key,
)
from ecs_cluster_manager.lifecycle.ec2_reads import describe_instance
from ecs_cluster_manager.lifecycle.model import DrainRecord

from .fakes import FakeWorld

EC2_VALUE_LIMIT = 256
ARN = "arn:aws:ecs:us-east-1:1:container-instance/c/x"


def _service_chunks(record: DrainRecord) -> list[str]:
    return [t["Value"] for t in record_to_tags(record) if t["Key"].startswith("ecm:drain-services")]


def test_a_chunk_is_filled_to_exactly_256_characters_and_no_further() -> None:
    exact = frozenset({"a" * 128, "b" * 127})  # "aaa…,bbb…" is 256 characters
    assert _service_chunks(DrainRecord(1.0, exact)) == [f"{'a' * 128},{'b' * 127}"]
    over = frozenset({"a" * 128, "b" * 128})
    assert _service_chunks(DrainRecord(1.0, over)) == ["a" * 128, "b" * 128]


def test_twenty_chunks_fit_and_the_twenty_first_overflows() -> None:
    """At most 20 service tags plus the start and the ARN: 22 of EC2's 50, leaving the instance's own."""
    twenty = frozenset(f"{n:02d}" + "s" * 253 for n in range(20))  # 255 characters: one per tag
    tags = record_to_tags(DrainRecord(7.0, twenty, ARN))
    assert len(tags) == 22 and all(len(t["Value"]) <= EC2_VALUE_LIMIT for t in tags)
    assert record_from_tags(tags_by_key(tags)) == DrainRecord(7.0, twenty, ARN)
    one_more = twenty | {"20" + "s" * 253}
    back = record_from_tags(tags_by_key(record_to_tags(DrainRecord(7.0, one_more, ARN))))
    assert back is not None and back.overflow and back.services == frozenset()


def test_the_tags_are_named_and_written_as_documented() -> None:
    """Operators read these tags (docs/operations.md); their names and format are an interface."""
    tags = record_to_tags(DrainRecord(1_700_000_000.9, frozenset({"web", "api"}), ARN))
    assert tags == [{"Key": "ecm:drain-started", "Value": "1700000000"},
                    {"Key": "ecm:drain-services", "Value": "api,web"},
                    {"Key": "ecm:container-instance", "Value": ARN}]
    assert record_to_tags(DrainRecord(5.0, frozenset())) == [
        {"Key": "ecm:drain-started", "Value": "5"}, {"Key": "ecm:drain-services", "Value": ""}]
    assert compact_tags(DrainRecord(5.0, frozenset({"web"}))) == [
        {"Key": "ecm:drain-started", "Value": "5"}, {"Key": "ecm:drain-services", "Value": "*"}]


def test_later_chunks_are_named_by_their_index() -> None:
    names = frozenset(f"{n:02d}" + "s" * 253 for n in range(3))
    keys = [t["Key"] for t in record_to_tags(DrainRecord(1.0, names))]
    assert keys == ["ecm:drain-started", "ecm:drain-services", "ecm:drain-services-1", "ecm:drain-services-2"]


def test_tags_read_back_whatever_their_shape() -> None:
    assert tags_by_key([{"Key": "k", "Value": "v"}, {"Key": "only-key"}]) == {"k": "v", "only-key": ""}
    assert epoch_tag({"t": "12.5"}, "t") == 12.5
    assert epoch_tag({"t": ""}, "t") is None and epoch_tag({}, "t") is None


def test_a_record_without_a_container_instance_tag_reads_back_without_an_arn() -> None:
    back = record_from_tags({"ecm:drain-started": "5", "ecm:drain-services": "web"})
    assert back == DrainRecord(5.0, frozenset({"web"}), "", False)


def test_a_wake_up_keeps_only_our_own_tags_of_the_instance(world: FakeWorld) -> None:
    """An instance can carry 50 tags of its owner's; only the `ecm:` ones are ours to read."""
    world.add_instance("i-1")
    world.instances["i-1"]["tags"].update({"Name": "web-1", "team": "ecm", "ecm:heartbeat": "5"})
    assert describe_instance(world.clients().ec2, "i-1").tags == {"ecm:heartbeat": "5"}


def test_an_overflow_record_is_written_as_the_marker_never_as_an_empty_list() -> None:
    """An empty list would read back as "no services": an early release on a busy instance."""
    tags = record_to_tags(DrainRecord(5.0, frozenset(), ARN, overflow=True))
    assert {"Key": "ecm:drain-services", "Value": "*"} in tags
    back = record_from_tags(tags_by_key(tags))
    assert back is not None and back.overflow
