"""Every accepted payload shape parses into one trigger; anything else is ignored, never raised."""

from __future__ import annotations

import json

import pytest

from ecs_cluster_manager.lifecycle.events import (
    LAUNCHING,
    TERMINATING,
    Ignored,
    InstanceTrigger,
    LifecycleTrigger,
    SweepTrigger,
    parse_event,
)

from .conftest import sample


@pytest.mark.parametrize(("name", "transition", "destination"), [
    ("eventbridge_asg_launch_lifecycle_action.json", LAUNCHING, "AutoScalingGroup"),
    ("eventbridge_asg_launch_lifecycle_action_2023doc.json", LAUNCHING, None),
    ("eventbridge_asg_launch_lifecycle_action_to_warmpool.json", LAUNCHING, "WarmPool"),
    ("eventbridge_asg_launch_lifecycle_action_from_warmpool.json", LAUNCHING, "AutoScalingGroup"),
    ("eventbridge_asg_terminate_lifecycle_action.json", TERMINATING, "EC2"),
    ("eventbridge_asg_terminate_lifecycle_action_2023doc.json", TERMINATING, None),
])
def test_documented_lifecycle_events_parse(name: str, transition: str, destination: str | None) -> None:
    event = sample(name)
    [trigger] = parse_event(event)
    assert isinstance(trigger, LifecycleTrigger)
    assert trigger.transition == transition
    assert trigger.instance_id == event["detail"]["EC2InstanceId"]
    assert trigger.asg_name == event["detail"]["AutoScalingGroupName"]
    assert trigger.destination == destination


def test_placeholder_time_is_unknown_not_an_error() -> None:
    [trigger] = parse_event(sample("eventbridge_asg_launch_lifecycle_action.json"))
    assert isinstance(trigger, LifecycleTrigger) and trigger.event_time is None


def test_real_time_is_parsed() -> None:
    [trigger] = parse_event(sample("eventbridge_asg_launch_lifecycle_action_to_warmpool.json"))
    assert isinstance(trigger, LifecycleTrigger)
    assert trigger.event_time == pytest.approx(1610496757.214)


def test_sqs_notification_and_direct_invocation_give_the_same_trigger() -> None:
    message = sample("sqs_asg_lifecycle_notification.json")
    [via_sqs] = parse_event({"Records": [{"body": json.dumps(message)}]})
    [via_sns] = parse_event({"Records": [{"Sns": {"Message": json.dumps(message)}}]})
    [direct] = parse_event(message)
    assert via_sqs == via_sns == direct
    assert isinstance(direct, LifecycleTrigger) and direct.token == message["LifecycleActionToken"]


def test_sns_envelope_inside_sqs_is_unwrapped() -> None:
    message = sample("sqs_asg_lifecycle_notification.json")
    envelope = {"Type": "Notification", "Message": json.dumps(message)}
    [trigger] = parse_event({"Records": [{"body": json.dumps(envelope)}]})
    assert isinstance(trigger, LifecycleTrigger)


def test_test_notification_is_ignored() -> None:
    message = sample("sns_or_sqs_asg_test_notification.json")
    for payload in (message, {"Records": [{"body": json.dumps(message)}]}):
        assert parse_event(payload) == [Ignored("auto scaling test notification")]


def test_container_instance_event() -> None:
    event = sample("ecs_container_instance_state_change.json")
    [trigger] = parse_event(event)
    assert isinstance(trigger, InstanceTrigger)
    assert (trigger.cluster_arn, trigger.instance_id, trigger.status, trigger.agent_connected) == (
        "arn:aws:ecs:us-east-1:111122223333:cluster/default", "i-f3a8506b", "ACTIVE", True)
    assert trigger.tasks is None  # the documented event carries no task counts


def test_scheduled_event_is_a_sweep() -> None:
    assert parse_event(sample("eventbridge_scheduled_event.json")) == [SweepTrigger()]


@pytest.mark.parametrize("payload", [None, [], "text", {}, {"detail-type": "ECS Task State Change", "detail": {}},
                                     {"Records": [{"body": "not json"}]},
                                     {"detail-type": "EC2 Instance-launch Lifecycle Action", "detail": {}}])
def test_unrecognised_payloads_are_ignored(payload: object) -> None:
    assert all(isinstance(t, Ignored) for t in parse_event(payload))


def test_health_change_event() -> None:
    [trigger] = parse_event(sample("ecs_container_instance_health_change.json"))
    assert isinstance(trigger, InstanceTrigger)
    assert (trigger.instance_id, trigger.health, trigger.status) == ("i-0abcdef1234567890", "OK", "")
    [impaired] = parse_event(sample("ecs_container_instance_health_change_agent_connectivity.json"))
    assert isinstance(impaired, InstanceTrigger) and impaired.health == "IMPAIRED"


def test_registered_at_and_counts_are_read_when_the_event_carries_them() -> None:
    event = sample("ecs_container_instance_state_change.json")
    event["detail"].update({"registeredAt": "2026-01-01T00:00:00.5Z", "runningTasksCount": 2,
                            "pendingTasksCount": 1})
    [trigger] = parse_event(event)
    assert isinstance(trigger, InstanceTrigger)
    assert (trigger.registered_at, trigger.tasks) == (1767225600.5, 3)


