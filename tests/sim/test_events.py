"""Simulated EventBridge: rules, Lambda targets, schedules, PutEvents and CloudTrail events."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_cluster_manager.sim import SimAccount
from ecs_cluster_manager.sim.clock import DEFAULT_START
from tests.samples import SAMPLES
from tests.sim import lambda_handlers
from tests.sim.builders import group

H = "tests.sim.lambda_handlers"


def target(account: SimAccount, events: Any, rule: str, **rule_args: Any) -> None:
    function = account.lambda_.functions.get("rec") or account.lambda_.register(
        "rec", f"{H}.record")
    events.put_rule(Name=rule, **rule_args)
    events.put_targets(Rule=rule, Targets=[{"Id": "fn", "Arn": function.arn}])


def test_matching_custom_events_reach_the_lambda_target(account: SimAccount, events: Any) -> None:
    target(account, events, "orders", EventPattern=json.dumps(
        {"source": ["shop"], "detail": {"total": [{"numeric": [">", 100]}]}}))
    result = events.put_events(Entries=[
        {"Source": "shop", "DetailType": "Order", "Detail": json.dumps({"total": 150})},
        {"Source": "shop", "DetailType": "Order", "Detail": json.dumps({"total": 50})}])
    assert result["FailedEntryCount"] == 0
    account.clock.run_for(5)
    (seen,) = lambda_handlers.SEEN
    assert seen["event"]["detail"] == {"total": 150}
    assert seen["event"]["account"] == "123456789012"


def test_aws_sources_are_reserved(events: Any) -> None:
    result = events.put_events(Entries=[{"Source": "aws.autoscaling", "DetailType": "x",
                                         "Detail": "{}"}])
    assert result["FailedEntryCount"] == 1
    assert result["Entries"][0]["ErrorCode"] == "NotAuthorizedForSourceException"


def test_rule_bookkeeping_and_invalid_patterns(account: SimAccount, events: Any) -> None:
    target(account, events, "a-rule", EventPattern=json.dumps({"source": ["x"]}),
           Description="first")
    described = events.describe_rule(Name="a-rule")
    assert described["Description"] == "first"
    assert described["State"] == "ENABLED"
    assert [r["Name"] for r in events.list_rules(NamePrefix="a-")["Rules"]] == ["a-rule"]
    with pytest.raises(ClientError) as caught:
        events.put_rule(Name="bad", EventPattern=json.dumps({"source": "x"}))
    assert caught.value.response["Error"]["Code"] == "InvalidEventPatternException"
    with pytest.raises(ClientError, match="has targets"):
        events.delete_rule(Name="a-rule")


def test_disabled_rules_deliver_nothing(account: SimAccount, events: Any) -> None:
    target(account, events, "r", EventPattern=json.dumps({"source": ["x"]}))
    events.disable_rule(Name="r")
    events.put_events(Entries=[{"Source": "x", "DetailType": "t", "Detail": "{}"}])
    account.clock.run_for(5)
    assert lambda_handlers.SEEN == []


def test_scheduled_rule_emits_scheduled_events(account: SimAccount, events: Any) -> None:
    target(account, events, "sweep", ScheduleExpression="rate(5 minutes)")
    account.clock.run_for(16 * 60)
    seen = [s["event"] for s in lambda_handlers.SEEN]
    assert len(seen) == 3
    assert seen[0]["detail-type"] == "Scheduled Event"
    assert seen[0]["source"] == "aws.events"
    assert seen[0]["detail"] == {}
    assert seen[0]["resources"] == ["arn:aws:events:us-east-1:123456789012:rule/sweep"]
    assert seen[0]["time"] == "2026-01-01T00:05:00Z"


def test_cloudtrail_events_need_a_trail_and_skip_reads(account: SimAccount, events: Any) -> None:
    asg, ec2 = account.client("autoscaling"), account.client("ec2")
    pattern = json.dumps({"detail-type": ["AWS API Call via CloudTrail"]})
    target(account, events, "trail", EventPattern=pattern)
    group(asg, ec2, desired=0)
    account.clock.run_for(600)
    assert lambda_handlers.SEEN == []
    account.cloudtrail.enabled = True
    asg.set_desired_capacity(AutoScalingGroupName="ecs-asg", DesiredCapacity=0)
    asg.describe_auto_scaling_groups()
    account.clock.run_for(60)
    assert lambda_handlers.SEEN == []  # not delivered yet
    account.clock.run_for(120)
    names = [s["event"]["detail"]["eventName"] for s in lambda_handlers.SEEN]
    assert names == ["SetDesiredCapacity"]
    detail = lambda_handlers.SEEN[0]["event"]["detail"]
    assert detail["requestParameters"] == {"autoScalingGroupName": "ecs-asg",
                                           "desiredCapacity": 0}
    assert detail["eventSource"] == "autoscaling.amazonaws.com"
    assert lambda_handlers.SEEN[0]["time"] > DEFAULT_START + 600


def test_test_event_pattern(events: Any) -> None:
    event = json.dumps({"id": "1", "source": "x", "detail-type": "t", "account": "1",
                        "time": "2026-01-01T00:00:00Z", "region": "us-east-1", "resources": [],
                        "detail": {}})
    assert events.test_event_pattern(EventPattern='{"source": ["x"]}', Event=event)["Result"]
    assert not events.test_event_pattern(EventPattern='{"source": ["y"]}', Event=event)["Result"]


def test_cloudtrail_and_scheduled_events_have_the_documented_keys(account: SimAccount,
                                                                  events: Any) -> None:
    samples = SAMPLES
    trail = json.loads((samples / "cloudtrail_autoscaling_record_lifecycle_action_heartbeat.json")
                       .read_text())
    scheduled = json.loads((samples / "eventbridge_scheduled_event.json").read_text())
    account.cloudtrail.enabled = True
    target(account, events, "any", EventPattern=json.dumps({"source": ["aws.events"]}))
    events.put_rule(Name="tick", ScheduleExpression="rate(1 minute)")
    account.clock.run_for(300)
    by_type = {e["detail-type"]: e for e in account.events.history}
    ours = by_type["AWS API Call via CloudTrail"]
    assert set(ours) == set(trail)
    assert set(ours["detail"]) == set(trail["detail"]) | {"recipientAccountId"}
    assert ours["detail"]["eventName"] in ("PutRule", "PutTargets")
    assert set(by_type["Scheduled Event"]) == set(scheduled)
