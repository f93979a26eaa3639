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


def _events(run: Run) -> list[dict[str, Any]]:
    return list(run.stack.account.events.history)


def collect(run: Run) -> RunFacts:
    account = run.stack.account
    ecs = account.ecs
    assert isinstance(ecs, EcsBackend)
    start = run.ready_at if run.ready_at is not None else run.start
    events = _events(run)
    specs = {s.name: s for s in run.scenario.cluster.services}
    health = {h.name: h for h in ecs.service_health()}
    lowest = service_counts.lowest_running(run.checker.counts, run.stack.cluster, start,
                                           run.end, specs)
    services = tuple(ServiceFacts(
        name, spec.daemon, health[name].desired_count if name in health else spec.count,
        math.ceil((health[name].desired_count if name in health else spec.count)
                  * spec.minimum_healthy_percent / 100),
        lowest[name]) for name, spec in specs.items())
    terminate = run.stack.functions[TERMINATE_FUNCTION]
    lines = drains.decision_lines(account.lambda_.logs, terminate)
    timed_out = {str(d["instance"]) for d in outcomes.drain_timeouts(account, terminate)}
    held = sorted((a for a in run.actions.values() if a.transition == TERMINATING),
                  key=lambda a: a.start)
    drain_rows = tuple(drains.drain_facts(f"old instance {index}", a.instance_id, a, lines,
                                          timed_out) for index, a in enumerate(held, start=1))
    stops = ecs.task_stops()
    failures = {f"{str(e['resources'][0]).rsplit('/', 1)[-1]} ({e['detail'].get('reason')})"
                for e in events if e.get("detail-type") == SERVICE_ACTION
                and e["detail"].get("eventName") == PLACEMENT_FAILURE
                and start <= epoch(str(e["time"])) <= run.end}
    return RunFacts(
        seed=run.scenario.seed, finished=run.finished, duration_s=run.end - start,
        services=services, drains=drain_rows,
        launch_abandons=sum(1 for a in run.actions.values()
                            if a.transition != TERMINATING and a.result == "ABANDON"),
        jobs_stopped=tuple(s.group.split(":", 1)[-1]
                           for s in drains.jobs_stopped_by(stops, terminate)),
        tasks_killed=tuple(drains.group_words(s.group)
                           for s in drains.killed_with_instance(stops)),
        daemon_gaps=drains.daemon_gaps(events, {n for n, s in specs.items() if s.daemon}),
        placement_failures=tuple(sorted(failures)),
        other_breaks=tuple(f"{v.invariant}: {v.detail}" for v in run.checker.violations
                           if v.invariant not in EXPLAINED))
