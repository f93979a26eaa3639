"""The CloudWatch Logs API through boto3 (response shapes checked): groups, streams, and reading
events back with GetLogEvents' tokens and FilterLogEvents' pagination."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_cluster_manager.sim import SimAccount
from ecs_cluster_manager.sim.logs import LogsBackend

GROUP = "/ecs-cluster-manager/dev/launch"


@pytest.fixture
def account() -> Iterator[SimAccount]:
    account = SimAccount(check_responses=True, ecs=None)
    account.add_service("logs", LogsBackend(account.clock, account.region,
                                            account.account_id))
    yield account
    account.close()


@pytest.fixture
def logs(account: SimAccount) -> Any:
    client = account.client("logs")
    client.create_log_group(logGroupName=GROUP)
    client.create_log_stream(logGroupName=GROUP, logStreamName="a")
    client.create_log_stream(logGroupName=GROUP, logStreamName="b")
    return client


def put(logs: Any, stream: str, *events: tuple[int, str]) -> None:
    logs.put_log_events(logGroupName=GROUP, logStreamName=stream,
                        logEvents=[{"timestamp": t, "message": m} for t, m in events])


def error_code(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    return str(raised.value.response["Error"]["Code"])


def test_groups_are_listed_by_prefix_and_names_are_unique(logs: Any) -> None:
    logs.create_log_group(logGroupName="/other")
    logs.put_retention_policy(logGroupName=GROUP, retentionInDays=30)
    groups = logs.describe_log_groups(logGroupNamePrefix="/ecs")["logGroups"]
    assert [(g["logGroupName"], g["retentionInDays"]) for g in groups] == [(GROUP, 30)]
    assert groups[0]["arn"].endswith(f":log-group:{GROUP}:*")
    assert error_code(logs.create_log_group, logGroupName=GROUP) == \
        "ResourceAlreadyExistsException"
    assert error_code(logs.put_retention_policy, logGroupName=GROUP, retentionInDays=2) == \
        "InvalidParameterException"
    logs.delete_log_group(logGroupName="/other")
    assert error_code(logs.describe_log_streams, logGroupName="/other") == \
        "ResourceNotFoundException"


def test_get_log_events_reads_forward_and_returns_the_same_token_at_the_end(logs: Any) -> None:
    put(logs, "a", *[(1000 + i, f"line {i}") for i in range(5)])
    newest = logs.get_log_events(logGroupName=GROUP, logStreamName="a", limit=2)
    assert [e["message"] for e in newest["events"]] == ["line 3", "line 4"]
    first = logs.get_log_events(logGroupName=GROUP, logStreamName="a", startFromHead=True,
                                limit=3)
    assert [e["message"] for e in first["events"]] == ["line 0", "line 1", "line 2"]
    rest = logs.get_log_events(logGroupName=GROUP, logStreamName="a", startFromHead=True,
                               nextToken=first["nextForwardToken"])
    assert [e["message"] for e in rest["events"]] == ["line 3", "line 4"]
    end = logs.get_log_events(logGroupName=GROUP, logStreamName="a", startFromHead=True,
                              nextToken=rest["nextForwardToken"])
    assert end["events"] == [] and end["nextForwardToken"] == rest["nextForwardToken"]
    put(logs, "a", (2000, "late"))  # following the same token picks up new events
    later = logs.get_log_events(logGroupName=GROUP, logStreamName="a", startFromHead=True,
                                nextToken=end["nextForwardToken"])
    assert [e["message"] for e in later["events"]] == ["late"]


def test_filter_log_events_interleaves_streams_and_filters(logs: Any) -> None:
    put(logs, "a", (1000, '{"decision": "wait"}'), (3000, '{"decision": "complete"}'))
    put(logs, "b", (2000, '{"decision": "wait"}'), (2500, "REPORT RequestId: x"))
    found = logs.filter_log_events(logGroupName=GROUP, filterPattern='{ $.decision = "wait" }')
    assert [(e["logStreamName"], e["timestamp"]) for e in found["events"]] == [
        ("a", 1000), ("b", 2000)]
    timed = logs.filter_log_events(logGroupName=GROUP, startTime=2000, endTime=3000)
    assert [e["timestamp"] for e in timed["events"]] == [2000, 2500, 3000]
    only_b = logs.filter_log_events(logGroupName=GROUP, logStreamNames=["b"], limit=1)
    assert len(only_b["events"]) == 1 and "nextToken" in only_b


def test_a_quiet_hour_gives_an_empty_page_with_a_token(logs: Any) -> None:
    hour = 3_600_000
    put(logs, "a", (0, "noise"), (hour + 1, "noise"), (2 * hour + 5, "wanted"))
    page = logs.filter_log_events(logGroupName=GROUP, filterPattern="wanted")
    assert page["events"] == [] and "nextToken" in page
    paginator = logs.get_paginator("filter_log_events")
    messages = [e["message"] for p in paginator.paginate(logGroupName=GROUP,
                                                         filterPattern="wanted")
                for e in p["events"]]
    assert messages == ["wanted"]


def test_streams_can_be_ordered_by_name_and_the_last_event_time_lags(
        account: SimAccount, logs: Any) -> None:
    put(logs, "b", (5, "x"))
    streams = logs.describe_log_streams(logGroupName=GROUP, descending=True)["logStreams"]
    assert [s["logStreamName"] for s in streams] == ["b", "a"]
    assert "lastEventTimestamp" not in streams[0]  # eventually consistent, up to an hour
    account.clock.run_for(3601)
    latest = logs.describe_log_streams(logGroupName=GROUP, orderBy="LastEventTime",
                                       descending=True)["logStreams"][0]
    assert (latest["logStreamName"], latest["lastEventTimestamp"]) == ("b", 5)
    assert error_code(logs.describe_log_streams, logGroupName=GROUP, orderBy="LastEventTime",
                      logStreamNamePrefix="a") == "InvalidParameterException"
