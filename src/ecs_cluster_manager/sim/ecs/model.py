"""The simulated ECS resources as plain records; the behaviour lives in the other modules.

Status values follow the API reference: container instance status
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerInstance.html) and the
task lifecycle (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle-explanation.html).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

# Task lastStatus values in lifecycle order.
STARTING_STATES = ("PROVISIONING", "PENDING", "ACTIVATING")
STOPPING_STATES = ("DEACTIVATING", "STOPPING", "DEPROVISIONING")
RUNNING = "RUNNING"
STOPPED = "STOPPED"


class StopCause(Enum):
    """Why a task was stopped; the harness checks invariants against these."""

    USER = "user"  # StopTask
    DRAINING = "container instance draining"
    DEPLOYMENT = "service deployment"
    SCALE_IN = "service scale-in"
    SERVICE_DELETED = "service deleted"
    INSTANCE_TERMINATED = "instance termination"
    # A task orphaned by a forced deregistration or a re-registration ran on, unmonitored,
    # until its instance went away (DeregisterContainerInstance: "they're orphaned").
    ORPHAN_TERMINATED = "orphaned task ended with its instance"
    TASK_EXITED = "essential container exited"  # a standalone task that finished its work


@dataclass
class Cluster:
    name: str
    arn: str
    status: str = "ACTIVE"
    tags: list[dict[str, str]] = field(default_factory=list)


@dataclass
class TaskDefinition:
    family: str
    revision: int
    arn: str
    cpu: int  # CPU units the task reserves on the instance
    memory: int  # MiB the task reserves on the instance
    stop_timeout_s: float  # longest container stopTimeout (ECS default 30 s)
    registered_at: float
    body: dict[str, Any]  # the request members, echoed in DescribeTaskDefinition
    status: str = "ACTIVE"


HEALTH_SEVERITY = ("IMPAIRED", "INSUFFICIENT_DATA", "INITIALIZING", "OK")


@dataclass(frozen=True)
class HealthCheck:
    """One InstanceHealthCheckResult."""

    type: str  # CONTAINER_RUNTIME | AGENT_CONNECTIVITY
    status: str
    reason: str | None
    changed_at: float


@dataclass
class ContainerInstance:
    id: str
    arn: str
    cluster: str
    ec2_instance_id: str
    registered_cpu: int
    registered_memory: int
    registered_at: float
    attributes: list[dict[str, str]]
    status: str = "ACTIVE"
    status_reason: str | None = None
    agent_connected: bool = True
    # What the agent's container runtime check reports (InstanceHealthCheckResult.status).
    runtime_health: str = "OK"
    runtime_health_reason: str | None = None
    runtime_health_changed_at: float = 0.0
    # The overall health last reported, so a Health Change event goes out only on a change.
    reported_health: str | None = None
    disconnected_at: float | None = None  # when the agent last lost its connection
    # Set once the agent has stayed disconnected past the connectivity threshold.
    connectivity_impaired_since: float | None = None
    version: int = 1
    used_cpu: int = 0
    used_memory: int = 0
    running_tasks: int = 0
    pending_tasks: int = 0
    updated_at: float = 0.0
    # Tasks whose next transition waits for the agent to reconnect.
    parked: list[str] = field(default_factory=list)

    def can_place(self) -> bool:
        return self.status == "ACTIVE" and self.agent_connected

    def health_checks(self) -> list[HealthCheck]:
        """The checks behind healthStatus (container-instance-health.html): the container
        runtime, whose data is missing (INSUFFICIENT_DATA: "Data for one or more health checks
        is unavailable") after a failed registration or while the agent is disconnected, and,
        once an agent stays disconnected past the threshold, AGENT_CONNECTIVITY IMPAIRED
        (ecs_container_instance_health_events.html)."""
        runtime = self.runtime_health
        if self.status == "REGISTRATION_FAILED" or not self.agent_connected:
            runtime = "INSUFFICIENT_DATA"
        checks = [HealthCheck("CONTAINER_RUNTIME", runtime,
                              self.runtime_health_reason if runtime == self.runtime_health else None,
                              self.runtime_health_changed_at or self.registered_at)]
        if self.connectivity_impaired_since is not None:
            checks.append(HealthCheck("AGENT_CONNECTIVITY", "IMPAIRED", "Agent disconnected",
                                      self.connectivity_impaired_since))
        return checks

    @property
    def overall_health(self) -> str:
        """The most severe check wins: IMPAIRED, INSUFFICIENT_DATA, INITIALIZING, OK."""
        return min((c.status for c in self.health_checks()), key=HEALTH_SEVERITY.index)

    def fits(self, cpu: int, memory: int) -> bool:
        return (
            self.registered_cpu - self.used_cpu >= cpu
            and self.registered_memory - self.used_memory >= memory
        )


@dataclass
class Task:
    id: str
    arn: str
    cluster: str
    task_definition: TaskDefinition
    container_instance_id: str
    ec2_instance_id: str
    availability_zone: str
    group: str
    started_by: str | None
    created_at: float
    service: str | None = None
    deployment_id: str | None = None
    last_status: str = "PROVISIONING"
    desired_status: str = RUNNING
    version: int = 1
    container_ids: list[str] = field(default_factory=list)
    pull_started_at: float | None = None
    pull_stopped_at: float | None = None
    started_at: float | None = None
    connectivity_at: float | None = None
    stopping_at: float | None = None
    execution_stopped_at: float | None = None
    stopped_at: float | None = None
    stopped_reason: str | None = None
    stop_code: str | None = None
    stop_cause: StopCause | None = None
    updated_at: float = 0.0
    timer: object | None = None  # the clock handle of the next lifecycle step
    # Seconds each stop phase takes, fixed when the stop is requested.
    stop_plan: tuple[float, float, float] = (0.0, 0.0, 0.0)
    # Where the task counts in its service's tally: (deployment id, 0 running | 1 pending).
    tally_key: tuple[str, int] | None = None
    # Set when ECS lost track of the task (forced deregistration, re-registration): it runs on
    # the host, unmonitored, until the instance goes away.
    orphaned: bool = False
    caller: str | None = None  # who asked for the stop (StopTask), when it was an API call

    @property
    def holds_resources(self) -> bool:
        return self.last_status != STOPPED


@dataclass
class Deployment:
    id: str
    task_definition: TaskDefinition
    created_at: float
    updated_at: float
    status: str = "PRIMARY"
    rollout_state: str = "IN_PROGRESS"
    rollout_state_reason: str = "ECS deployment ecs-svc in progress."
    failed_tasks: int = 0


@dataclass
class StopProfile:
    """How long a task takes to stop: the target group's deregistration delay (spent in
    DEACTIVATING) plus the containers' stop time (spent in STOPPING, at most stopTimeout)."""

    deregistration_delay_s: float = 0.0
    stop_timeout_s: float | None = None  # None: the task definition's stopTimeout


