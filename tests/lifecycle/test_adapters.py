"""Request shapes of every AWS call the gates make, checked by botocore's Stubber.

The Stubber validates both our parameters and the canned responses against the real service
models, and `expected_params` pins each call exactly, so these tests fail on any drift.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.config import Config as BotoConfig
from botocore.stub import Stubber

from ecs_cluster_manager.lifecycle import launch, terminate
from ecs_cluster_manager.lifecycle.aws import Clients
from ecs_cluster_manager.lifecycle.config import Config
from ecs_cluster_manager.lifecycle.gate import Runtime
from ecs_cluster_manager.lifecycle.runtime import handle

from .conftest import SWEEP, lifecycle_event, make_config
from .fakes import ASG, CLUSTER, LAUNCH_HOOK, T0, TERMINATE_HOOK

CI = f"arn:aws:ecs:us-east-1:123456789012:container-instance/{CLUSTER}/abc"
TASK = f"arn:aws:ecs:us-east-1:123456789012:task/{CLUSTER}/t1"
LAUNCHED = datetime.fromtimestamp(T0, UTC)


class Stubs:
    def __init__(self) -> None:
        config = BotoConfig(retries={"max_attempts": 1})
        make = lambda name: boto3.client(name, region_name="us-east-1", config=config)  # noqa: E731
        self.clients = Clients(make("autoscaling"), make("ecs"), make("ec2"), make("cloudformation"))
        self.by_service = {name: Stubber(getattr(self.clients, name)) for name in
                           ("autoscaling", "ecs", "ec2", "cloudformation")}

    def add(self, service: str, method: str, response: dict[str, Any], params: dict[str, Any]) -> None:
        self.by_service[service].add_response(method, response, params)

    def error(self, service: str, method: str, code: str, message: str, params: dict[str, Any]) -> None:
        self.by_service[service].add_client_error(method, code, message, 400, expected_params=params)

    def run(self, gate: Any, config: Config, event: object, now: float = T0 + 60) -> dict[str, Any]:
        with ExitStack() as stack:
            for stub in self.by_service.values():
                stack.enter_context(stub)
            result = handle(gate, Runtime(config, self.clients, clock=lambda: now), event)
            for stub in self.by_service.values():
                stub.assert_no_pending_responses()
        return result


@pytest.fixture
def stubs() -> Iterator[Stubs]:
    yield Stubs()


def waiting(stubs: Stubs, state: str) -> None:
    stubs.add("autoscaling", "describe_auto_scaling_instances", {"AutoScalingInstances": [{
        "InstanceId": "i-1", "AutoScalingGroupName": ASG, "AvailabilityZone": "us-east-1a",
        "LifecycleState": state, "HealthStatus": "HEALTHY", "ProtectedFromScaleIn": False}]},
        {"InstanceIds": ["i-1"]})


def swept(stubs: Stubs, state: str) -> None:
    stubs.add("autoscaling", "describe_auto_scaling_groups", {"AutoScalingGroups": [{
        "AutoScalingGroupName": ASG, "MinSize": 1, "MaxSize": 4, "DesiredCapacity": 2, "DefaultCooldown": 300,
        "AvailabilityZones": ["us-east-1a"], "HealthCheckType": "EC2", "CreatedTime": LAUNCHED,
        "Instances": [{"InstanceId": "i-1", "AvailabilityZone": "us-east-1a", "LifecycleState": state,
                       "HealthStatus": "Healthy", "ProtectedFromScaleIn": False}]}]},
        {"AutoScalingGroupNames": [ASG]})


def nothing_owed(stubs: Stubs) -> None:
    """The launch sweep's look for instances in service still owed a signal (owed_signals.py)."""
    stubs.add("ec2", "describe_instances", {"Reservations": []}, {"MaxResults": 50, "Filters": [
        {"Name": "tag:aws:autoscaling:groupName", "Values": [ASG]},
        {"Name": "tag:ecm:signal-owed", "Values": ["?*"]},
        {"Name": "instance-state-name", "Values": ["running"]}]})


