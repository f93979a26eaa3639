"""How harsh the simulated account is: its rate limits and call latency, as a scenario sets them.

    aws:
      rate_limits: aws          # AWS's documented buckets (the default); off; or a factor
                                # on every bucket (0.5 = half AWS's burst and rate)
      latency_ms: {median: 40, p99: 250}   # the default; or off

See `ratelimits` and `latency` for what each models and the AWS pages they follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ecs_cluster_manager.sim.latency import Latency
from ecs_cluster_manager.sim.ratelimits import RateLimits


@dataclass(frozen=True)
class Realism:
    rate_limit_scale: float | None = 1.0  # None: no rate limits
    latency_median_s: float = 0.040
    latency_p99_s: float = 0.250

    def limits(self) -> RateLimits:
        return RateLimits.off() if self.rate_limit_scale is None else RateLimits.aws(
            self.rate_limit_scale)

    def latency(self, seed: int) -> Latency:
        return Latency(self.latency_median_s, self.latency_p99_s, seed=seed)


def parse(raw: dict[str, Any], where: str = "aws") -> Realism:
    """The `aws:` mapping of a scenario; ValueError names the bad value and what to write."""
    unknown = set(raw) - {"rate_limits", "latency_ms"}
    if unknown:
        raise ValueError(f"{where}: unknown key {sorted(unknown)[0]!r} "
                         "(use rate_limits and latency_ms)")
    return Realism(rate_limit_scale=_scale(raw.get("rate_limits", "aws"), where),
                   **_latency(raw.get("latency_ms", {}), where))


def _scale(value: Any, where: str) -> float | None:
    if value in ("aws", None):
        return 1.0
    if value in ("off", False):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    raise ValueError(f"{where}.rate_limits: {value!r} is not aws, off or a positive factor")


def _latency(value: Any, where: str) -> dict[str, float]:
    if value in ("off", False):
        return {"latency_median_s": 0.0, "latency_p99_s": 0.0}
    if not isinstance(value, dict) or set(value) - {"median", "p99"}:
        raise ValueError(f"{where}.latency_ms: {value!r} is not off or {{median: MS, p99: MS}}")
    median = float(value.get("median", 40)) / 1000.0
    p99 = float(value.get("p99", max(250.0, median * 1000.0))) / 1000.0
    if not 0 <= median <= p99:
        raise ValueError(f"{where}.latency_ms: needs 0 <= median <= p99, got {value!r}")
    return {"latency_median_s": median, "latency_p99_s": p99}