@pytest.mark.parametrize("counts", [
    {"runningTasksCount": "0", "pendingTasksCount": 0},
    {"runningTasksCount": True, "pendingTasksCount": 0},
    {"runningTasksCount": 0.5, "pendingTasksCount": 0},
    {"runningTasksCount": -1, "pendingTasksCount": 0},
    {"runningTasksCount": 0},
])
def test_unreadable_task_counts_are_unknown_never_zero(counts: dict[str, object]) -> None:
    event = sample("ecs_container_instance_state_change.json")
    event["detail"].update(counts)
    [trigger] = parse_event(event)
    assert isinstance(trigger, InstanceTrigger) and trigger.tasks is None


def _resources(cpu: object, memory: object) -> list[dict[str, object]]:
    return [{"name": "CPU", "type": "INTEGER", "integerValue": cpu},
            {"name": "MEMORY", "type": "INTEGER", "integerValue": memory},
            {"name": "PORTS", "type": "STRINGSET", "stringSetValue": ["22"]}]


@pytest.mark.parametrize(("remaining", "free"), [
    (_resources(4096, 15000), True),
    (_resources(3584, 15000), False),  # a stopping task still holds CPU
    (_resources(4096, 14000), False),
    (_resources("4096", 15000), None),  # unreadable: unknown, never "free"
    (_resources(4096, None), None),
    ([], None),
    ("all", None),
])
def test_free_resources_tell_a_stopping_task_from_a_stopped_one(remaining: object, free: bool | None) -> None:
    event = sample("ecs_container_instance_state_change.json")
    event["detail"].update({"registeredResources": _resources(4096, 15000), "remainingResources": remaining})
    [trigger] = parse_event(event)
    assert isinstance(trigger, InstanceTrigger) and trigger.resources_free is free


def test_documented_event_has_its_resources_read() -> None:
    [trigger] = parse_event(sample("ecs_container_instance_state_change.json"))
    assert isinstance(trigger, InstanceTrigger) and trigger.resources_free is not None


@pytest.mark.parametrize(("arn", "kept"), [
    ("arn:aws:ecs:us-east-1:111122223333:container-instance/default/b54a2a04", True),
    ("arn:aws-cn:ecs:cn-north-1:111122223333:container-instance/b54a2a04-046f-4331", True),
    ("arn:aws:ec2:us-east-1:111122223333:instance/i-1", False),
    ("arn:aws:ecs:us-east-1:111122223333:container-instance/x" + "y" * 300, False),
    (["arn:aws:ecs:us-east-1:111122223333:container-instance/default/b54a2a04"], False),
])
def test_container_instance_arn_is_kept_only_when_it_is_one(arn: object, kept: bool) -> None:
    event = sample("ecs_container_instance_state_change.json")
    event["detail"]["containerInstanceArn"] = arn
    [trigger] = parse_event(event)
    assert isinstance(trigger, InstanceTrigger)
    assert trigger.container_instance_arn == (arn if kept else "")


def test_agent_connected_must_be_the_json_true() -> None:
    event = sample("ecs_container_instance_state_change.json")
    event["detail"]["agentConnected"] = "false"
    [trigger] = parse_event(event)
    assert isinstance(trigger, InstanceTrigger) and trigger.agent_connected is False


HOSTILE: list[object] = [
    None, 0, "text", [], [{}], {"detail-type": ["EC2 Instance-launch Lifecycle Action"], "detail": {}},
    {"detail-type": {"a": 1}}, {"detail-type": "EC2 Instance-launch Lifecycle Action", "detail": []},
    {"detail-type": "EC2 Instance-launch Lifecycle Action",
     "detail": {"AutoScalingGroupName": ["g"], "LifecycleHookName": "h", "EC2InstanceId": "i-1"}},
    {"detail-type": "EC2 Instance-launch Lifecycle Action",
     "detail": {"AutoScalingGroupName": "g", "LifecycleHookName": "h", "EC2InstanceId": "i-" + "f" * 5000}},
    {"detail-type": "ECS Container Instance State Change", "detail": {"clusterArn": 3, "ec2InstanceId": "i-1"}},
    {"Records": "x"}, {"Records": [None]}, {"Records": [{"Sns": "text"}]}, {"Records": [{"Sns": {"Message": 5}}]},
    {"Records": [{"body": "[" * 100_000}]}, {"Records": [{"body": "{\"Type\": 1, \"Message\": " * 50 + "1" + "}" * 50}]},
    {"LifecycleTransition": ["x"]}, {"ecm-sweep-slice": "i-1"}, {"ecm-sweep-slice": ["i-1", 2]},
    {"detail-type": "Scheduled Event", "time": {"year": 1}},
    {"detail-type": "EC2 Instance-terminate Lifecycle Action", "time": "9999-12-31T23:59:59-23:59",
     "detail": {"AutoScalingGroupName": "g", "LifecycleHookName": "h", "EC2InstanceId": "i-1"}},
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_payloads_never_raise(payload: object) -> None:
    triggers = parse_event(payload)
    assert triggers
    for trigger in triggers:
        if isinstance(trigger, Ignored):
            assert len(trigger.reason) < 300


def test_one_bad_record_does_not_spoil_the_batch() -> None:
    good = json.dumps(sample("sqs_asg_lifecycle_notification.json"))
    records = [{"body": good}, {"body": "not json"}, {"Sns": ["x"]}, 7, {"Sns": {"Message": good}}]
    triggers = parse_event({"Records": records})
    assert [type(t).__name__ for t in triggers] == [
        "LifecycleTrigger", "Ignored", "Ignored", "Ignored", "LifecycleTrigger"]


def test_sweep_slice_is_parsed_and_deduplicated() -> None:
    assert parse_event({"ecm-sweep-slice": ["i-1", "i-2", "i-1"]}) == [SweepTrigger(("i-1", "i-2"))]
