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
    assert not matches(template, "ContainerInstanceStateRule", ours(name, LAUNCH_HOOK))


@pytest.mark.parametrize("name", TERMINATE_SAMPLES)
def test_terminate_rule_takes_our_terminate_actions_only(
    template: dict[str, Any], name: str
) -> None:
    assert matches(template, "TerminateLifecycleRule", ours(name, TERMINATE_HOOK))
    assert not matches(template, "TerminateLifecycleRule", sample_event(name))  # another group
    assert not matches(template, "TerminateLifecycleRule", ours(name, LAUNCH_HOOK))
    assert not matches(template, "LaunchLifecycleRule", ours(name, LAUNCH_HOOK))
    assert not matches(template, "ContainerInstanceStateRule", ours(name, TERMINATE_HOOK))


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


def test_container_instance_rule_takes_our_cluster_only(template: dict[str, Any]) -> None:
    assert matches(template, "ContainerInstanceStateRule", our_container_instance_event())
    # The documented sample is from the `default` cluster.
    documented = sample_event("ecs_container_instance_state_change.json")
    assert not matches(template, "ContainerInstanceStateRule", documented)
    other = our_container_instance_event()
    other["detail"]["clusterArn"] = CLUSTER_ARN.replace("DevCluster", "DevCluster2")
    assert not matches(template, "ContainerInstanceStateRule", other)
    other_type = our_container_instance_event()
    other_type["detail-type"] = "ECS Task State Change"
    assert not matches(template, "ContainerInstanceStateRule", other_type)


@pytest.mark.parametrize("name", UNRELATED_SAMPLES)
def test_no_pattern_rule_takes_unrelated_events(template: dict[str, Any], name: str) -> None:
    event = copy.deepcopy(sample_event(name))
    detail = event.get("detail", {})
    if "clusterArn" in detail:
        detail["clusterArn"] = CLUSTER_ARN  # same cluster, other detail-type
    for rule in ("LaunchLifecycleRule", "TerminateLifecycleRule", "ContainerInstanceStateRule"):
        assert not matches(template, rule, event), rule


def test_sweep_is_a_schedule_not_a_pattern(template: dict[str, Any]) -> None:
    sweep = rule_patterns(template)["SweepScheduleRule"]
    assert sweep.event_pattern is None
    assert sweep.schedule_expression == "rate(1 minute)"
    # What the functions receive from it is the documented scheduled event.
    event = sample_event("eventbridge_scheduled_event.json")
    assert (event["source"], event["detail-type"]) == ("aws.events", "Scheduled Event")