@dataclass
class Service:
    name: str
    arn: str
    cluster: str
    task_definition: TaskDefinition
    desired_count: int
    scheduling_strategy: str  # REPLICA | DAEMON
    minimum_healthy_percent: int
    maximum_percent: int
    created_at: float
    placement_strategy: list[dict[str, str]]
    load_balancers: list[dict[str, Any]]
    tags: list[dict[str, str]]
    deployments: list[Deployment] = field(default_factory=list)
    status: str = "ACTIVE"
    events: list[dict[str, Any]] = field(default_factory=list)
    # Tasks not yet STOPPED, in placement order (a dict, so iteration is deterministic).
    task_ids: dict[str, None] = field(default_factory=dict)
    stop_profile: StopProfile = field(default_factory=StopProfile)
    # distinctInstance is applied; memberOf expressions are kept but not evaluated
    placement_constraints: list[dict[str, str]] = field(default_factory=list)
    steady: bool = False
    scheduled: object | None = None  # the pending scheduler run, if any
    last_placement_failure: float | None = None  # when the current failure was last reported
    last_placement_message: str | None = None
    deployment_blocked_at: float | None = None  # when a held deployment was last reported
    # Per deployment: [running, pending] among tasks whose desired status is RUNNING.
    tally: dict[str, list[int]] = field(default_factory=dict)

    @property
    def primary(self) -> Deployment:
        return self.deployments[0]


@dataclass(frozen=True)
class TaskStop:
    """One entry of the stop log: who stopped which task, when, and why."""

    at: float
    task_arn: str
    cluster: str
    ec2_instance_id: str
    service: str | None
    group: str
    cause: StopCause
    reason: str
    last_status_when_requested: str
    caller: str | None = None  # the Lambda function (or None: not a function) behind a StopTask


@dataclass(frozen=True)
class ApiAction:
    """One entry of the action log: a call that changes a task or a container instance, and
    who made it (the Lambda function running the call, None for anyone else)."""

    at: float
    operation: str  # StopTask | UpdateContainerInstancesState | DeregisterContainerInstance
    caller: str | None
    cluster: str
    target_arn: str  # the task or container instance
    ec2_instance_id: str
    detail: str  # the status asked for, the stop reason, or "force"/"no force"
