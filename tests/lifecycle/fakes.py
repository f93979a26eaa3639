"""A tiny in-memory AWS for behaviour tests of the gates, at the boto3-client level.

Request shapes are checked separately with botocore's Stubber (test_adapters.py); this fake only
models the state the gates read and change, and records every call so tests can count them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from typing import Any

from botocore.exceptions import ClientError

from ecs_cluster_manager.lifecycle.aws import Clients

CLUSTER = "DevCluster"
CLUSTER_ARN = f"arn:aws:ecs:us-east-1:123456789012:cluster/{CLUSTER}"
ASG = "ecs-dev-ecs"
LAUNCH_HOOK = "ecs-dev-launch-hook"
TERMINATE_HOOK = "ecs-dev-terminate-hook"
T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z
MAX_TAGS = 50  # per EC2 resource, existing and new together (Amazon EC2 User Guide, "Tag your resources")


def client_error(code: str, message: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


@dataclass
class Task:
    arn: str
    instance: str  # container instance ARN
    group: str
    last: str = "RUNNING"
    desired: str = "RUNNING"


@dataclass
class Service:
    name: str
    desired: int = 1
    running: int = 1
    pending: int = 0
    deployments: int = 1
    status: str = "ACTIVE"


@dataclass
class FakeWorld:
    now: float = T0
    instances: dict[str, dict[str, Any]] = field(default_factory=dict)
    container_instances: dict[str, dict[str, Any]] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)
    waiting: dict[str, str] = field(default_factory=dict)  # instance id -> hook name
    completed: list[tuple[str, str, str]] = field(default_factory=list)
    heartbeats: list[str] = field(default_factory=list)
    signals: list[tuple[str, str]] = field(default_factory=list)
    signals_expected: bool = True
    deny_signal: bool = False
    calls: Counter[str] = field(default_factory=Counter)
    throttle: dict[str, int] = field(default_factory=dict)  # operation -> failures left
    broken: dict[str, int] = field(default_factory=dict)  # operation -> server errors left
    warm_pool: set[str] = field(default_factory=set)  # waiting to enter or return to a warm pool
    report_resources: bool = False  # DescribeContainerInstances reports registered/remaining CPU and memory

    def lifecycle_state(self, instance_id: str) -> str:
        hook = self.waiting.get(instance_id)
        if hook and instance_id in self.warm_pool:
            return "Warmed:Pending:Wait"
        return {LAUNCH_HOOK: "Pending:Wait", TERMINATE_HOOK: "Terminating:Wait"}.get(hook or "", "InService")

    # ---- building the world --------------------------------------------------------------
    def add_instance(self, instance_id: str, hook: str | None = None, state: str = "running",
                     launched: float | None = None, group: str | None = ASG) -> None:
        """`group`: the aws:autoscaling:groupName tag Auto Scaling puts on the instance (None: untagged)."""
        self.instances[instance_id] = {"state": state, "launch": launched or self.now, "tags": {},
                                       "group": group}
        if hook:
            self.waiting[instance_id] = hook

    def register(self, instance_id: str, status: str = "ACTIVE", agent: bool = True,
                 health: str | None = None, attributes: tuple[str, ...] = ()) -> str:
        arn = f"arn:aws:ecs:us-east-1:123456789012:container-instance/{CLUSTER}/ci-{instance_id}"
        self.container_instances[arn] = {"ec2": instance_id, "status": status, "agent": agent,
                                         "health": health, "attributes": attributes, "registered": self.now}
        return arn

    def add_task(self, instance_id: str, group: str, task_id: str, last: str = "RUNNING") -> str:
        arn = f"arn:aws:ecs:us-east-1:123456789012:task/{CLUSTER}/{task_id}"
        self.tasks[arn] = Task(arn, self.ci_arn(instance_id), group, last,
                               "STOPPED" if last in ("DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED")
                               else "RUNNING")
        return arn

    def ci_arn(self, instance_id: str) -> str:
        return next(a for a, c in self.container_instances.items() if c["ec2"] == instance_id)

    def finish_stops(self) -> None:
        for task in self.tasks.values():
            if task.desired == "STOPPED":
                task.last = "STOPPED"

    def clients(self) -> Clients:
        return Clients(FakeAutoScaling(self), FakeEcs(self), FakeEc2(self), FakeCloudFormation(self))

    def count(self, operation: str) -> None:
        self.calls[operation] += 1
        if self.throttle.get(operation, 0) > 0:
            self.throttle[operation] -= 1
            raise client_error("ThrottlingException", "Rate exceeded", operation)
        if self.broken.get(operation, 0) > 0:
            self.broken[operation] -= 1
            raise client_error("ServiceUnavailable", "Service is unavailable", operation)


class _Fake:
    def __init__(self, world: FakeWorld) -> None:
        self.world = world


class FakeAutoScaling(_Fake):
    def describe_auto_scaling_groups(self, AutoScalingGroupNames: list[str]) -> dict[str, Any]:
        self.world.count("DescribeAutoScalingGroups")
        instances = [{"InstanceId": i, "LifecycleState": self.world.lifecycle_state(i)}
                     for i in [*self.world.waiting, *(i for i in self.world.instances if i not in self.world.waiting)]]
        return {"AutoScalingGroups": [{"AutoScalingGroupName": ASG, "Instances": instances}]}

    def describe_auto_scaling_instances(self, InstanceIds: list[str]) -> dict[str, Any]:
        self.world.count("DescribeAutoScalingInstances")
        found = []
        for instance_id in InstanceIds:
            if instance_id in self.world.instances:
                state = self.world.lifecycle_state(instance_id)
                found.append({"InstanceId": instance_id, "AutoScalingGroupName": ASG, "LifecycleState": state})
        return {"AutoScalingInstances": found}

    def _active(self, operation: str, hook: str, instance_id: str) -> None:
        if self.world.waiting.get(instance_id) != hook:
            raise client_error("ValidationError",
                               f"No active Lifecycle Action found with instance ID {instance_id}", operation)

    def complete_lifecycle_action(self, LifecycleHookName: str, AutoScalingGroupName: str,
                                  LifecycleActionResult: str, InstanceId: str) -> dict[str, Any]:
        self.world.count("CompleteLifecycleAction")
        self._active("CompleteLifecycleAction", LifecycleHookName, InstanceId)
        del self.world.waiting[InstanceId]
        self.world.completed.append((InstanceId, LifecycleHookName, LifecycleActionResult))
        return {}

    def record_lifecycle_action_heartbeat(self, LifecycleHookName: str, AutoScalingGroupName: str,
                                          InstanceId: str) -> dict[str, Any]:
        self.world.count("RecordLifecycleActionHeartbeat")
        self._active("RecordLifecycleActionHeartbeat", LifecycleHookName, InstanceId)
        self.world.heartbeats.append(InstanceId)
        return {}


class FakeEc2(_Fake):
    def describe_instances(self, InstanceIds: list[str] | None = None,
                           Filters: list[dict[str, Any]] | None = None, MaxResults: int | None = None) -> dict[str, Any]:
        if Filters is not None:  # unknown ids are absent, never an error
            self.world.count("DescribeInstances")
            found = [i for i in sorted(self.world.instances) if all(self._matches(i, f) for f in Filters)]
            return {"Reservations": [{"Instances": [
                {"InstanceId": i, "State": {"Name": self.world.instances[i]["state"]}}
                for i in found[:MaxResults]]}]}
        assert InstanceIds is not None
        self.world.count("DescribeInstances")
        raw = self.world.instances.get(InstanceIds[0])
        if raw is None:
            raise client_error("InvalidInstanceID.NotFound",
                               f"The instance ID '{InstanceIds[0]}' does not exist", "DescribeInstances")
        tags = [{"Key": k, "Value": v} for k, v in raw["tags"].items()]
        if raw["group"] is not None:
            tags.append({"Key": "aws:autoscaling:groupName", "Value": raw["group"]})
        return {"Reservations": [{"Instances": [{
            "InstanceId": InstanceIds[0], "State": {"Name": raw["state"]},
            "LaunchTime": datetime.fromtimestamp(raw["launch"], UTC), "Tags": tags}]}]}

    def _matches(self, instance_id: str, one: dict[str, Any]) -> bool:
        """The filters the functions use: instance-id, instance-state-name, tag:KEY (fnmatch values)."""
        raw, name, values = self.world.instances[instance_id], one["Name"], one["Values"]
        if name == "instance-id":
            return instance_id in values
        if name == "instance-state-name":
            return raw["state"] in values
        assert name.startswith("tag:"), name
        key = name.removeprefix("tag:")
        tags = {**raw["tags"], **({"aws:autoscaling:groupName": raw["group"]} if raw["group"] else {})}
        return key in tags and any(fnmatchcase(tags[key], value) for value in values)

    def create_tags(self, Resources: list[str], Tags: list[dict[str, str]]) -> dict[str, Any]:
        self.world.count("CreateTags")
        tags = self.world.instances[Resources[0]]["tags"]
        if len(set(tags) | {t["Key"] for t in Tags}) > MAX_TAGS:  # EC2 refuses the whole call
            raise client_error("TagLimitExceeded", "The maximum number of tags for a resource is 50.",
                               "CreateTags")
        for tag in Tags:
            tags[tag["Key"]] = tag["Value"]
        return {}


class FakeCloudFormation(_Fake):
    def signal_resource(self, StackName: str, LogicalResourceId: str, UniqueId: str, Status: str) -> dict[str, Any]:
        self.world.count("SignalResource")
        if self.world.deny_signal:
            raise client_error("AccessDenied", "not authorized to perform: cloudformation:SignalResource",
                               "SignalResource")
        if not self.world.signals_expected:
            raise client_error("ValidationError", "Stack is in UPDATE_COMPLETE state and can not be signaled",
                               "SignalResource")
        self.world.signals.append((UniqueId, Status))
        return {}


class _Paginator:
    def __init__(self, method: Any) -> None:
        self.method = method

    def paginate(self, **kwargs: Any) -> list[dict[str, Any]]:
        return [self.method(**kwargs)]


class FakeEcs(_Fake):
    def get_paginator(self, name: str) -> _Paginator:
        return _Paginator(getattr(self, name))

    def list_container_instances(self, cluster: str, filter: str, maxResults: int = 100) -> dict[str, Any]:
        self.world.count("ListContainerInstances")
        subject, value = (part.strip() for part in filter.split("=="))
        field_ = {"ec2InstanceId": "ec2", "agentConnected": "agent"}[subject]
        wanted: object = value == "true" if subject == "agentConnected" else value
        arns = [a for a, c in self.world.container_instances.items()
                if c[field_] == wanted and c["status"] != "INACTIVE"]
        return {"containerInstanceArns": arns[:maxResults]}

    def deregister_container_instance(self, cluster: str, containerInstance: str, force: bool) -> dict[str, Any]:
        self.world.count("DeregisterContainerInstance")
        self.world.container_instances[containerInstance]["status"] = "INACTIVE"
        return {"containerInstance": {"containerInstanceArn": containerInstance, "status": "INACTIVE"}}

    def describe_container_instances(self, cluster: str, containerInstances: list[str],
                                     include: list[str] | None = None) -> dict[str, Any]:
        self.world.count("DescribeContainerInstances")
        found, failures = [], []
        for arn in containerInstances:
            ci = self.world.container_instances.get(arn)
            if ci is None:
                failures.append({"arn": arn, "reason": "MISSING"})
                continue
            live = [t for t in self.world.tasks.values() if t.instance == arn and t.desired == "RUNNING"]
            raw: dict[str, Any] = {
                "containerInstanceArn": arn, "ec2InstanceId": ci["ec2"], "status": ci["status"],
                "agentConnected": ci["agent"], "registeredAt": datetime.fromtimestamp(ci["registered"], UTC),
                "runningTasksCount": len([t for t in live if t.last == "RUNNING"]),
                "pendingTasksCount": len([t for t in live if t.last != "RUNNING"]),
                "attributes": [{"name": a} for a in ci["attributes"]],
            }
            if self.world.report_resources:  # each task not yet STOPPED holds 256 CPU and 512 MiB
                held = len([t for t in self.world.tasks.values() if t.instance == arn and t.last != "STOPPED"])
                raw["registeredResources"] = [{"name": "CPU", "integerValue": 2048},
                                              {"name": "MEMORY", "integerValue": 8000}]
                raw["remainingResources"] = [{"name": "CPU", "integerValue": 2048 - 256 * held},
                                             {"name": "MEMORY", "integerValue": 8000 - 512 * held}]
            if include and ci["health"]:
                raw["healthStatus"] = {"overallStatus": ci["health"]}
            found.append(raw)
        return {"containerInstances": found, "failures": failures}

    def update_container_instances_state(self, cluster: str, containerInstances: list[str],
                                         status: str) -> dict[str, Any]:
        self.world.count("UpdateContainerInstancesState")
        ci = self.world.container_instances[containerInstances[0]]
        if ci["status"] not in ("ACTIVE", "DRAINING"):
            return {"containerInstances": [], "failures": [{"arn": containerInstances[0], "reason": ci["status"]}]}
        ci["status"] = status
        return {"containerInstances": [{"containerInstanceArn": containerInstances[0], "status": status}],
                "failures": []}

    def list_tasks(self, cluster: str, desiredStatus: str, containerInstance: str = "") -> dict[str, Any]:
        self.world.count("ListTasks")
        return {"taskArns": [t.arn for t in self.world.tasks.values() if t.desired == desiredStatus
                             and (not containerInstance or t.instance == containerInstance)]}

    def describe_tasks(self, cluster: str, tasks: list[str]) -> dict[str, Any]:
        self.world.count("DescribeTasks")
        found = [self.world.tasks[a] for a in tasks]
        return {"tasks": [{"taskArn": t.arn, "lastStatus": t.last, "desiredStatus": t.desired,
                           "group": t.group} for t in found]}

    def stop_task(self, cluster: str, task: str, reason: str) -> dict[str, Any]:
        self.world.count("StopTask")
        self.world.tasks[task].desired = "STOPPED"
        self.world.tasks[task].last = "DEACTIVATING"
        return {"task": {"taskArn": task}}

    def describe_services(self, cluster: str, services: list[str]) -> dict[str, Any]:
        self.world.count("DescribeServices")
        found, failures = [], []
        for name in services:
            s = self.world.services.get(name)
            if s is None:
                failures.append({"arn": f"arn:aws:ecs:us-east-1:123456789012:service/{CLUSTER}/{name}",
                                 "reason": "MISSING"})
                continue
            found.append({"serviceName": s.name, "status": s.status, "desiredCount": s.desired,
                          "runningCount": s.running, "pendingCount": s.pending,
                          "deployments": [{"id": f"d-{i}"} for i in range(s.deployments)]})
        return {"services": found, "failures": failures}

    def list_services(self, cluster: str) -> dict[str, Any]:
        self.world.count("ListServices")
        return {"serviceArns": [f"arn:aws:ecs:us-east-1:123456789012:service/{CLUSTER}/{n}"
                                for n in self.world.services]}
