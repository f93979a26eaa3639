"""Run a scenario: provision, let the cluster settle, play the timeline, check invariants.

The clock is stepped here so that the invariants are checked at the end of every instant of
virtual time (before the clock moves on), and lifecycle actions are checked as they end.
The run stops when the timeline is done and the group is quiet (desired capacity InService, no
action waiting, no function sleeping), or when the scenario's duration is reached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ecs_cluster_manager.sim.autoscaling.model import Group, GroupInstance, LifecycleAction
from ecs_cluster_manager.sim.ecs import EcsBackend
from ecs_cluster_manager.sim.scenario.actions import Timeline
from ecs_cluster_manager.sim.scenario.invariants import InvariantChecker
from ecs_cluster_manager.sim.scenario.provision import Stack, provision, start_standalone_tasks
from ecs_cluster_manager.sim.scenario.spec import Scenario

SETTLE_LIMIT_S = 3600.0


@dataclass
class ActionRecord:
    instance_id: str
    hook: str
    transition: str
    start: float
    end: float | None = None
    result: str | None = None
    completed_by: str | None = None
    heartbeats: int = 0


@dataclass
class Run:
    scenario: Scenario
    stack: Stack
    checker: InvariantChecker
    start: float
    ready_at: float | None = None
    end: float = 0.0
    finished: bool = False
    notes: list[tuple[float, str]] = field(default_factory=list)
    actions: dict[str, ActionRecord] = field(default_factory=dict)  # token -> record


def run(scenario: Scenario, handlers: dict[str, str] | None = None) -> Run:
    stack = provision(scenario, handlers)
    account = stack.account
    ecs = account.ecs
    assert isinstance(ecs, EcsBackend)
    checker = InvariantChecker(ecs, scenario)
    state = Run(scenario, stack, checker, account.clock.now())
    lifecycle = account.autoscaling.scaler.lifecycle

    def started(group: Group, member: GroupInstance, action: LifecycleAction) -> None:
        state.actions[action.token] = ActionRecord(member.instance_id, action.hook.name,
                                                   action.hook.transition, action.started)

    def ended(group: Group, member: GroupInstance, action: LifecycleAction) -> None:
        record = state.actions[action.token]
        record.end, record.result, record.heartbeats = action.ended, action.result, \
            action.heartbeats
        invocation = account.lambda_.current()
        record.completed_by = action.completed_by
        if action.completed_by == "api" and invocation is not None:
            record.completed_by = invocation.function.name
        checker.action_ended(group, member, action)

    lifecycle.on_start.append(started)
    lifecycle.on_end.append(ended)
    timeline = Timeline(stack, lambda text: state.notes.append((account.clock.now(), text)))
    try:
        _settle(state)
        start_standalone_tasks(stack, scenario)
        state.notes.append((account.clock.now(), "cluster ready; timeline starts"))
        timeline.schedule(scenario.timeline, account.clock.now())
        _play(state, timeline)
    finally:
        account.close()
    state.end = account.clock.now()
    return state


def _quiet(state: Run) -> bool:
    account = state.stack.account
    group = account.autoscaling.groups[state.stack.group]
    members = group.instances.values()
    if len(members) != group.desired or any(m.state != "InService" for m in members):
        return False
    if account.lambda_.sleeping:
        return False
    ecs = account.ecs
    assert isinstance(ecs, EcsBackend)
    return all(h.steady for h in ecs.service_health())


def _step_until(state: Run, done: Callable[[], bool], limit: float) -> bool:
    clock = state.stack.account.clock
    checker = state.checker
    last = clock.now()
    while True:
        due = clock.next_due()
        if due is None or due > limit:
            checker.check_step(clock.now())
            return bool(done())
        if due > last:
            checker.check_step(last)
            if done():
                return True
            last = due
        clock.step()


def _settle(state: Run) -> None:
    clock = state.stack.account.clock
    limit = min(state.start + SETTLE_LIMIT_S, state.start + state.scenario.duration_s)
    if _step_until(state, lambda: _quiet(state), limit):
        state.ready_at = clock.now()
    else:
        state.notes.append((clock.now(), "the cluster did not settle within the limit"))


def _play(state: Run, timeline: Timeline) -> None:
    limit = state.start + state.scenario.duration_s
    state.finished = _step_until(state, lambda: timeline.busy == 0 and _quiet(state), limit)
    if not state.finished:
        state.notes.append((state.stack.account.clock.now(), "duration reached before quiet"))
