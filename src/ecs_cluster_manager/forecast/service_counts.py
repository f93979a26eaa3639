"""Each service's lowest running count during a window of a simulated run, from the counts the
invariant checker records at the end of every instant (sim/scenario/service_counts.py): a stop
and its replacement within one instant are not a dip, as the checker itself judges it."""

from __future__ import annotations

from collections.abc import Iterable

from ecs_cluster_manager.sim.scenario.service_counts import ServiceCounts


def lowest_running(counts: ServiceCounts, cluster: str, start: float, end: float,
                   services: Iterable[str]) -> dict[str, int]:
    """The lowest running count of each service between `start` and `end` (the count in
    effect when the window opens included); 0 for a service never recorded."""
    lowest = {}
    for name in services:
        series = counts.samples.get((cluster, name), [])
        opening = [sample for sample in series if sample[0] <= start][-1:]
        inside = [sample for sample in series if start < sample[0] <= end]
        lowest[name] = min((sample[1] for sample in opening + inside), default=0)
    return lowest
