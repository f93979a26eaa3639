"""Auto Scaling groups, their instances, lifecycle hooks, actions and scaling activities.

Instance lifecycle states follow "Amazon EC2 Auto Scaling instance lifecycle"
(https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-lifecycle.html):
Pending -> Pending:Wait -> Pending:Proceed -> InService -> Terminating -> Terminating:Wait ->
Terminating:Proceed -> Terminated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ecs_cluster_manager.sim.clock import Timer

if TYPE_CHECKING:
    from ecs_cluster_manager.sim.autoscaling.warm_pool import WarmPool

LAUNCHING = "autoscaling:EC2_INSTANCE_LAUNCHING"
TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING"
# Hooks time out after at most 48 hours or 100 x HeartbeatTimeout
# (https://docs.aws.amazon.com/autoscaling/ec2/userguide/lifecycle-hooks.html).
GLOBAL_TIMEOUT_CAP_S = 48 * 3600
PROCESSES = ("Launch", "Terminate", "AddToLoadBalancer", "AlarmNotification", "AZRebalance",
             "HealthCheck", "InstanceRefresh", "ReplaceUnhealthy", "ScheduledActions")
# The result of an action that ended without a hook result: the instance was terminated outside
# the group, the group was force-deleted, or the instance was terminated while waiting.
CANCELLED = "CANCELLED"
# States whose instances count toward the group's capacity.
COUNTED = ("Pending", "Pending:Wait", "Pending:Proceed", "InService")


def dt(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


@dataclass
class LifecycleHook:
    name: str
    group: str
    transition: str
    heartbeat_timeout_s: int = 3600
    default_result: str = "ABANDON"
    metadata: str | None = None
    role_arn: str | None = None
    target_arn: str | None = None

    @property
    def global_timeout_s(self) -> int:
        return min(GLOBAL_TIMEOUT_CAP_S, 100 * self.heartbeat_timeout_s)

    def describe(self) -> dict[str, Any]:
        described: dict[str, Any] = {
            "LifecycleHookName": self.name, "AutoScalingGroupName": self.group,
            "LifecycleTransition": self.transition, "HeartbeatTimeout": self.heartbeat_timeout_s,
            "GlobalTimeout": self.global_timeout_s, "DefaultResult": self.default_result,
        }
        for key, value in (("NotificationMetadata", self.metadata), ("RoleARN", self.role_arn),
                           ("NotificationTargetARN", self.target_arn)):
            if value is not None:
                described[key] = value
        return described


@dataclass
class LifecycleAction:
    """One hook waiting on one instance; `result`/`completed_by` are set once it ends."""

    token: str
    hook: LifecycleHook
    instance_id: str
    started: float
    heartbeat_deadline: float
    global_deadline: float
    timer: Timer | None = None
    heartbeats: int = 0
    ended: float | None = None
    result: str | None = None
    # "api" (a caller), "timeout", or why it was CANCELLED (see `LifecycleActions.cancel_all`)
    completed_by: str | None = None

    @property
    def active(self) -> bool:
        return self.result is None


@dataclass
class GroupInstance:
    instance_id: str
    instance_type: str
    availability_zone: str
    launch_template: tuple[str, str, str]  # (id, name, version number)
    launched: float
    state: str = "Pending"
    health: str = "Healthy"
    protected: bool = False
    running: bool = False  # EC2 has reported `running`
    actions: list[LifecycleAction] = field(default_factory=list)
    activity_id: str = ""
    abandoned: bool = False
    version_number: int = 0  # the launch template version it was launched from

    def describe(self, group: str | None = None) -> dict[str, Any]:
        lt_id, lt_name, version = self.launch_template
        described: dict[str, Any] = {
            "InstanceId": self.instance_id, "InstanceType": self.instance_type,
            "AvailabilityZone": self.availability_zone, "LifecycleState": self.state,
            "HealthStatus": self.health if group is None else self.health.upper(),
            "LaunchTemplate": {"LaunchTemplateId": lt_id, "LaunchTemplateName": lt_name,
                               "Version": version},
            "ProtectedFromScaleIn": self.protected,
        }
        if group is not None:
            described["AutoScalingGroupName"] = group
        return described


@dataclass
class Activity:
    activity_id: str
    group: str
    description: str
    cause: str
    start: float
    status: str = "InProgress"
    end: float | None = None
    progress: int = 0
    details: str = "{}"
    status_message: str | None = None

    def finish(self, now: float, status: str = "Successful", message: str | None = None) -> None:
        self.status, self.end, self.progress = status, now, 100
        if message:
            self.status_message = message

    def describe(self) -> dict[str, Any]:
        described: dict[str, Any] = {
            "ActivityId": self.activity_id, "AutoScalingGroupName": self.group,
            "Description": self.description, "Cause": self.cause, "StartTime": dt(self.start),
            "StatusCode": self.status, "Progress": self.progress, "Details": self.details,
        }
        if self.end is not None:
            described["EndTime"] = dt(self.end)
        if self.status_message:
            described["StatusMessage"] = self.status_message
        return described


@dataclass
class Group:
    name: str
    arn: str
    launch_template: dict[str, str]  # LaunchTemplateId/LaunchTemplateName + Version as given
    min_size: int
    max_size: int
    desired: int
    zones: list[str]
    subnets: list[str]
    created: float
    termination_policies: list[str] = field(default_factory=lambda: ["Default"])
    protect_new: bool = False
    tags: list[dict[str, Any]] = field(default_factory=list)
    instances: dict[str, GroupInstance] = field(default_factory=dict)
    hooks: dict[str, LifecycleHook] = field(default_factory=dict)
    suspended: dict[str, str] = field(default_factory=dict)
    activities: list[Activity] = field(default_factory=list)
    health_check_grace_s: int = 300
    deleting: bool = False
    next_zone: int = 0
    warm_pool: WarmPool | None = None

    def counted(self) -> list[GroupInstance]:
        return [i for i in self.instances.values() if i.state in COUNTED]

    def hooks_for(self, transition: str) -> list[LifecycleHook]:
        return [hook for hook in self.hooks.values() if hook.transition == transition]
