"""Per service: the counts over time and the dips below the minimum healthy count."""

from __future__ import annotations

from collections.abc import Sequence

from ecs_cluster_manager.picture.model import Dip, ServiceSample, ServiceSeries


def dips(samples: Sequence[ServiceSample], end: float) -> tuple[Dip, ...]:
    """Intervals with fewer tasks running than the minimum healthy count, once the service has
    first reached its minimum (its start-up is not a dip). A dip still open at `end` ends there.
    """
    found: list[Dip] = []
    reached = False
    start: float | None = None
    lowest = minimum = 0
    for sample in samples:
        below = sample.running < sample.minimum
        if not below:
            if start is not None:
                found.append(Dip(start, sample.at, lowest, minimum))
                start = None
            reached = reached or sample.desired > 0
            continue
        if not reached:
            continue
        if start is None:
            start, lowest, minimum = sample.at, sample.running, sample.minimum
        lowest, minimum = min(lowest, sample.running), max(minimum, sample.minimum)
    if start is not None:
        found.append(Dip(start, max(end, start), lowest, minimum))
    return tuple(found)


def series(name: str, scheduling: str, samples: Sequence[ServiceSample],
           end: float) -> ServiceSeries:
    """A daemon's counts follow the instances (a new one counts before its task runs), so only
    replica services have dips marked."""
    ordered = tuple(sorted(samples, key=lambda s: s.at))
    marked = dips(ordered, end) if scheduling == "REPLICA" else ()
    return ServiceSeries(name, scheduling, ordered, marked)
