"""The invariants a run checks, and what breaks them (names and promises in `catalogue`).

The checker excuses nothing a scenario says: a scenario that breaks an invariant by design lists
the break in `expect.breaks` with its reason, and the report compares the two. The only
exemptions are causal: a task killed with an instance whose lifecycle action timed out is
charged to that timeout (itself a violation), not counted twice.

- as an action ends: terminate CONTINUE with a task not STOPPED, or before the services that had
  tasks on the instance when its action began are steady; launch CONTINUE before the container
  instance is ACTIVE and connected, or while a required check fails; an action ended by timeout;
- as a function asks for a change (`function_calls`): DRAINING or StopTask for an instance that
  is InService in its group; any change to an instance or group that is not ours;
- at the end of every instant: a replica service below its minimum because of a lifecycle stop
  (after it first reached steady state); a task stopped by instance termination;
- at the end of the run: a terminated instance whose container instance is still registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ecs_cluster_manager.sim.autoscaling.model import (
    LAUNCHING,
    TERMINATING,
    Group,
    GroupInstance,
    LifecycleAction,
)
from ecs_cluster_manager.sim.ecs import EcsBackend, StopCause
from ecs_cluster_manager.sim.scenario.catalogue import INVARIANTS
from ecs_cluster_manager.sim.scenario.function_calls import FunctionCall
from ecs_cluster_manager.sim.scenario.service_counts import ServiceCounts

__all__ = ["INVARIANTS", "InvariantChecker", "LaunchRequirements", "Violation"]

_LIFECYCLE_CAUSES = (StopCause.DRAINING, StopCause.INSTANCE_TERMINATED)
Members = Callable[[str], tuple[str, str] | None]  # ec2 id -> (group name, lifecycle state)


@dataclass(frozen=True)
class Violation:
    invariant: str
    time: float
    detail: str


@dataclass(frozen=True)
class LaunchRequirements:
    """What the template's launch parameters require of a container instance."""

    health_ok: bool = True  # LaunchRequireHealthOk
    attributes: tuple[str, ...] = ()  # LaunchRequiredAttributes

    @classmethod
    def from_parameters(cls, parameters: dict[str, str]) -> LaunchRequirements:
        names = parameters.get("LaunchRequiredAttributes", "")
        return cls(parameters.get("LaunchRequireHealthOk", "true") == "true",
                   tuple(n for n in names.split(",") if n))


