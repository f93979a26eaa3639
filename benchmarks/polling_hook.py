"""The polling baseline: lifecycle-hook handlers shaped like the original sample's, as described.

Written from the description of awslabs/ecs-cluster-manager's design (no code taken from it):

- Each handler is invoked by the lifecycle action's EventBridge event, or by the CloudTrail
  event ("AWS API Call via CloudTrail") of its own `RecordLifecycleActionHeartbeat`, which is
  how it continues past its Lambda timeout (300 s, 128 MB, as the sample's template set them).
- Inside one invocation it polls every 30 s until about a minute is left, then records a
  heartbeat and returns; the heartbeat's CloudTrail event starts the next invocation.
- Every poll finds the instance's container instance by listing every container instance of
  the cluster (pages of 10, as the sample asked for) and describing each page.
- Launch: CONTINUE once that container instance is ACTIVE with its agent connected.
- Terminate: set the container instance DRAINING, then on every poll check every service of
  the cluster (ListServices pages of 10, DescribeServices) and every task of the cluster
  (ListTasks pages of 100, running and stopping ones, DescribeTasks); CONTINUE once no task on
  the instance is left and every service has its desired count running.
- Clients use botocore's default (legacy) retry mode; an error ends the invocation (Lambda
  retries it twice, then drops the event).

The sample also paged DescribeScalingActivities on every continuation; the baseline does not,
which only makes it cheaper than the original.
"""

from __future__ import annotations

import os
import time
from typing import Any

import boto3

POLL_S = 30.0
KEEP_S = 60.0  # heartbeat and stop when less than this is left of the invocation


def launch(event: dict[str, Any], context: Any) -> str:
    return _poll(event, context, _joined)


def terminate(event: dict[str, Any], context: Any) -> str:
    return _poll(event, context, _drained)


def _poll(event: dict[str, Any], context: Any, done: Any) -> str:
    action = _action(event)
    ecs, asg = boto3.client("ecs"), boto3.client("autoscaling")
    cluster = os.environ["ECM_CLUSTER"]
    first = True
    while context.get_remaining_time_in_millis() > KEEP_S * 1000:
        if not first:
            time.sleep(POLL_S)
        first = False
        instance = _container_instance(ecs, cluster, action["instance"])
        if instance is not None and done(ecs, cluster, instance):
            asg.complete_lifecycle_action(
                AutoScalingGroupName=action["group"], LifecycleHookName=action["hook"],
                LifecycleActionToken=action["token"], LifecycleActionResult="CONTINUE")
            return "CONTINUE"
    asg.record_lifecycle_action_heartbeat(
        AutoScalingGroupName=action["group"], LifecycleHookName=action["hook"],
        LifecycleActionToken=action["token"], InstanceId=action["instance"])
    return "HEARTBEAT"


def _action(event: dict[str, Any]) -> dict[str, str]:
    detail = event["detail"]
    if "requestParameters" in detail:  # our own heartbeat, seen through CloudTrail
        asked = detail["requestParameters"]
        return {"group": asked["autoScalingGroupName"], "hook": asked["lifecycleHookName"],
                "token": asked["lifecycleActionToken"], "instance": asked["instanceId"]}
    return {"group": detail["AutoScalingGroupName"], "hook": detail["LifecycleHookName"],
            "token": detail["LifecycleActionToken"], "instance": detail["EC2InstanceId"]}


def _container_instance(ecs: Any, cluster: str, instance_id: str) -> dict[str, Any] | None:
    for page in ecs.get_paginator("list_container_instances").paginate(
            cluster=cluster, PaginationConfig={"PageSize": 10}):
        arns = page["containerInstanceArns"]
        if not arns:
            continue
        described = ecs.describe_container_instances(cluster=cluster, containerInstances=arns)
        for instance in described["containerInstances"]:
            if instance["ec2InstanceId"] == instance_id:
                return dict(instance)
    return None


def _joined(ecs: Any, cluster: str, instance: dict[str, Any]) -> bool:
    return bool(instance["status"] == "ACTIVE" and instance["agentConnected"])


def _drained(ecs: Any, cluster: str, instance: dict[str, Any]) -> bool:
    if instance["status"] == "ACTIVE":
        ecs.update_container_instances_state(
            cluster=cluster, containerInstances=[instance["containerInstanceArn"]],
            status="DRAINING")
    steady = True
    for page in ecs.get_paginator("list_services").paginate(
            cluster=cluster, PaginationConfig={"PageSize": 10}):
        if page["serviceArns"]:
            for service in ecs.describe_services(cluster=cluster,
                                                 services=page["serviceArns"])["services"]:
                steady &= service["runningCount"] == service["desiredCount"]
    live_here = 0
    # Tasks still stopping have desiredStatus STOPPED: list both, or a drain looks done early.
    for desired in ("RUNNING", "STOPPED"):
        for page in ecs.get_paginator("list_tasks").paginate(
                cluster=cluster, desiredStatus=desired, PaginationConfig={"PageSize": 100}):
            if page["taskArns"]:
                for task in ecs.describe_tasks(cluster=cluster, tasks=page["taskArns"])["tasks"]:
                    here = task.get("containerInstanceArn") == instance["containerInstanceArn"]
                    live_here += here and task["lastStatus"] != "STOPPED"
    return steady and live_here == 0
