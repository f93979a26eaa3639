"""A forecast in words: the one-line summary `ecm deploy`'s preview shows, and the parts of
`ecm forecast`'s report (the CLI lays them out)."""

from __future__ import annotations

from ecs_cluster_manager.durations import duration_text
from ecs_cluster_manager.forecast.verdict import Forecast, ServiceOutlook


def duration_range(forecast: Forecast) -> str:
    if forecast.duration_s is None:
        return "no run finished"
    low, high = forecast.duration_s
    if high < 3600:
        first, last = max(1, round(low / 60)), max(1, round(high / 60))
        return f"about {first} min" if first == last else f"about {first}-{last} min"
    return f"about {duration_text(low)}" if duration_text(low) == duration_text(high) else \
        f"about {duration_text(low)}-{duration_text(high)}"


def exact_range(forecast: Forecast) -> str:
    """" (13m40s to 14m10s)", or " (13m40s)" when every run took as long."""
    if forecast.duration_s is None:
        return ""
    low, high = (duration_text(t) for t in forecast.duration_s)
    return f" ({low})" if low == high else f" ({low} to {high})"


def service_cell(service: ServiceOutlook) -> str:
    if service.daemon:
        return f"{service.lowest}/{service.desired} (daemon: one per instance)"
    return f"{service.lowest}/{service.desired}"


def dips(forecast: Forecast) -> str:
    """The services that go below their desired count, at their lowest."""
    low = [s for s in forecast.services if not s.daemon and s.lowest < s.desired]
    if not low:
        return "every service keeps its desired count"
    return "; ".join(f"service {s.name} stays >= {s.lowest}/{s.desired}" for s in low)


def summary_line(forecast: Forecast) -> str:
    """"2 instances will roll, about 7-8 min; service api stays >= 4/6; no drain blocks; safe"."""
    roll = forecast.roll
    if not roll.instances:
        return "the group has no instances: nothing to roll"
    if not forecast.runs:
        return f"{roll.instances} instance(s) cannot roll: {forecast.reasons[0]}"
    blocks = (f"{len(forecast.blocked_drains)} drain(s) block until a timeout"
              if forecast.blocked_drains else "no drain blocks")
    verdict = "safe" if forecast.safe else (
        f"UNSAFE: {forecast.reasons[0]}"
        + (f" (+{len(forecast.reasons) - 1} more)" if len(forecast.reasons) > 1 else ""))
    return (f"{roll.instances} instance(s) will roll, {roll.batch} at a time, "
            f"{duration_range(forecast)}; {dips(forecast)}; {blocks}; {verdict}")


def heading(forecast: Forecast) -> str:
    roll = forecast.roll
    seeds = forecast.seeds
    played = (f"{forecast.runs} run(s), seeds {seeds[0]}-{seeds[-1]}" if len(seeds) > 1
              else f"1 run, seed {seeds[0]}" if seeds else "not simulated")
    return (f"Forecast of {forecast.scenario}: {roll.instances} instance(s) replaced, "
            f"{roll.batch} at a time ({roll.batches} batch(es)); {played}")
