"""How harsh the simulated account is: its rate limits and call latency, as a scenario sets them.

    aws:
      rate_limits: aws          # AWS's documented buckets (the default); off; or a factor
                                # on every bucket (0.5 = half AWS's burst and rate)
      latency_ms: {median: 40, p99: 250}   # the default; or off

The scenario file's `aws:` mapping is validated in `scenario/spec.py`; see `ratelimits` and
`latency` for what each models and the AWS pages they follow.
"""

from __future__ import annotations

from dataclasses import dataclass

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
