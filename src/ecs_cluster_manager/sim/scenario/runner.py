"""Run a scenario: provision, let the cluster settle, play the timeline, check invariants.

The clock is stepped here so that the invariants are checked at the end of every instant of
virtual time (before the clock moves on), lifecycle actions as they start and end, and the
functions' changes as they ask for them. The run stops when the timeline is done and the group
is quiet (desired capacity InService, no action waiting, no function sleeping), or when the
scenario's duration is reached; then the clock runs `CLEANUP_S` more, for the functions' sweep
to deregister what terminated instances left behind, and the end-of-run invariants are checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ecs_cluster_manager.sim.account import SimAccount
from ecs_cluster_manager.sim.autoscaling.model import Group, GroupInstance, LifecycleAction
from ecs_cluster_manager.sim.ecs import EcsBackend
from ecs_cluster_manager.sim.scenario.actions import Timeline
from ecs_cluster_manager.sim.scenario.function_calls import watch_function_calls
from ecs_cluster_manager.sim.scenario.invariants import InvariantChecker, LaunchRequirements
from ecs_cluster_manager.sim.scenario.provision import Stack, provision, start_standalone_tasks
from ecs_cluster_manager.sim.scenario.spec import Scenario

SETTLE_LIMIT_S = 3600.0
CLEANUP_S = 120.0  # two sweeps


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
    timeline: Timeline | None = None


def run(scenario: Scenario, handlers: dict[str, str] | None = None,
        prepare: Callable[[Stack], None] | None = None) -> Run:
    """`prepare` may change the provisioned stack before anything runs (a benchmark swaps in
    other functions' event rules, say)."""
    stack = provision(scenario, handlers)
    if prepare is not None:
        prepare(stack)
    account = stack.account
    ecs = account.ecs
    assert isinstance(ecs, EcsBackend)
    checker = InvariantChecker(ecs, group=stack.group, members=membership(account),
                               launch=LaunchRequirements.from_parameters(stack.parameters))
    watch_function_calls(account, checker.function_call)
    state = Run(scenario, stack, checker, account.clock.now())
    lifecycle = account.autoscaling.scaler.lifecycle

    def started(group: Group, member: GroupInstance, action: LifecycleAction) -> None:
        if group.name != stack.group:
            return  # another group's action: not ours to judge
        state.actions[action.token] = ActionRecord(member.instance_id, action.hook.name,
                                                   action.hook.transition, action.started)
        checker.action_started(group, member, action)

    def ended(group: Group, member: GroupInstance, action: LifecycleAction) -> None:
        if group.name != stack.group:
            return
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
    state.timeline = timeline
    try:
        _settle(state)
        start_standalone_tasks(stack, scenario)
        state.notes.append((account.clock.now(), "cluster ready; timeline starts"))
        timeline.schedule(scenario.steps, account.clock.now())
        _play(state, timeline)
        state.end = account.clock.now()
        _step_until(state, lambda: False, state.end + CLEANUP_S)
        checker.check_end(account.clock.now(), terminated_instances(account))
    finally:
        account.close()
    return state


def membership(account: SimAccount) -> Callable[[str], tuple[str, str] | None]:
    """Which group an instance is in, and its lifecycle state there (for the checker)."""
    groups = account.autoscaling.groups

    def member(instance_id: str) -> tuple[str, str] | None:
        for group in groups.values():
            found = group.instances.get(instance_id)
            if found is not None:
                return group.name, found.state
        return None
    return member


def terminated_instances(account: SimAccount, settled_s: float = CLEANUP_S) -> list[str]:
    """Instances terminated at least `settled_s` ago: the functions deregister a leftover
    container instance only after EC2 says `terminated` (never while shutting down), on a sweep,
    so one that terminated in the last two sweeps cannot be held against them yet."""
    before = account.clock.now() - settled_s
    return sorted(i.instance_id for i in account.ec2.instances.values()
                  if i.state == "terminated" and (i.terminated_at or 0.0) <= before)


def _quiet(state: Run) -> bool:
    account = state.stack.account
    group = account.autoscaling.groups[state.stack.group]
    # a warm pool's instances count once they have settled in the pool (Warmed:Stopped, ...)
    members = [m for m in group.instances.values() if not m.state.startswith("Warmed")]
    warming = [m for m in group.instances.values()
               if m.state.startswith("Warmed") and m.state.count(":") > 1]
    if len(members) != group.desired or any(m.state != "InService" for m in members) or warming:
        return False
    if account.lambda_.sleeping:
        return False
    ecs = account.ecs
    assert isinstance(ecs, EcsBackend)
    return all(h.steady for h in ecs.service_health() if h.status == "ACTIVE")


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
