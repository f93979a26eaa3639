"""Pinning tests for event parsing: AWS's names and the parser's bounds written out, not read back.

Written against the survivors of `make mutation`: test_events.py compares with the module's own
LAUNCHING/TERMINATING, so a changed constant passed it, and no test sat on a bound.
"""

from __future__ import annotations

import json
import time

import pytest

from ecs_cluster_manager.lifecycle.events import (
    Ignored,
    InstanceTrigger,
    LifecycleTrigger,
    SweepTrigger,
    parse_event,
    parse_time,
    shown,
)

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


def test_a_health_change_event_claims_nothing_about_the_agent_or_the_tasks() -> None:
    """The health change event carries no status, agent or task counts (Amazon ECS Developer
    Guide, "Amazon ECS container instance health change events"): unknown, never "connected and
    empty", which would look like an instance ready to be released."""
    [trigger] = parse_event(sample("ecs_container_instance_health_change.json"))
    assert isinstance(trigger, InstanceTrigger)
    assert (trigger.status, trigger.agent_connected, trigger.tasks) == ("", False, None)
    assert (trigger.registered_at, trigger.resources_free) == (None, None)


def test_a_state_change_event_is_never_taken_for_a_health_change() -> None:
    """Only a health change sets `health`; a state change with one would be ignored as such."""
    [trigger] = parse_event(sample("ecs_container_instance_state_change.json"))
    assert isinstance(trigger, InstanceTrigger) and trigger.health is None and trigger.status


GOOD = json.dumps(sample("sqs_asg_lifecycle_notification.json"))


@pytest.mark.parametrize(("record", "reason"), [
    (7, "record is a int, not an object"),
    ({"Sns": ["x"]}, "Sns is a list, not an object"),
    ({"body": 5}, "record body is a int, not a string"),
    ({"body": "not json"}, "record body is not JSON"),
    ({"body": "[" * 100_000}, "record body is not JSON"),  # nested past the parser's recursion limit
    ({"body": "[1]"}, "record message is a list, not an object"),
])
def test_each_bad_record_says_what_is_wrong_with_it(record: object, reason: str) -> None:
    assert parse_event({"Records": [record, {"body": GOOD}]}) == [
        Ignored(reason), parse_event(json.loads(GOOD))[0]]


@pytest.mark.parametrize("missing", ["AutoScalingGroupName", "LifecycleHookName", "EC2InstanceId"])
def test_a_lifecycle_action_without_a_required_field_says_which(missing: str) -> None:
    event = sample("eventbridge_asg_launch_lifecycle_action.json")
    del event["detail"][missing]
    assert parse_event(event) == [Ignored(f"lifecycle action without {missing}")]


def test_a_notification_is_timed_by_its_time_field() -> None:
    [trigger] = parse_event(json.loads(GOOD))
    assert isinstance(trigger, LifecycleTrigger) and trigger.event_time == parse_time("2021-01-19T00:36:26.533Z")
    assert trigger.event_time is not None


def test_a_timestamp_of_64_characters_is_read_and_a_longer_one_is_not() -> None:
    """Fractional seconds may have any number of digits (Python's datetime.fromisoformat)."""
    base = "2026-01-01T00:00:00."
    at_limit = base + "0" * (64 - len(base) - 1) + "Z"
    assert len(at_limit) == 64 and parse_time(at_limit) == 1_767_225_600.0
    assert parse_time(at_limit.replace("Z", "0Z")) is None


def test_a_timestamp_in_z_is_utc_whatever_the_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert parse_time("2026-01-01T00:00:00Z") == 1_767_225_600.0
    finally:
        monkeypatch.undo()
        time.tzset()



def test_a_container_instance_event_that_leaves_fields_out_reads_them_as_empty() -> None:
    state = sample("ecs_container_instance_state_change.json")
    del state["detail"]["status"]
    [trigger] = parse_event(state)
    assert isinstance(trigger, InstanceTrigger) and trigger.status == ""
    health = sample("ecs_container_instance_health_change.json")
    del health["detail"]["overallStatus"]
    [trigger] = parse_event(health)
    assert isinstance(trigger, InstanceTrigger) and trigger.health == ""
    del state["detail"]["clusterArn"]
    assert parse_event(state) == [Ignored("container instance event without a clusterArn or an EC2 instance id")]


def test_odd_items_among_the_resources_are_skipped_not_fatal() -> None:
    event = sample("ecs_container_instance_state_change.json")
    detail = event["detail"]
    detail["remainingResources"] = [7, "CPU", *detail["registeredResources"]]
    [trigger] = parse_event(event)
    assert isinstance(trigger, InstanceTrigger) and trigger.resources_free is True


def test_an_empty_or_odd_batch_and_an_odd_slice_are_each_one_ignored_payload() -> None:
    """One log line per ignored payload: an empty batch is not silently nothing."""
    assert parse_event({"Records": []}) == [Ignored("Records is a list, not a list of records")]
    assert parse_event({"Records": 5}) == [Ignored("Records is a int, not a list of records")]
    assert parse_event({"ecm-sweep-slice": ["i-1", 5]}) == [
        Ignored("sweep slice holds something that is not an EC2 instance id")]


class _Exploding(dict):  # type: ignore[type-arg]
    """A payload whose reads fail: what the last guards are for."""

    def get(self, *args: object) -> object:
        raise RuntimeError("boom")


def test_the_last_guards_turn_any_error_into_one_ignored_payload() -> None:
    assert parse_event(_Exploding()) == [Ignored("unreadable payload (RuntimeError)")]
    assert parse_event({"Records": [_Exploding(), {"body": GOOD}]}) == [
        Ignored("unreadable payload (RuntimeError)"), parse_event(json.loads(GOOD))[0]]
