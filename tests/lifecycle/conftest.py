"""Fixtures for the lifecycle gates: a configuration, a fake world and event builders."""

from __future__ import annotations

from typing import Any

import pytest

from ecs_cluster_manager.lifecycle.config import Config
from tests.samples import sample_event

from .fakes import ASG, CLUSTER, CLUSTER_ARN, LAUNCH_HOOK, TERMINATE_HOOK, FakeWorld

sample = sample_event


def make_config(**overrides: Any) -> Config:
    values: dict[str, Any] = {
        "cluster": CLUSTER, "asg_name": ASG, "launch_hook": LAUNCH_HOOK, "terminate_hook": TERMINATE_HOOK,
        "stack_name": "ecs-dev", "asg_logical_id": "EcsAutoScalingGroup",
    }
    values.update(overrides)
    return Config(**values)


@pytest.fixture
def config() -> Config:
    return make_config()


@pytest.fixture
def world() -> FakeWorld:
    return FakeWorld()


def lifecycle_event(instance_id: str, hook: str, time: str = "2026-01-01T00:00:00Z",
                    asg: str = ASG, **detail: str) -> dict[str, Any]:
    launching = hook == LAUNCH_HOOK or "launch" in hook
    return {
        "version": "0", "id": "e-1", "source": "aws.autoscaling", "account": "123456789012",
        "detail-type": f"EC2 Instance-{'launch' if launching else 'terminate'} Lifecycle Action",
        "time": time, "region": "us-east-1", "resources": [],
        "detail": {"LifecycleActionToken": "tok", "AutoScalingGroupName": asg, "LifecycleHookName": hook,
                   "EC2InstanceId": instance_id,
                   "LifecycleTransition": f"autoscaling:EC2_INSTANCE_{'LAUNCHING' if launching else 'TERMINATING'}",
                   **detail},
    }


def ecs_event(instance_id: str, status: str = "ACTIVE", agent: bool = True, tasks: int = 0,
              cluster_arn: str = CLUSTER_ARN) -> dict[str, Any]:
    return {
        "version": "0", "id": "e-2", "source": "aws.ecs", "detail-type": "ECS Container Instance State Change",
        "time": "2026-01-01T00:00:00Z", "region": "us-east-1", "resources": [],
        "detail": {"clusterArn": cluster_arn, "ec2InstanceId": instance_id, "status": status,
                   "agentConnected": agent, "runningTasksCount": tasks, "pendingTasksCount": 0, "version": 3},
    }


SWEEP = {"version": "0", "id": "e-3", "detail-type": "Scheduled Event", "source": "aws.events",
         "time": "2026-01-01T00:00:00Z", "region": "us-east-1", "resources": [], "detail": {}}