def instance(stubs: Stubs, tags: dict[str, str] | None = None) -> None:
    stubs.add("ec2", "describe_instances", {"Reservations": [{"Instances": [{
        "InstanceId": "i-1", "State": {"Name": "running", "Code": 16}, "LaunchTime": LAUNCHED,
        "Tags": [{"Key": k, "Value": v} for k, v in (tags or {}).items()]}]}]}, {"InstanceIds": ["i-1"]})


def container_instance(stubs: Stubs, status: str, running: int = 0, include: bool = False) -> None:
    params: dict[str, Any] = {"cluster": CLUSTER, "containerInstances": [CI]}
    raw: dict[str, Any] = {"containerInstanceArn": CI, "ec2InstanceId": "i-1", "status": status,
                           "agentConnected": True, "runningTasksCount": running, "pendingTasksCount": 0,
                           "attributes": [{"name": "ecs.os-type", "value": "linux"}]}
    if include:
        params["include"] = ["CONTAINER_INSTANCE_HEALTH"]
        raw["healthStatus"] = {"overallStatus": "OK", "details": []}
    stubs.add("ecs", "describe_container_instances", {"containerInstances": [raw], "failures": []}, params)


def listed(stubs: Stubs) -> None:
    stubs.add("ecs", "list_container_instances", {"containerInstanceArns": [CI]},
              {"cluster": CLUSTER, "filter": "ec2InstanceId == i-1"})


def tasks(stubs: Stubs, desired: str, last: str, group: str = "service:web") -> None:
    stubs.add("ecs", "list_tasks", {"taskArns": [TASK]},
              {"cluster": CLUSTER, "containerInstance": CI, "desiredStatus": desired})
    stubs.add("ecs", "describe_tasks", {"tasks": [{"taskArn": TASK, "lastStatus": last, "desiredStatus": desired,
                                                   "group": group}], "failures": []},
              {"cluster": CLUSTER, "tasks": [TASK]})


def complete(stubs: Stubs, hook: str, result: str) -> None:
    stubs.add("autoscaling", "complete_lifecycle_action", {},
              {"LifecycleHookName": hook, "AutoScalingGroupName": ASG, "LifecycleActionResult": result,
               "InstanceId": "i-1"})


def test_launch_continue_calls(stubs: Stubs) -> None:
    waiting(stubs, "Pending:Wait")
    instance(stubs)
    listed(stubs)
    container_instance(stubs, "ACTIVE", include=True)
    # The completion first, then the signal, then the container instance remembered.
    complete(stubs, LAUNCH_HOOK, "CONTINUE")
    stubs.add("cloudformation", "signal_resource", {},
              {"StackName": "ecs-dev", "LogicalResourceId": "EcsAutoScalingGroup", "UniqueId": "i-1",
               "Status": "SUCCESS"})
    stubs.add("ec2", "create_tags", {}, {"Resources": ["i-1"], "Tags": [
        {"Key": "ecm:container-instance", "Value": CI}]})
    assert stubs.run(launch.GATE, make_config(), lifecycle_event("i-1", LAUNCH_HOOK)) == {
        "decisions": {"i-1": "continue"}}


def test_launch_abandon_tolerates_no_signal_expected_and_no_active_action(stubs: Stubs) -> None:
    swept(stubs, "Pending:Wait")
    nothing_owed(stubs)
    stubs.error("ec2", "describe_instances", "InvalidInstanceID.NotFound", "The instance ID 'i-1' does not exist",
                {"InstanceIds": ["i-1"]})
    stubs.error("cloudformation", "signal_resource", "ValidationError", "Stack is in UPDATE_COMPLETE state",
                {"StackName": "ecs-dev", "LogicalResourceId": "EcsAutoScalingGroup", "UniqueId": "i-1",
                 "Status": "FAILURE"})
    stubs.error("autoscaling", "complete_lifecycle_action", "ValidationError",
                "No active Lifecycle Action found with instance ID i-1",
                {"LifecycleHookName": LAUNCH_HOOK, "AutoScalingGroupName": ASG, "LifecycleActionResult": "ABANDON",
                 "InstanceId": "i-1"})
    assert stubs.run(launch.GATE, make_config(), SWEEP) == {"decisions": {"i-1": "abandon"}}


