"""The invariants a scenario checks on every step, and what breaks them.

1. no terminate CONTINUE while a task on that instance is not STOPPED (unless the action timed out);
2. no service below its minimum healthy count because of a lifecycle action (a replica service,
   after it first reached steady state, whose latest task stop came from draining or termination,
   unless that termination is excused as in 3);
3. no task stopped by instance termination (unless that instance's action timed out, or the
   scenario allows it);
4. no launch CONTINUE before the container instance is ACTIVE with its agent connected;
5. every action completed before its timeout, unless the scenario expects that many timeouts.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecs_cluster_manager.sim.autoscaling.model import (
    LAUNCHING,
    TERMINATING,
    Group,
    GroupInstance,
    LifecycleAction,
)
from ecs_cluster_manager.sim.ecs import EcsBackend, StopCause
from ecs_cluster_manager.sim.scenario.spec import Scenario

INVARIANTS = {
    "terminate-continue-with-live-tasks":
        "no terminate CONTINUE while a task on that instance is not STOPPED, unless timed out",
    "service-below-minimum":
        "no service below its minimum healthy count because of a lifecycle action",
    "task-stopped-by-termination": "no task stopped by instance termination",
    "launch-continue-before-ready":
        "no launch CONTINUE before the container instance is ACTIVE with its agent connected",
    "action-timed-out": "every action completed before its timeout",
}
_LIFECYCLE_CAUSES = (StopCause.DRAINING, StopCause.INSTANCE_TERMINATED)


@dataclass(frozen=True)
class Violation:
    invariant: str
    time: float
    detail: str


class InvariantChecker:
    def __init__(self, ecs: EcsBackend, scenario: Scenario) -> None:
        self.ecs = ecs
        self.scenario = scenario
        self.violations: list[Violation] = []
        self.timeouts = 0
        self._timed_out: set[str] = set()
        self._stops_seen = 0
        self._steady_once: set[tuple[str, str]] = set()
        self._below: set[tuple[str, str]] = set()
        self._last_cause: dict[tuple[str, str], StopCause | None] = {}

    def _flag(self, invariant: str, time: float, detail: str) -> None:
        self.violations.append(Violation(invariant, time, detail))

    def action_ended(self, group: Group, member: GroupInstance, action: LifecycleAction) -> None:
        """Checks at the moment an action ends (invariants 1, 4 and 5)."""
        when = action.ended or 0.0
        instance_id = member.instance_id
        if action.completed_by == "timeout":
            self.timeouts += 1
            self._timed_out.add(instance_id)
            if self.timeouts > self.scenario.expected_timeouts:
                self._flag("action-timed-out", when,
                           f"{action.hook.name} on {instance_id} timed out ({action.result})")
            return
        if action.completed_by != "api" or action.result != "CONTINUE":
            return
        if action.hook.transition == TERMINATING:
            live = [t for t in self.ecs.tasks_on_instance(instance_id)
                    if t.last_status != "STOPPED"]
            if live:
                self._flag("terminate-continue-with-live-tasks", when,
                           f"{instance_id} released with {len(live)} task(s) not STOPPED "
                           f"(e.g. {live[0].group} {live[0].last_status})")
        elif action.hook.transition == LAUNCHING:
            ci = self.ecs.container_instance_for(instance_id)
            if ci is None or ci.status != "ACTIVE" or not ci.agent_connected:
                state = "not registered" if ci is None else \
                    f"{ci.status}, agent connected: {ci.agent_connected}"
                self._flag("launch-continue-before-ready", when,
                           f"{instance_id} put in service while its container instance is {state}")

    def check_step(self, now: float) -> None:
        """Checks of the state at the end of an instant (invariants 2 and 3)."""
        stop_log = self.ecs.state.stop_log
        for stop in stop_log[self._stops_seen:]:
            excused = (self.scenario.allow_task_kills
                       or stop.ec2_instance_id in self._timed_out)
            if stop.service:  # a kill the scenario excuses does not count against invariant 2
                cause = None if excused and stop.cause == StopCause.INSTANCE_TERMINATED \
                    else stop.cause
                self._last_cause[(stop.cluster, stop.service)] = cause
            if stop.cause == StopCause.INSTANCE_TERMINATED and not excused:
                self._flag("task-stopped-by-termination", stop.at,
                           f"task {stop.task_arn.rsplit('/', 1)[-1]} ({stop.group}) killed with "
                           f"instance {stop.ec2_instance_id}")
        self._stops_seen = len(stop_log)
        for health in self.ecs.service_health():
            key = (health.cluster, health.name)
            if health.scheduling_strategy != "REPLICA":
                continue
            if health.steady:
                self._steady_once.add(key)
            below = (health.below_minimum and key in self._steady_once
                     and self._last_cause.get(key) in _LIFECYCLE_CAUSES)
            if below and key not in self._below:
                self._flag("service-below-minimum", now,
                           f"service {health.name}: {health.running_count} running, minimum "
                           f"healthy {health.minimum_healthy_count} (last stop: "
                           f"{getattr(self._last_cause.get(key), 'value', '?')})")
            if below:
                self._below.add(key)
            else:
                self._below.discard(key)
