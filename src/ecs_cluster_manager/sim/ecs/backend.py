"""The simulated Amazon ECS service: the API entry point, EC2 hooks, and scenario controls.

`handle(operation, params)` takes the request members exactly as botocore sends them and returns
the response as botocore would parse it (datetimes for timestamps), or raises `AwsError`.
The fault controls are listed in docs/simulator.md, "ECS fault API".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ecs_cluster_manager.sim.backend import not_modelled

from . import (
    clusters,
    container_instances,
    harness,
    services,
    task_definitions,
    task_operations,
)
from .agent import AgentBehaviour, Agents
from .model import ApiAction, ContainerInstance, StopProfile, TaskStop
from .scheduler import Scheduler
from .state import Clock, Ec2View, EcsState
from .timings import EcsTimings

Operation = Callable[[dict[str, Any]], dict[str, Any]]


class EcsBackend:
    def __init__(
        self,
        clock: Clock,
        region: str,
        account_id: str,
        emit_event: Callable[[dict[str, Any]], None],
        ec2_view: Ec2View,
        *,
        timings: EcsTimings | None = None,
        seed: int = 0,
    ) -> None:
        self.state = EcsState(
            clock, region, account_id, emit_event, ec2_view, timings=timings or EcsTimings(), seed=seed
        )
        self.scheduler = Scheduler(self.state)
        self.agents = Agents(self.state)
        self.state.on_service_task_changed = self.scheduler.task_changed
        self.state.on_instance_changed = self._instance_changed
        s, sched = self.state, self.scheduler
        self._operations: dict[str, Operation] = {
            "CreateCluster": lambda p: clusters.create(s, p),
            "DescribeClusters": lambda p: clusters.describe(s, p),
            "ListClusters": lambda p: clusters.list_clusters(s, p),
            "DeleteCluster": lambda p: clusters.delete(s, p),
            "ListContainerInstances": lambda p: container_instances.list_instances(s, p),
            "DescribeContainerInstances": lambda p: container_instances.describe(s, p),
            "UpdateContainerInstancesState": lambda p: container_instances.update_state(s, p),
            "DeregisterContainerInstance": lambda p: container_instances.deregister(s, p),
            "RegisterTaskDefinition": lambda p: task_definitions.register(s, p),
            "DescribeTaskDefinition": lambda p: task_definitions.describe(s, p),
            "DeregisterTaskDefinition": lambda p: task_definitions.deregister(s, p),
            "ListTaskDefinitions": lambda p: task_definitions.list_definitions(s, p),
            "RunTask": lambda p: task_operations.run_task(s, p),
            "StartTask": lambda p: task_operations.start_task(s, p),
            "StopTask": lambda p: task_operations.stop_task(s, p),
            "ListTasks": lambda p: task_operations.list_tasks(s, p),
            "DescribeTasks": lambda p: task_operations.describe_tasks(s, p),
            "CreateService": lambda p: services.create(s, sched, p),
            "UpdateService": lambda p: services.update(s, sched, p),
            "DeleteService": lambda p: services.delete(s, sched, p),
            "ListServices": lambda p: services.list_services(s, p),
            "DescribeServices": lambda p: services.describe(s, p),
        }

    # --- the API ------------------------------------------------------------------------
    @property
    def operations(self) -> frozenset[str]:
        return frozenset(self._operations)

    def handle(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        fn = self._operations.get(operation)
        if fn is None:
            raise not_modelled("ecs", operation)
        with self.state.lock:
            return fn(params)

    # --- hooks EC2 calls ----------------------------------------------------------------
    def on_instance_running(self, instance_id: str) -> None:
        with self.state.lock:
            self.agents.instance_running(instance_id)

    def on_instance_stopped(self, instance_id: str) -> None:
        with self.state.lock:
            self.agents.instance_stopped(instance_id)

    def on_target_lifecycle_state(self, instance_id: str) -> None:
        with self.state.lock:
            self.agents.target_lifecycle_state_changed(instance_id)

    def on_instance_terminated(self, instance_id: str) -> None:
        with self.state.lock:
            self.agents.instance_terminated(instance_id)
            container_instances.instance_terminated(self.state, instance_id)

    # --- scenario controls --------------------------------------------------------------
    def set_agent_behaviour(
        self,
        behaviour: AgentBehaviour,
        *,
        image_id: str | None = None,
        instance_id: str | None = None,
    ) -> None:
        """Per AMI, per instance, or (neither given) the default for every instance."""
        if image_id is not None:
            self.agents.by_image[image_id] = behaviour
        elif instance_id is not None:
            self.agents.by_instance[instance_id] = behaviour
        else:
            self.agents.default = behaviour

    def set_default_cluster(self, name: str) -> None:
        """The cluster agents join when the user data names none."""
        self.agents.default_cluster = name

    def disconnect_agent(self, instance_id: str, for_seconds: float = math.inf) -> bool:
        """Kill the instance's agent for `for_seconds` (math.inf: for good). On a booting
        instance, or one whose agent has not registered yet, registration waits until then (for
        good: never). False, changing nothing, when there is no agent to kill (unknown or
        terminated instance, agent already disconnected, failed or ended registration)."""
        with self.state.lock:
            return self.agents.disconnect(instance_id, for_seconds)

    def reconnect_agent(self, instance_id: str) -> bool:
        """Reconnect a disconnected agent now; False when it cannot (see `Agents.reconnect`)."""
        with self.state.lock:
            return self.agents.reconnect(instance_id)

    def reregister_agent(self, instance_id: str, after_s: float = 20.0) -> bool:
        """The agent restarts without its state (or after a forced deregistration): it is
        disconnected now and registers the instance under a new container-instance ARN after
        `after_s`; the old ARN then goes INACTIVE and its tasks are orphaned. False unless the
        instance is running."""
        with self.state.lock:
            return self.agents.register_anew(instance_id, after_s)

    def set_runtime_health(self, instance_id: str, status: str, reason: str | None = None) -> bool:
        """The container runtime health check of the instance now reports `status` (OK,
        IMPAIRED, INITIALIZING, INSUFFICIENT_DATA); a change of the overall status sends an ECS
        Container Instance Health Change event. False without a live registration."""
        with self.state.lock:
            return self.agents.set_runtime_health(instance_id, status, reason)

    def set_agent_connectivity_threshold(self, seconds: float | None) -> None:
        """An agent disconnected for `seconds` makes the instance's AGENT_CONNECTIVITY check
        IMPAIRED (overall IMPAIRED, with its Health Change event) until it reconnects; None
        (the default, AWS does not document the threshold) leaves the check out."""
        self.state.connectivity_threshold_s = seconds

    def keep_container_instances_on_termination(self, keep: bool = True) -> None:
        """The harsher reading of termination: no terminated instance is deregistered by ECS,
        even one whose agent was connected (by default only those are)."""
        self.state.deregister_on_termination = not keep

    def set_task_lifetime(self, family: str, seconds: float | None) -> None:
        """Standalone tasks of `family` exit `seconds` after they start RUNNING (their essential
        container exits); None: they run until stopped (the default)."""
        if seconds is None:
            self.state.task_lifetimes.pop(family, None)
        else:
            self.state.task_lifetimes[family] = seconds

    def set_caller_source(self, caller: Callable[[], str | None]) -> None:
        """Who is calling the API now (the account passes the running Lambda function's name);
        recorded with each StopTask, UpdateContainerInstancesState and
        DeregisterContainerInstance (see `actions`)."""
        self.state.caller = caller

    def set_target_group_source(self, delay_of: Callable[[str], float | None]) -> None:
        """Where a load-balanced service's deregistration delay comes from: its target groups'
        `deregistration_delay.timeout_seconds` (the account passes its simulated elbv2)."""
        self.state.target_group_delay = delay_of

    def set_service_stop_profile(self, cluster: str, service: str, profile: StopProfile) -> None:
        """Deregistration delay and stop time of the service's tasks (applies to later stops)."""
        with self.state.lock:
            svc = self.state.service(self.state.cluster(cluster), service)
            if svc is None:
                raise KeyError(f"no service {service} in cluster {cluster}")
            svc.stop_profile = profile

    # --- read API for the harness -------------------------------------------------------
    def container_instance_for(self, ec2_instance_id: str) -> harness.ContainerInstanceView | None:
        return harness.container_instance_for(self.state, ec2_instance_id)

    def tasks_on_instance(
        self, ec2_instance_id: str, *, include_stopped: bool = False
    ) -> list[harness.TaskView]:
        return harness.tasks_on_instance(self.state, ec2_instance_id, include_stopped=include_stopped)

    def task_stops(self, since: int = 0) -> list[TaskStop]:
        """Task stops, oldest first, with their causes; `since` skips the first ones (a checker
        that remembers how many it has seen reads only the new ones)."""
        return self.state.stop_log[since:]

    def service_health(self) -> list[harness.ServiceHealth]:
        return harness.service_health(self.state)

    def container_instances_of(self, ec2_instance_id: str) -> list[harness.ContainerInstanceView]:
        """Every registration of the EC2 instance, oldest first (a re-registration adds one)."""
        return harness.container_instances_of(self.state, ec2_instance_id)

    def actions(self, since: int = 0) -> list[ApiAction]:
        """StopTask, UpdateContainerInstancesState and DeregisterContainerInstance calls, oldest
        first, each with its caller; `since` skips the first ones."""
        return self.state.action_log[since:]

    def _instance_changed(self, ci: ContainerInstance) -> None:
        self.scheduler.request_cluster(ci.cluster)
