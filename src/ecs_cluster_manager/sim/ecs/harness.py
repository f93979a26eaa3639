"""Read-only views for the scenario harness and its invariant checker (not an AWS API).

They answer from the indexes, so checking invariants after every step stays cheap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import service_status
from .model import STOPPED, ContainerInstance, StopCause, Task
from .state import EcsState


@dataclass(frozen=True)
class ContainerInstanceView:
    arn: str
    cluster: str
    ec2_instance_id: str
    status: str
    agent_connected: bool
    running_tasks_count: int
    pending_tasks_count: int
    version: int
    health: str  # healthStatus.overallStatus


@dataclass(frozen=True)
class TaskView:
    arn: str
    cluster: str
    ec2_instance_id: str
    group: str
    service: str | None
    last_status: str
    desired_status: str
    stop_cause: StopCause | None
    stopped_reason: str | None
    orphaned: bool  # ECS no longer shows it; it runs on the host until the instance goes
    caller: str | None  # the Lambda function that stopped it with StopTask, if one did


@dataclass(frozen=True)
class ServiceHealth:
    cluster: str
    name: str
    scheduling_strategy: str
    status: str
    desired_count: int
    running_count: int  # RUNNING tasks the scheduler still wants (desired RUNNING)
    pending_count: int
    minimum_healthy_count: int  # ceil(desiredCount x minimumHealthyPercent / 100)
    maximum_count: int  # floor(desiredCount x maximumPercent / 100)
    deployments: int
    steady: bool

    @property
    def below_minimum(self) -> bool:
        return self.running_count < self.minimum_healthy_count


def task_view(t: Task) -> TaskView:
    return TaskView(t.arn, t.cluster, t.ec2_instance_id, t.group, t.service, t.last_status,
                    t.desired_status, t.stop_cause, t.stopped_reason, t.orphaned, t.caller)


def _view(ci: ContainerInstance) -> ContainerInstanceView:
    return ContainerInstanceView(ci.arn, ci.cluster, ci.ec2_instance_id, ci.status,
                                 ci.agent_connected, ci.running_tasks, ci.pending_tasks, ci.version,
                                 ci.overall_health)


def container_instance_for(state: EcsState, ec2_instance_id: str) -> ContainerInstanceView | None:
    """The latest registration of the EC2 instance."""
    ci = state.instances_by_ec2.get(ec2_instance_id)
    return None if ci is None else _view(ci)


def container_instances_of(state: EcsState, ec2_instance_id: str) -> list[ContainerInstanceView]:
    return [_view(ci) for ci in state.registrations_by_ec2.get(ec2_instance_id, [])]


def tasks_on_instance(state: EcsState, ec2_instance_id: str, *, include_stopped: bool) -> list[TaskView]:
    """Tasks on the EC2 instance, whichever registration placed them, with the orphaned ones
    that ECS no longer shows but still run there."""
    on_instance = [t for ci in state.registrations_by_ec2.get(ec2_instance_id, [])
                   for t in state.tasks_by_instance.get(ci.id, {}).values()]
    on_instance += state.orphans_by_ec2.get(ec2_instance_id, {}).values()
    return [task_view(t) for t in on_instance if include_stopped or t.last_status != STOPPED]


def service_health(state: EcsState) -> list[ServiceHealth]:
    out = []
    for index in state.clusters.values():
        for svc in index.services.values():
            running, pending = service_status.counts(svc)
            desired = svc.desired_count
            out.append(ServiceHealth(
                cluster=svc.cluster,
                name=svc.name,
                scheduling_strategy=svc.scheduling_strategy,
                status=svc.status,
                desired_count=desired,
                running_count=running,
                pending_count=pending,
                minimum_healthy_count=math.ceil(desired * svc.minimum_healthy_percent / 100),
                maximum_count=math.floor(desired * svc.maximum_percent / 100),
                deployments=len(svc.deployments),
                steady=svc.steady,
            ))
    return out
