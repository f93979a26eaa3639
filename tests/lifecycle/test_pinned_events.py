"""Pinning tests for event parsing: AWS's names and the parser's bounds written out, not read back.

Written against the survivors of `make mutation`: test_events.py compares with the module's own
LAUNCHING/TERMINATING, so a changed constant passed it, and no test sat on a bound.
"""

from __future__ import annotations

import json

import pytest

from ecs_cluster_manager.lifecycle.events import Ignored, LifecycleTrigger, SweepTrigger, parse_event, shown

from .conftest import sample


def _notification(transition: str) -> dict[str, object]:
    return {**sample("sqs_asg_lifecycle_notification.json"), "LifecycleTransition": transition}


@pytest.mark.parametrize("transition", ["autoscaling:EC2_INSTANCE_LAUNCHING",
                                        "autoscaling:EC2_INSTANCE_TERMINATING"])
def test_both_transitions_arrive_by_notification_as_aws_names_them(transition: str) -> None:
    """Amazon EC2 Auto Scaling User Guide, "Prepare to add a lifecycle hook": the notification
    message names the transition."""
    message = _notification(transition)
    for payload in (message, {"Records": [{"body": json.dumps(message)}]}):
        [trigger] = parse_event(payload)
        assert isinstance(trigger, LifecycleTrigger) and trigger.transition == transition


@pytest.mark.parametrize(("name", "transition"), [
    ("eventbridge_asg_launch_lifecycle_action.json", "autoscaling:EC2_INSTANCE_LAUNCHING"),
    ("eventbridge_asg_terminate_lifecycle_action.json", "autoscaling:EC2_INSTANCE_TERMINATING"),
])
def test_eventbridge_lifecycle_events_give_aws_transition_names(name: str, transition: str) -> None:
    [trigger] = parse_event(sample(name))
    assert isinstance(trigger, LifecycleTrigger) and trigger.transition == transition


def _wrapped(message: dict[str, object], envelopes: int) -> dict[str, object]:
    body = json.dumps(message)
    for _ in range(envelopes):
        body = json.dumps({"Type": "Notification", "Message": body})
    return {"Records": [{"body": body}]}


def test_two_sns_envelopes_inside_an_sqs_record_are_unwrapped_and_a_third_is_refused() -> None:
    message = _notification("autoscaling:EC2_INSTANCE_LAUNCHING")
    [twice] = parse_event(_wrapped(message, 2))
    assert isinstance(twice, LifecycleTrigger)
    assert parse_event(_wrapped(message, 3)) == [Ignored("record wrapped more than 3 times")]


def test_a_record_body_of_256_kib_is_read_and_one_character_more_is_refused() -> None:
    """SQS and SNS messages are at most 262,144 bytes (Amazon SQS and Amazon SNS quotas)."""
    padding = 262_144 - len(json.dumps({"pad": ""}))
    at_limit = json.dumps({"pad": "x" * padding})
    assert len(at_limit) == 262_144
    [read] = parse_event({"Records": [{"body": at_limit}]})
    assert read == Ignored("unknown lifecycle transition null")
    [refused] = parse_event({"Records": [{"body": at_limit + " "}]})
    assert refused == Ignored("record body of 262145 chars is longer than any notification")


def test_a_sweep_slice_holds_one_to_a_thousand_instances() -> None:
    ids = [f"i-{n:08x}" for n in range(1001)]
    assert parse_event({"ecm-sweep-slice": ids[:1000]}) == [SweepTrigger(tuple(ids[:1000]))]
    refused = "sweep slice is a list, not a list of 1..1000 instance ids"
    assert parse_event({"ecm-sweep-slice": ids}) == [Ignored(refused)]
    assert parse_event({"ecm-sweep-slice": []}) == [Ignored(refused)]
    assert parse_event({"ecm-sweep-slice": ids[:1]}) == [SweepTrigger(tuple(ids[:1]))]


def test_an_untrusted_string_is_shown_up_to_80_characters() -> None:
    assert shown("x" * 80) == json.dumps("x" * 80)
    assert shown("x" * 81) == f'"{"x" * 80}..." (81 chars)'
    assert (shown(None), shown(3), shown([1])) == ("null", "a int", "a list")
