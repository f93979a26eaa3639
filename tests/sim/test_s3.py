"""Simulated S3 through a real boto3 client: buckets, objects, ETags, streaming bodies."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_cluster_manager.sim import SimAccount
from ecs_cluster_manager.sim.deployment_services import add_deployment_services


@pytest.fixture
def s3() -> Iterator[Any]:
    account = SimAccount(check_responses=True)
    add_deployment_services(account)
    yield account.client("s3")
    account.close()


def test_put_then_get_returns_the_bytes_with_md5_etag(s3: Any) -> None:
    s3.create_bucket(Bucket="artefacts")
    data = b"PK\x03\x04 zip bytes"
    put = s3.put_object(Bucket="artefacts", Key="fn.zip", Body=data)
    expected = '"' + hashlib.md5(data, usedforsecurity=False).hexdigest() + '"'
    assert put["ETag"] == expected
    got = s3.get_object(Bucket="artefacts", Key="fn.zip")
    assert got["Body"].read() == data
    head = s3.head_object(Bucket="artefacts", Key="fn.zip")
    assert (head["ETag"], head["ContentLength"]) == (expected, len(data))


def test_put_replaces_and_list_shows_keys_by_prefix(s3: Any) -> None:
    s3.create_bucket(Bucket="artefacts")
    s3.put_object(Bucket="artefacts", Key="a/1", Body=b"one")
    s3.put_object(Bucket="artefacts", Key="a/1", Body=b"uno!")
    s3.put_object(Bucket="artefacts", Key="b/2", Body=b"two")
    listing = s3.list_objects_v2(Bucket="artefacts", Prefix="a/")
    assert [(o["Key"], o["Size"]) for o in listing["Contents"]] == [("a/1", 4)]


def test_missing_bucket_key_and_duplicate_bucket_fail_like_s3(s3: Any) -> None:
    with pytest.raises(ClientError) as missing_bucket:
        s3.put_object(Bucket="nope", Key="k", Body=b"")
    assert missing_bucket.value.response["Error"]["Code"] == "NoSuchBucket"
    s3.create_bucket(Bucket="artefacts")
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket="artefacts", Key="k")
    with pytest.raises(ClientError) as head:
        s3.head_object(Bucket="artefacts", Key="k")
    assert head.value.response["Error"]["Code"] == "404"
    with pytest.raises(ClientError) as duplicate:
        s3.create_bucket(Bucket="artefacts")
    assert duplicate.value.response["Error"]["Code"] == "BucketAlreadyOwnedByYou"


def test_head_bucket_answers_bare_statuses_and_location_follows_the_region(s3: Any) -> None:
    with pytest.raises(ClientError) as missing:
        s3.head_bucket(Bucket="nope")
    assert (missing.value.response["Error"]["Code"],
            missing.value.response["ResponseMetadata"]["HTTPStatusCode"]) == ("404", 404)
    s3.create_bucket(Bucket="artefacts")
    assert s3.head_bucket(Bucket="artefacts")["BucketRegion"] == "us-east-1"
    assert s3.get_bucket_location(Bucket="artefacts")["LocationConstraint"] is None
    with pytest.raises(ClientError) as constrained:
        s3.create_bucket(Bucket="other",
                         CreateBucketConfiguration={"LocationConstraint": "us-east-1"})
    assert constrained.value.response["Error"]["Code"] == "InvalidLocationConstraint"


def test_a_bucket_of_another_account_is_forbidden_and_a_far_one_is_elsewhere() -> None:
    account = SimAccount(check_responses=True)
    services = add_deployment_services(account)
    s3 = account.client("s3")
    services.s3.foreign_buckets.add("taken")
    with pytest.raises(ClientError) as forbidden:
        s3.head_bucket(Bucket="taken")
    assert forbidden.value.response["Error"]["Code"] == "403"
    with pytest.raises(ClientError) as taken:
        s3.create_bucket(Bucket="taken")
    assert taken.value.response["Error"]["Code"] == "BucketAlreadyExists"
    services.s3.add_bucket("far", "eu-west-1")
    assert s3.get_bucket_location(Bucket="far")["LocationConstraint"] == "eu-west-1"
    account.close()


def test_outside_us_east_1_a_bucket_needs_its_region_as_location_constraint() -> None:
    account = SimAccount(region="eu-west-1", check_responses=True)
    add_deployment_services(account)
    s3 = account.client("s3")
    with pytest.raises(ClientError) as unconstrained:
        s3.create_bucket(Bucket="artefacts")
    assert unconstrained.value.response["Error"]["Code"] == "IllegalLocationConstraintException"
    s3.create_bucket(Bucket="artefacts",
                     CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert s3.head_bucket(Bucket="artefacts")["BucketRegion"] == "eu-west-1"
    account.close()
