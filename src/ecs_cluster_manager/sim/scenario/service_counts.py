"""Each service's running, desired and minimum healthy counts over time, for the picture of a run.

Recorded by the invariant checker at the end of every instant it already inspects the services
(so no extra polling), and only when a count changed: a long quiet run costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ecs_cluster_manager.sim.ecs.harness import ServiceHealth

Sample = tuple[float, int, int, int]  # (time, running, desired, minimum healthy)


@dataclass
class ServiceCounts:
    samples: dict[tuple[str, str], list[Sample]] = field(default_factory=dict)  # (cluster, name)
    strategies: dict[tuple[str, str], str] = field(default_factory=dict)

    def record(self, now: float, healths: Iterable[ServiceHealth]) -> None:
        for health in healths:
            key = (health.cluster, health.name)
            counts = (health.running_count, health.desired_count, health.minimum_healthy_count)
            series = self.samples.setdefault(key, [])
            if series and series[-1][1:] == counts:
                continue
            if series and series[-1][0] == now:
                series.pop()  # the same instant: only its last state counts
                if series and series[-1][1:] == counts:
                    continue
            series.append((now, *counts))
            self.strategies[key] = health.scheduling_strategy