@dataclass
class InvariantChecker:
    ecs: EcsBackend
    group: str | None = None  # our group: calls about any other are flagged
    members: Members | None = None
    launch: LaunchRequirements = LaunchRequirements()
    violations: list[Violation] = field(default_factory=list)
    _timed_out: set[str] = field(default_factory=set)
    _into_warm_pool: set[str] = field(default_factory=set)  # tokens of launch actions into it
    _stops_seen: int = 0
    _steady_once: set[tuple[str, str]] = field(default_factory=set)
    _below: set[tuple[str, str]] = field(default_factory=set)
    _last_cause: dict[tuple[str, str], StopCause | None] = field(default_factory=dict)
    # instance -> (when its terminate action began, services with live tasks on it then)
    _services_at_start: dict[str, tuple[float, set[str]]] = field(default_factory=dict)
    counts: ServiceCounts = field(default_factory=ServiceCounts)  # for the picture of the run

    def _flag(self, invariant: str, time: float, detail: str) -> None:
        self.violations.append(Violation(invariant, time, detail))

    # -- lifecycle actions -----------------------------------------------------------------

    def action_started(self, group: Group, member: GroupInstance,
                       action: LifecycleAction) -> None:
        if action.hook.transition == LAUNCHING and member.state.startswith("Warmed"):
            # bound for the warm pool: its agent registers only once it leaves the pool
            # (ECS Developer Guide, "Using Amazon EC2 Auto Scaling warm pools")
            self._into_warm_pool.add(action.token)
        if action.hook.transition == TERMINATING:
            live = self.ecs.tasks_on_instance(member.instance_id)
            self._services_at_start[member.instance_id] = (action.started, {
                t.service for t in live if t.service and t.last_status != "STOPPED"})

    def action_ended(self, group: Group, member: GroupInstance, action: LifecycleAction) -> None:
        when = action.ended or 0.0
        instance_id = member.instance_id
        if action.completed_by == "timeout":
            self._timed_out.add(instance_id)
            self._flag("action-timed-out", when,
                       f"{action.hook.name} on {instance_id} timed out ({action.result})")
            return
        if action.completed_by != "api" or action.result != "CONTINUE":
            return
        if action.hook.transition == TERMINATING:
            self._terminate_continued(instance_id, when)
        elif action.hook.transition == LAUNCHING and action.token not in self._into_warm_pool:
            self._launch_continued(instance_id, when)

    def _terminate_continued(self, instance_id: str, when: float) -> None:
        tasks = self.ecs.tasks_on_instance(instance_id, include_stopped=True)
        live = [t for t in tasks if t.last_status != "STOPPED"]
        if live:
            self._flag("terminate-continue-with-live-tasks", when,
                       f"{instance_id} released with {len(live)} task(s) not STOPPED "
                       f"(e.g. {live[0].group} {live[0].last_status})")
        started, services = self._services_at_start.pop(instance_id, (when, set()))
        services |= {stop.service for stop in self.ecs.state.stop_log
                     if stop.ec2_instance_id == instance_id and stop.service
                     and stop.at >= started and stop.cause in _LIFECYCLE_CAUSES}
        unsteady = sorted(h.name for h in self.ecs.service_health()
                          if h.name in services and h.status == "ACTIVE" and not h.steady)
        if unsteady:
            self._flag("terminate-continue-before-services-steady", when,
                       f"{instance_id} released while service(s) {', '.join(unsteady)} that "
                       "had tasks on it were not steady")

    def _launch_continued(self, instance_id: str, when: float) -> None:
        ci = self.ecs.container_instance_for(instance_id)
        if ci is None or ci.status != "ACTIVE" or not ci.agent_connected:
            state = "not registered" if ci is None else \
                f"{ci.status}, agent connected: {'yes' if ci.agent_connected else 'no'}"
            self._flag("launch-continue-before-ready", when,
                       f"{instance_id} put in service while its container instance is {state}")
            return
        described = self._describe_container_instance(ci.cluster, ci.arn)
        problems = []
        health = (described.get("healthStatus") or {}).get("overallStatus")
        if self.launch.health_ok and health is not None and health != "OK":
            problems.append(f"health {health}")
        present = {a["name"] for a in described.get("attributes") or []}
        problems += [f"attribute {a} missing" for a in self.launch.attributes
                     if a not in present]
        if problems:
            self._flag("launch-continue-with-failing-check", when,
                       f"{instance_id} put in service with {', '.join(problems)}")

    def _describe_container_instance(self, cluster: str, arn: str) -> dict[str, Any]:
        answer = self.ecs.handle("DescribeContainerInstances", {
            "cluster": cluster, "containerInstances": [arn],
            "include": ["CONTAINER_INSTANCE_HEALTH"]})
        found = answer.get("containerInstances") or [{}]
        return dict(found[0])

    # -- what the functions ask for --------------------------------------------------------

    def function_call(self, call: FunctionCall) -> None:
        params = call.params
        if call.operation.startswith("autoscaling:"):
            group = params.get("AutoScalingGroupName")
            if self.group is not None and group != self.group:
                self._flag("in-service-instance-disturbed", call.time,
                           f"{call.function} called {call.operation} for group {group}, "
                           f"not {self.group}")
            return
        if call.operation == "ecs:UpdateContainerInstancesState":
            if params.get("status") != "DRAINING":
                return
            cluster = params.get("cluster")
            for arn in params.get("containerInstances") or []:
                self._judge(call, self._ec2_of_container_instance(cluster, arn), "DRAINING")
        elif call.operation == "ecs:StopTask":
            self._judge(call, self._ec2_of_task(params.get("cluster"), params["task"]),
                        "StopTask")
        elif call.operation == "ecs:DeregisterContainerInstance":
            ec2_id = self._ec2_of_container_instance(params.get("cluster"),
                                                     params["containerInstance"])
            self._judge(call, ec2_id, "deregistration", terminated_ok=True)

    def _judge(self, call: FunctionCall, ec2_id: str | None, what: str,
               terminated_ok: bool = False) -> None:
        if ec2_id is None or self.members is None:
            return
        membership = self.members(ec2_id)
        if membership is None:
            if not terminated_ok:
                self._flag("in-service-instance-disturbed", call.time,
                           f"{call.function} asked for {what} of {ec2_id}, which is not in "
                           "our group")
            return
        group, state = membership
        if self.group is not None and group != self.group:
            self._flag("in-service-instance-disturbed", call.time,
                       f"{call.function} asked for {what} of {ec2_id} of group {group}")
        elif state == "InService" or (terminated_ok and not state.startswith("Terminat")):
            self._flag("in-service-instance-disturbed", call.time,
                       f"{call.function} asked for {what} of {ec2_id} while it is {state}")

    def _ec2_of_container_instance(self, cluster: Any, arn: str) -> str | None:
        answer = self.ecs.handle("DescribeContainerInstances", {
            "cluster": cluster or "default", "containerInstances": [arn]})
        found = answer.get("containerInstances") or []
        return str(found[0]["ec2InstanceId"]) if found else None

    def _ec2_of_task(self, cluster: Any, task: str) -> str | None:
        answer = self.ecs.handle("DescribeTasks", {"cluster": cluster or "default",
                                                   "tasks": [task]})
        found = answer.get("tasks") or []
        arn = found[0].get("containerInstanceArn") if found else None
        return self._ec2_of_container_instance(cluster, arn) if arn else None

    # -- the state at the end of each instant ----------------------------------------------

    def check_step(self, now: float) -> None:
        """Checks of the state at the end of an instant (services and killed tasks)."""
        stop_log = self.ecs.state.stop_log
        for stop in stop_log[self._stops_seen:]:
            excused = stop.ec2_instance_id in self._timed_out
            if stop.service:  # a kill charged to a timeout does not count against the minimum
                cause = None if excused and stop.cause == StopCause.INSTANCE_TERMINATED \
                    else stop.cause
                self._last_cause[(stop.cluster, stop.service)] = cause
            if stop.cause == StopCause.INSTANCE_TERMINATED and not excused:
                self._flag("task-stopped-by-termination", stop.at,
                           f"task {stop.task_arn.rsplit('/', 1)[-1]} ({stop.group}) killed with "
                           f"instance {stop.ec2_instance_id}")
        self._stops_seen = len(stop_log)
        healths = self.ecs.service_health()
        self.counts.record(now, healths)
        for health in healths:
            self._check_service(health, now)

    def _check_service(self, health: Any, now: float) -> None:
        key = (health.cluster, health.name)
        if health.scheduling_strategy != "REPLICA":
            return
        if health.steady:
            self._steady_once.add(key)
        cause = self._last_cause.get(key)
        below = health.below_minimum and key in self._steady_once and cause in _LIFECYCLE_CAUSES
        if below and key not in self._below:
            self._flag("service-below-minimum", now,
                       f"service {health.name}: {health.running_count} running, minimum "
                       f"healthy {health.minimum_healthy_count} (last stop: "
                       f"{cause.value if cause else 'unknown'})")
        if below:
            self._below.add(key)
        else:
            self._below.discard(key)

    # -- the end of the run -----------------------------------------------------------------

    def check_end(self, now: float, terminated: list[str]) -> None:
        """Every terminated instance's container instance has been deregistered."""
        for instance_id in terminated:
            ci = self.ecs.container_instance_for(instance_id)
            if ci is not None and ci.status not in ("INACTIVE", "DEREGISTERING"):
                self._flag("terminated-instance-still-registered", now,
                           f"{instance_id} is terminated but its container instance is "
                           f"{ci.status}")
