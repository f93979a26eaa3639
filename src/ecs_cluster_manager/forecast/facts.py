"""What one simulated roll showed, as plain data: how long it took, how low each service went,
each drain, and everything that makes a roll unsafe."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ecs_cluster_manager.forecast import drains, service_counts
from ecs_cluster_manager.forecast.events import SERVICE_ACTION, epoch
from ecs_cluster_manager.sim.ecs import EcsBackend
from ecs_cluster_manager.sim.scenario import outcomes
from ecs_cluster_manager.sim.scenario.provision import TERMINATE_FUNCTION
from ecs_cluster_manager.sim.scenario.runner import Run

TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING"
PLACEMENT_FAILURE = "SERVICE_TASK_PLACEMENT_FAILURE"
# Broken invariants the forecast reports in its own words (service dips, killed tasks).
EXPLAINED = frozenset({"service-below-minimum", "task-stopped-by-termination"})


@dataclass(frozen=True)
class ServiceFacts:
    name: str
    daemon: bool
    desired: int
    minimum_healthy: int  # ceil(desired x minimumHealthyPercent / 100)
    lowest: int  # the lowest running count during the roll


@dataclass(frozen=True)
class RunFacts:
    seed: int
    finished: bool
    duration_s: float  # from the start of the roll until the group is quiet again
    services: tuple[ServiceFacts, ...]
    drains: tuple[drains.Drain, ...]
    launch_abandons: int
    jobs_stopped: tuple[str, ...]  # standalone families the drain gate stopped after grace
    tasks_killed: tuple[str, ...]  # "service web": whose tasks died with their instance
    daemon_gaps: dict[str, float]  # daemon -> longest time an instance ran on without it
    placement_failures: tuple[str, ...]  # "service (reason)": ECS could not place a task
    other_breaks: tuple[str, ...]  # any other invariant broken, with its detail


def _services(run: Run, ecs: EcsBackend, start: float) -> tuple[ServiceFacts, ...]:
    specs = {s.name: s for s in run.scenario.cluster.services}
    desired = {h.name: h.desired_count for h in ecs.service_health()}
    lowest = service_counts.lowest_running(run.checker.counts, run.stack.cluster, start,
                                           run.end, specs)
    return tuple(ServiceFacts(name, spec.daemon, desired.get(name, spec.count),
                              math.ceil(desired.get(name, spec.count)
                                        * spec.minimum_healthy_percent / 100), lowest[name])
                 for name, spec in specs.items())


def _drains(run: Run, start: float) -> tuple[drains.Drain, ...]:
    """Each terminate action of the roll, labelled by the order it began in: "old instance k"
    for the instances there before the roll, "new instance k" for one the roll launched (an
    abandoned launch goes through the terminate hook too)."""
    account = run.stack.account
    terminate = run.stack.functions[TERMINATE_FUNCTION]
    lines = drains.decision_lines(account.lambda_.logs, terminate)
    timed_out = {str(d["instance"]) for d in outcomes.drain_timeouts(account, terminate)}
    before = {a.instance_id for a in run.actions.values()
              if a.transition != TERMINATING and a.start < start}
    held = sorted((a for a in run.actions.values() if a.transition == TERMINATING),
                  key=lambda a: a.start)
    counted = {True: 0, False: 0}
    rows = []
    for action in held:
        old = action.instance_id in before
        counted[old] += 1
        label = f"{'old' if old else 'new'} instance {counted[old]}"
        rows.append(drains.drain_facts(label, action.instance_id, action, lines, timed_out))
    return tuple(rows)


def _placement_failures(events: list[dict[str, Any]], start: float, end: float) -> set[str]:
    """"service (reason)" for each service ECS reported it could not place a task of."""
    return {f"{str(e['resources'][0]).rsplit('/', 1)[-1]} ({e['detail'].get('reason')})"
            for e in events if e.get("detail-type") == SERVICE_ACTION
            and e["detail"].get("eventName") == PLACEMENT_FAILURE
            and start <= epoch(str(e["time"])) <= end}


def collect(run: Run) -> RunFacts:
    ecs = run.stack.account.ecs
    assert isinstance(ecs, EcsBackend)
    start = run.ready_at if run.ready_at is not None else run.start
    events = list(run.stack.account.events.history)
    terminate = run.stack.functions[TERMINATE_FUNCTION]
    stops = ecs.task_stops()
    daemons = {s.name for s in run.scenario.cluster.services if s.daemon}
    return RunFacts(
        seed=run.scenario.seed, finished=run.finished, duration_s=run.end - start,
        services=_services(run, ecs, start), drains=_drains(run, start),
        launch_abandons=sum(1 for a in run.actions.values()
                            if a.transition != TERMINATING and a.result == "ABANDON"),
        jobs_stopped=tuple(s.group.split(":", 1)[-1]
                           for s in drains.jobs_stopped_by(stops, terminate)),
        tasks_killed=tuple(drains.group_words(s.group)
                           for s in drains.killed_with_instance(stops)),
        daemon_gaps=drains.daemon_gaps(events, daemons),
        placement_failures=tuple(sorted(_placement_failures(events, start, run.end))),
        other_breaks=tuple(f"{v.invariant}: {v.detail}" for v in run.checker.violations
                           if v.invariant not in EXPLAINED))
