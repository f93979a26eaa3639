"""Each rule's pattern, evaluated by an EventBridge matcher against AWS's documented events.

The documented samples name `my-asg`, `my-lifecycle-hook` and a `default` cluster; each is
retargeted to this stack's names (only the identifying fields change), and the untouched
sample must then be rejected: it belongs to another group or cluster.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from moto.events.models import EventPattern

from ecs_cluster_manager.sim.events import patterns
from ecs_cluster_manager.template import resolve, rule_patterns

from .conftest import sample_event

STACK = "ecs-dev"
REGION, ACCOUNT = "us-east-1", "123456789012"
ASG = f"{STACK}-ecs"
LAUNCH_HOOK, TERMINATE_HOOK = f"{STACK}-launch-hook", f"{STACK}-terminate-hook"
CLUSTER_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/DevCluster"
VALUES = {"AWS::StackName": STACK, "AWS::Region": REGION, "AWS::AccountId": ACCOUNT,
          "AWS::Partition": "aws"}  # fmt: skip

LAUNCH_SAMPLES = [
    "eventbridge_asg_launch_lifecycle_action.json",
    "eventbridge_asg_launch_lifecycle_action_2023doc.json",
    "eventbridge_asg_launch_lifecycle_action_direct_with_origin.json",
    "eventbridge_asg_launch_lifecycle_action_from_warmpool.json",
    "eventbridge_asg_launch_lifecycle_action_to_warmpool.json",
]
TERMINATE_SAMPLES = [
    "eventbridge_asg_terminate_lifecycle_action.json",
    "eventbridge_asg_terminate_lifecycle_action_2023doc.json",
    "eventbridge_asg_terminate_lifecycle_action_to_warmpool.json",
]
ECS_RULES = ("LaunchContainerInstanceRule", "TerminateContainerInstanceRule")
UNRELATED_SAMPLES = [
    "ecs_task_state_change.json",
    "ecs_task_state_change_ec2_launch_type_2020doc.json",
    "ecs_service_action_steady_state.json",
    "ecs_deployment_state_change.json",
    "eventbridge_scheduled_event.json",
    "cloudtrail_autoscaling_record_lifecycle_action_heartbeat.json",
    "ec2_spot_interruption_warning.json",
]


def matcher(template: dict[str, Any], rule: str) -> EventPattern:
    pattern = rule_patterns(template)[rule].event_pattern
    assert pattern is not None, f"{rule} has no EventPattern"
    resolved = resolve(pattern, VALUES, {"EcsCluster.Arn": CLUSTER_ARN})
    return EventPattern.load(json.dumps(resolved))


def matches(template: dict[str, Any], rule: str, event: dict[str, Any]) -> bool:
    return bool(matcher(template, rule).matches_event(event))


def matches_in_simulator(template: dict[str, Any], rule: str, event: dict[str, Any]) -> bool:
    """The simulator's EventBridge matcher, which the scenarios rely on, must agree with moto's."""
    pattern = rule_patterns(template)[rule].event_pattern
    resolved = resolve(pattern, VALUES, {"EcsCluster.Arn": CLUSTER_ARN})
    patterns.validate(resolved)
    return patterns.matches(resolved, event)


def ours(name: str, hook: str) -> dict[str, Any]:
    event = copy.deepcopy(sample_event(name))
    event["detail"]["AutoScalingGroupName"] = ASG
    event["detail"]["LifecycleHookName"] = hook
    return event


def our_container_instance_event() -> dict[str, Any]:
    event = copy.deepcopy(sample_event("ecs_container_instance_state_change.json"))
    event["detail"]["clusterArn"] = CLUSTER_ARN
    return event


@pytest.mark.parametrize("name", LAUNCH_SAMPLES)
def test_launch_rule_takes_our_launch_actions_only(template: dict[str, Any], name: str) -> None:
    assert matches(template, "LaunchLifecycleRule", ours(name, LAUNCH_HOOK))
    assert not matches(template, "LaunchLifecycleRule", sample_event(name))  # another group
    assert not matches(template, "LaunchLifecycleRule", ours(name, TERMINATE_HOOK))
    assert not matches(template, "TerminateLifecycleRule", ours(name, TERMINATE_HOOK))
    for rule in ECS_RULES:
        assert not matches(template, rule, ours(name, LAUNCH_HOOK))


@pytest.mark.parametrize("name", TERMINATE_SAMPLES)
def test_terminate_rule_takes_our_terminate_actions_only(
    template: dict[str, Any], name: str
) -> None:
    assert matches(template, "TerminateLifecycleRule", ours(name, TERMINATE_HOOK))
    assert not matches(template, "TerminateLifecycleRule", sample_event(name))  # another group
    assert not matches(template, "TerminateLifecycleRule", ours(name, LAUNCH_HOOK))
    assert not matches(template, "LaunchLifecycleRule", ours(name, LAUNCH_HOOK))
    for rule in ECS_RULES:
        assert not matches(template, rule, ours(name, TERMINATE_HOOK))


def test_lifecycle_rules_reject_another_group_with_our_hook_name(template: dict[str, Any]) -> None:
    event = ours(LAUNCH_SAMPLES[0], LAUNCH_HOOK)
    event["detail"]["AutoScalingGroupName"] = "other-stack-ecs"
    assert not matches(template, "LaunchLifecycleRule", event)
    event = ours(TERMINATE_SAMPLES[0], TERMINATE_HOOK)
    event["detail"]["AutoScalingGroupName"] = f"{ASG}-2"  # a prefix is not a match
    assert not matches(template, "TerminateLifecycleRule", event)


def test_lifecycle_rules_reject_another_source(template: dict[str, Any]) -> None:
    event = ours(LAUNCH_SAMPLES[0], LAUNCH_HOOK)
    event["source"] = "my.custom.source"
    assert not matches(template, "LaunchLifecycleRule", event)


def test_container_instance_rules_take_our_cluster_only(template: dict[str, Any]) -> None:
    assert matches(template, "LaunchContainerInstanceRule", our_container_instance_event())
    # The documented sample is from the `default` cluster.
    documented = sample_event("ecs_container_instance_state_change.json")
    other = our_container_instance_event()
    other["detail"]["clusterArn"] = CLUSTER_ARN.replace("DevCluster", "DevCluster2")
    other_type = our_container_instance_event()
    other_type["detail-type"] = "ECS Task State Change"
    for rule in ECS_RULES:
        for event in (documented, other, other_type):
            assert not matches(template, rule, event), rule


def state_change(status: str, agent: bool = True, **counts: int | None) -> dict[str, Any]:
    event = our_container_instance_event()
    event["detail"].update({"status": status, "agentConnected": agent})
    for key, value in counts.items():
        if value is not None:
            event["detail"][key] = value
    return event


def health_change(status: str, name: str = "ecs_container_instance_health_change.json") -> dict[str, Any]:
    event = copy.deepcopy(sample_event(name))
    event["detail"]["clusterArn"] = CLUSTER_ARN
    event["detail"]["overallStatus"] = status
    return event


# (event, wakes the launch function, wakes the terminate function): EventBridge content
# filtering drops what cannot change a waiting action before any invocation.
BUSY = {"runningTasksCount": 3, "pendingTasksCount": 0}
IDLE = {"runningTasksCount": 0, "pendingTasksCount": 0}
ROUTING = [
    ("joined", state_change("ACTIVE", **IDLE), True, False),
    ("joined, counts not in the event", state_change("ACTIVE"), True, False),
    ("task started on an instance in service", state_change("ACTIVE", **BUSY), False, False),
    ("task placed on a new instance", state_change("ACTIVE", runningTasksCount=0, pendingTasksCount=1),
     False, False),
    ("agent disconnected", state_change("ACTIVE", agent=False, **BUSY), False, False),
    ("registration failed", state_change("REGISTRATION_FAILED", agent=False), True, False),
    ("draining, tasks left", state_change("DRAINING", **BUSY), False, False),
    ("draining, one pending", state_change("DRAINING", runningTasksCount=0, pendingTasksCount=1),
     False, False),
    ("drained", state_change("DRAINING", **IDLE), False, True),
    ("draining, counts not in the event (AWS's sample)", state_change("DRAINING"), False, True),
    ("drained instance terminated (agent gone)", state_change("DRAINING", agent=False, **IDLE), False, False),
    ("deregistered", state_change("INACTIVE", agent=False), False, False),
    ("health OK", health_change("OK"), True, False),
    ("health IMPAIRED", health_change("IMPAIRED", "ecs_container_instance_health_change_agent_connectivity.json"),
     False, False),
]


@pytest.mark.parametrize("routing", ROUTING, ids=[r[0] for r in ROUTING])
def test_container_instance_events_wake_only_the_function_they_can_concern(
    template: dict[str, Any], routing: tuple[str, dict[str, Any], bool, bool]
) -> None:
    _, event, launch, terminate = routing
    for check in (matches, matches_in_simulator):
        assert check(template, "LaunchContainerInstanceRule", event) == launch
        assert check(template, "TerminateContainerInstanceRule", event) == terminate


def test_documented_health_samples_match_the_launch_rule_only_when_ok(template: dict[str, Any]) -> None:
    for name, expected in (("ecs_container_instance_health_change.json", True),
                           ("ecs_container_instance_health_change_agent_connectivity.json", False)):
        event = copy.deepcopy(sample_event(name))
        event["detail"]["clusterArn"] = CLUSTER_ARN
        assert matches(template, "LaunchContainerInstanceRule", event) == expected
        assert not matches(template, "TerminateContainerInstanceRule", event)


@pytest.mark.parametrize("name", UNRELATED_SAMPLES)
def test_no_pattern_rule_takes_unrelated_events(template: dict[str, Any], name: str) -> None:
    event = copy.deepcopy(sample_event(name))
    detail = event.get("detail", {})
    if "clusterArn" in detail:
        detail["clusterArn"] = CLUSTER_ARN  # same cluster, other detail-type
    for rule in ("LaunchLifecycleRule", "TerminateLifecycleRule", *ECS_RULES):
        assert not matches(template, rule, event), rule


def test_sweep_is_a_schedule_not_a_pattern(template: dict[str, Any]) -> None:
    sweep = rule_patterns(template)["SweepScheduleRule"]
    assert sweep.event_pattern is None
    assert sweep.schedule_expression == "rate(1 minute)"
    # What the functions receive from it is the documented scheduled event.
    event = sample_event("eventbridge_scheduled_event.json")
    assert (event["source"], event["detail-type"]) == ("aws.events", "Scheduled Event")
