"""Play a forecast: the roll of `plan.py` several times in the simulator, each run's facts
(`facts.py`), and the verdict over all of them (`verdict.py`). One run is kept for the picture:
the one that went worst (unfinished, then most drains timed out, then slowest)."""

from __future__ import annotations

from dataclasses import dataclass

from ecs_cluster_manager.forecast import capacity, facts, plan, verdict
from ecs_cluster_manager.sim.ec2.instance_types import INSTANCE_RESOURCES
from ecs_cluster_manager.sim.ec2.view import DEFAULT_RESOURCES
from ecs_cluster_manager.sim.scenario import runner, spec

DEFAULT_RUNS = 5


@dataclass(frozen=True)
class Played:
    forecast: verdict.Forecast
    worst_run: runner.Run | None  # None when the roll could not start


def _badness(f: facts.RunFacts) -> tuple[bool, int, float]:
    return (not f.finished, sum(1 for d in f.drains if d.timed_out), f.duration_s)


def limits(scenario: spec.Scenario, roll: plan.Roll) -> tuple[str, ...]:
    """What the forecast of this scenario cannot show, in words."""
    notes = []
    if scenario.cluster.instance_type not in INSTANCE_RESOURCES:
        cpu, memory = DEFAULT_RESOURCES
        notes.append(f"Instance type {scenario.cluster.instance_type} is not in the "
                     f"simulator's table; simulated with {cpu} CPU units and {memory} MiB.")
    for service in scenario.cluster.services:
        if any(c.type == "memberOf" for c in service.placement_constraints):
            notes.append(f"Service {service.name}'s memberOf placement constraint is not "
                         "simulated (its expression is not evaluated).")
    return tuple(notes)


def play(scenario: spec.Scenario, *, runs: int = DEFAULT_RUNS, seed: int | None = None,
         batch: int | None = None, instance_type: str | None = None) -> Played:
    """`runs` simulated rolls with seeds `seed`, `seed`+1, ... (default: the scenario's);
    `instance_type`: the new instances' type, when the roll changes it."""
    roll = plan.roll_of(scenario, batch, instance_type)
    first = scenario.seed if seed is None else seed
    collected: list[facts.RunFacts] = []
    worst: tuple[tuple[bool, int, float], runner.Run] | None = None
    for index in range(runs if roll.batch else 0):
        run = runner.run(plan.run_scenario(scenario, roll, first + index, jitter=index > 0))
        found = facts.collect(run)
        collected.append(found)
        if worst is None or _badness(found) > worst[0]:
            worst = (_badness(found), run)
    forecast = verdict.judge(collected, roll, capacity.spare_capacity(scenario.cluster),
                             scenario.name, limits(scenario, roll))
    return Played(forecast, None if worst is None else worst[1])
