"""Watching the demo: every lifecycle action, every stack event, and the invariants.

The invariants are the scenario runner's own (`sim.scenario.invariants`), checked the same
way: lifecycle actions as they end, and the cluster at the end of every instant of virtual
time, before the clock moves on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ecs_cluster_manager.sim.autoscaling.model import Group, GroupInstance, LifecycleAction
from ecs_cluster_manager.sim.project_stack import ProjectStack
from ecs_cluster_manager.sim.scenario.function_calls import watch_function_calls
from ecs_cluster_manager.sim.scenario.invariants import InvariantChecker
from ecs_cluster_manager.sim.scenario.runner import membership

Say = Callable[[float, str], None]  # (virtual time, line)


@dataclass
class ActionRecord:
    instance_id: str
    kind: str  # "launch" | "terminate"
    start: float
    phase: str
    end: float | None = None
    result: str | None = None
    completed_by: str | None = None


class Watch:
    def __init__(self, project: ProjectStack, say: Say) -> None:
        self.project = project
        self.say = say
        self.phase = ""
        self.checker = InvariantChecker(project.ecs, members=membership(project.account))
        watch_function_calls(project.account, self.checker.function_call)
        self.actions: dict[str, ActionRecord] = {}
        self._events_seen = 0
        lifecycle = project.account.autoscaling.scaler.lifecycle
        lifecycle.on_start.append(self._started)
        lifecycle.on_end.append(self._ended)

    def _started(self, group: Group, member: GroupInstance, action: LifecycleAction) -> None:
        kind = "launch" if action.hook.transition.endswith("LAUNCHING") else "terminate"
        self.actions[action.token] = ActionRecord(member.instance_id, kind, action.started,
                                                  self.phase)
        self.checker.action_started(group, member, action)
        self.say(action.started, f"{kind} hook holds {member.instance_id}")

    def _ended(self, group: Group, member: GroupInstance, action: LifecycleAction) -> None:
        record = self.actions[action.token]
        invocation = self.project.account.lambda_.current()
        by = "launch function" if record.kind == "launch" else "terminate function"
        record.end, record.result = action.ended, action.result
        record.completed_by = by if invocation is not None else str(action.completed_by)
        self.checker.action_ended(group, member, action)
        self.say(action.ended or 0.0, f"{record.kind} hook on {member.instance_id}: "
                                      f"{action.result} by {record.completed_by}")

    def _stack_events(self) -> None:
        stack = self.project.services.cloudformation.stack(self.project.stack_id)
        for event in stack.events[self._events_seen:]:
            quiet = event.status.endswith("IN_PROGRESS") and not event.reason
            if not quiet and (event.type != "AWS::EC2::LaunchTemplate" or event.reason):
                text = f"{event.logical_id} {event.status}"
                self.say(event.timestamp, text + (f": {event.reason}" if event.reason else ""))
        self._events_seen = len(stack.events)

    def run_until(self, done: Callable[[], bool], timeout_s: float) -> bool:
        """Step the clock until `done()`, checking invariants at the end of every instant."""
        clock = self.project.account.clock
        limit = clock.now() + timeout_s
        last = clock.now()
        while True:
            self._stack_events()
            due = clock.next_due()
            if due is None or due > limit:
                self.checker.check_step(clock.now())
                return done()
            if due > last:
                self.checker.check_step(last)
                if done():
                    return True
                last = due
            clock.step()

    def quiet(self) -> bool:
        """No stack operation, every instance InService at desired capacity, no function
        asleep, every service steady."""
        project = self.project
        account = project.account
        if project.busy():
            return False
        groups = account.autoscaling.groups
        for group in groups.values():
            members = list(group.instances.values())
            if len(members) != group.desired or any(m.state != "InService" for m in members):
                return False
        if account.lambda_.sleeping:
            return False
        return all(h.steady for h in project.ecs.service_health())
