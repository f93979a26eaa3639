"""Several runs' facts as one forecast: ranges over the runs, and the verdict with its reasons.

A roll is unsafe when any run shows one of: a replica service below its minimum healthy count,
a drain ended by a timeout (what still held it is named), a task killed with its instance, a
standalone task the drain gate had to stop (a job cut short), a daemon gone from an instance
while other tasks still ran there, an abandoned launch, any other broken invariant, a roll that
did not finish, or a roll that cannot start (no room above the desired capacity). Each reason
says in how many runs it happened.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from ecs_cluster_manager.forecast.capacity import Spare
from ecs_cluster_manager.forecast.facts import RunFacts
from ecs_cluster_manager.forecast.plan import Roll

DAEMON_GAP_S = 2.0  # events have second precision: a shorter gap is noise


@dataclass(frozen=True)
class ServiceOutlook:
    name: str
    daemon: bool
    desired: int
    minimum_healthy: int
    lowest: int  # the lowest running count in any run
    below_minimum_runs: int


@dataclass(frozen=True)
class Forecast:
    scenario: str
    roll: Roll
    runs: int
    seeds: tuple[int, ...]
    duration_s: tuple[float, float] | None  # (min, max) over the runs that finished
    services: tuple[ServiceOutlook, ...]
    blocked_drains: tuple[str, ...]
    slowest_drain_s: float | None
    spare: Spare
    placement_failures: tuple[str, ...]
    reasons: tuple[str, ...]  # why the roll is unsafe; empty: safe
    notes: tuple[str, ...]

    @property
    def safe(self) -> bool:
        return not self.reasons

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["safe"] = self.safe
        data["duration_s"] = None if self.duration_s is None else {
            "min": round(self.duration_s[0], 1), "max": round(self.duration_s[1], 1)}
        return data


def _in_runs(count: int, runs: int) -> str:
    return f"in {count}/{runs} runs" if runs > 1 else "in the run"


def _tally(facts: list[RunFacts], items: Callable[[RunFacts], Iterable[str]]) -> Counter[str]:
    """How many runs showed each item (an item counts once per run)."""
    return Counter(item for f in facts for item in set(items(f)))


def _services(facts: list[RunFacts]) -> tuple[ServiceOutlook, ...]:
    outlook = []
    for index, first in enumerate(facts[0].services):
        seen = [f.services[index] for f in facts]
        below = sum(1 for s in seen if not s.daemon and s.lowest < s.minimum_healthy)
        outlook.append(ServiceOutlook(first.name, first.daemon, first.desired,
                                      first.minimum_healthy, min(s.lowest for s in seen), below))
    return tuple(outlook)


def _blocked(facts: list[RunFacts]) -> Counter[str]:
    def blocked(f: RunFacts) -> list[str]:
        return [f"{d.label} blocked on {', '.join(d.blocked_by) or 'nothing it could name'} "
                f"until {'the hook timed out' if d.completed_by == 'timeout' else 'the drain timeout'}"
                f" ({d.result or 'still held'})" for d in f.drains if d.timed_out]
    return _tally(facts, blocked)


def judge(facts: list[RunFacts], roll: Roll, spare: Spare, scenario: str,
          notes: tuple[str, ...] = ()) -> Forecast:
    """The forecast from every run's facts (at least one run, unless the roll cannot start)."""
    runs = len(facts)
    reasons: list[str] = []
    if roll.batch == 0 and roll.instances:
        reasons.append("the rolling update cannot start: MaxSize leaves no room above the "
                       "desired capacity (CloudFormation requires MinInstancesInService, the "
                       "desired capacity, to be below MaxSize)")
    finished = [f.duration_s for f in facts if f.finished]
    if len(finished) < runs:
        reasons.append(f"the roll did not finish {_in_runs(runs - len(finished), runs)}")
    services = _services(facts) if facts else ()
    for s in services:
        if s.below_minimum_runs:
            reasons.append(f"service {s.name} fell to {s.lowest}/{s.desired} running, below its "
                           f"minimum healthy {s.minimum_healthy}, "
                           f"{_in_runs(s.below_minimum_runs, runs)}")
    blocked = _blocked(facts)
    reasons += [f"{text}, {_in_runs(count, runs)}" for text, count in sorted(blocked.items())]
    checks: list[tuple[Callable[[RunFacts], Iterable[str]], str]] = [
        (lambda f: f.tasks_killed, "tasks of {} killed with their instance"),
        (lambda f: f.jobs_stopped, "standalone task {} stopped by the drain gate after its "
                                   "grace period (StandaloneTaskPolicy): the job is cut short"),
        (lambda f: ["abandoned"] * min(1, f.launch_abandons),
         "the launch gate {} a new instance (it never joined the cluster)"),
        (lambda f: f.other_breaks, "invariant broken: {}"),
    ]
    for items, template in checks:
        reasons += [f"{template.format(item)}, {_in_runs(count, runs)}"
                    for item, count in sorted(_tally(facts, items).items())]
    reasons += _daemon_reasons(facts)
    waited = [d.waited_s for f in facts for d in f.drains if d.waited_s is not None]
    return Forecast(
        scenario=scenario, roll=roll, runs=runs, seeds=tuple(f.seed for f in facts),
        duration_s=(min(finished), max(finished)) if finished else None,
        services=services, blocked_drains=tuple(sorted(blocked)),
        slowest_drain_s=max(waited, default=None), spare=spare,
        placement_failures=tuple(sorted(_tally(facts, lambda f: f.placement_failures))),
        reasons=tuple(reasons), notes=notes)


def _daemon_reasons(facts: list[RunFacts]) -> list[str]:
    """ECS stops a daemon's task as soon as its instance is DRAINING; the instance's other tasks
    may run on for their deregistration delay and stop timeout without it (no logs shipped, no
    metrics, no proxy)."""
    gaps: dict[str, list[float]] = {}
    for f in facts:
        for name, gap in f.daemon_gaps.items():
            if gap > DAEMON_GAP_S:
                gaps.setdefault(name, []).append(gap)
    return [f"daemon {name} stops as soon as a drain starts: the instance's other tasks ran on "
            f"without it for up to {max(seen):.0f} s, {_in_runs(len(seen), len(facts))}"
            for name, seen in sorted(gaps.items())]