def test_terminate_drain_start_calls(stubs: Stubs) -> None:
    waiting(stubs, "Terminating:Wait")
    instance(stubs)
    listed(stubs)
    container_instance(stubs, "ACTIVE", running=1)
    tasks(stubs, "RUNNING", "RUNNING")
    # The drain counts from the lifecycle event's time (T0), not from this wake-up (T0 + 60).
    stubs.add("ec2", "create_tags", {}, {"Resources": ["i-1"], "Tags": [
        {"Key": "ecm:drain-started", "Value": str(int(T0))}, {"Key": "ecm:drain-services", "Value": "web"},
        {"Key": "ecm:container-instance", "Value": CI}]})
    stubs.add("ecs", "update_container_instances_state",
              {"containerInstances": [{"containerInstanceArn": CI, "status": "DRAINING"}], "failures": []},
              {"cluster": CLUSTER, "containerInstances": [CI], "status": "DRAINING"})
    assert stubs.run(terminate.GATE, make_config(), lifecycle_event("i-1", TERMINATE_HOOK)) == {
        "decisions": {"i-1": "drain-started"}}


def drained_record(started: float) -> dict[str, str]:
    return {"ecm:drain-started": str(int(started)), "ecm:drain-services": "web", "ecm:container-instance": CI}


def test_terminate_continue_calls(stubs: Stubs) -> None:
    waiting(stubs, "Terminating:Wait")
    instance(stubs, drained_record(T0))
    container_instance(stubs, "DRAINING")
    tasks(stubs, "STOPPED", "STOPPED")
    stubs.add("ecs", "describe_services", {"services": [{
        "serviceName": "web", "status": "ACTIVE", "desiredCount": 2, "runningCount": 2, "pendingCount": 0,
        "deployments": [{"id": "ecs-svc/1", "status": "PRIMARY"}]}], "failures": []},
        {"cluster": CLUSTER, "services": ["web"]})
    complete(stubs, TERMINATE_HOOK, "CONTINUE")
    assert stubs.run(terminate.GATE, make_config(), lifecycle_event("i-1", TERMINATE_HOOK)) == {
        "decisions": {"i-1": "continue"}}


def test_terminate_heartbeat_and_standalone_stop_calls(stubs: Stubs) -> None:
    swept(stubs, "Terminating:Wait")
    instance(stubs, drained_record(T0))
    container_instance(stubs, "DRAINING", running=1)
    tasks(stubs, "RUNNING", "RUNNING", group="family:batch")
    stubs.add("ecs", "stop_task", {"task": {"taskArn": TASK}},
              {"cluster": CLUSTER, "task": TASK, "reason": "standalone task past 300s grace"})
    stubs.add("autoscaling", "record_lifecycle_action_heartbeat", {},
              {"LifecycleHookName": TERMINATE_HOOK, "AutoScalingGroupName": ASG, "InstanceId": "i-1"})
    stubs.add("ec2", "create_tags", {}, {"Resources": ["i-1"], "Tags": [
        {"Key": "ecm:heartbeat", "Value": str(int(T0 + 1800))}]})
    assert stubs.run(terminate.GATE, make_config(), SWEEP, now=T0 + 1800) == {"decisions": {"i-1": "wait"}}


def test_cluster_scope_calls(stubs: Stubs) -> None:
    waiting(stubs, "Terminating:Wait")
    instance(stubs, drained_record(T0))
    container_instance(stubs, "DRAINING")
    tasks(stubs, "STOPPED", "STOPPED")
    stubs.add("ecs", "list_services", {"serviceArns": [f"arn:aws:ecs:us-east-1:123456789012:service/{CLUSTER}/web"]},
              {"cluster": CLUSTER})
    stubs.add("ecs", "describe_services", {"services": [], "failures": [
        {"arn": f"arn:aws:ecs:us-east-1:123456789012:service/{CLUSTER}/web", "reason": "MISSING"}]},
        {"cluster": CLUSTER, "services": ["web"]})
    for desired in ("RUNNING", "STOPPED"):
        stubs.add("ecs", "list_tasks", {"taskArns": []}, {"cluster": CLUSTER, "desiredStatus": desired})
    complete(stubs, TERMINATE_HOOK, "CONTINUE")
    config = make_config(stability_scope="cluster")
    assert stubs.run(terminate.GATE, config, lifecycle_event("i-1", TERMINATE_HOOK)) == {
        "decisions": {"i-1": "continue"}}

