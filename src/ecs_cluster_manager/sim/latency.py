"""How long an API call takes, as a simulated function sees it.

A call made inside a simulated invocation holds the function for a latency drawn from a
log-normal distribution given by its median and 99th percentile; the invocation sleeps that
long on the virtual clock (so its billed duration and its remaining time include it) after the
service has answered, which is the harsher reading: the answer is already that old when the
function reads it. AWS publishes no latency figures for these control-plane APIs; the default
(median 40 ms, p99 250 ms) is an assumption in the range public SDK traces show for regional
control-plane calls, settable per account (`SimAccount(latency=...)`) and per scenario.
Calls made by the simulation's driver (outside any invocation) take no virtual time.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

_Z99 = 2.3263478740408408  # the standard normal's 99th percentile


@dataclass
class Latency:
    median_s: float = 0.040
    p99_s: float = 0.250
    seed: int = 0
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.median_s < 0 or self.p99_s < self.median_s:
            raise ValueError(
                f"latency needs 0 <= median ({self.median_s}) <= p99 ({self.p99_s})")
        self._random = random.Random(self.seed)

    @classmethod
    def none(cls) -> Latency:
        return cls(0.0, 0.0)

    def sample(self) -> float:
        """One call's latency in seconds."""
        if self.median_s == 0.0:
            return 0.0
        sigma = math.log(self.p99_s / self.median_s) / _Z99
        return self.median_s * math.exp(sigma * self._random.gauss(0.0, 1.0))
