"""API call counts per operation and per Lambda invocation ("wake-up"), and throttled calls.

Every attempt botocore sends is a call (a retried call counts once per attempt, as AWS counts
requests against its rate limits)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class WakeUp:
    """One Lambda invocation attempt and what it cost."""

    function: str
    request_id: str
    attempt: int
    start: float
    memory_mb: int
    end: float | None = None
    calls: Counter[str] = field(default_factory=Counter)
    error: str | None = None
    sleep_s: float = 0.0  # time.sleep in the handler, botocore's retry backoff included
    call_latency_s: float = 0.0  # time spent waiting for API answers
    throttled: int = 0

    @property
    def duration_ms(self) -> float:
        return 0.0 if self.end is None else (self.end - self.start) * 1000.0

    @property
    def billed_ms(self) -> int:
        """Lambda bills each invocation rounded up to the next millisecond, at least 1 ms
        (https://aws.amazon.com/lambda/pricing/)."""
        whole = int(self.duration_ms)
        return max(1, whole if whole == self.duration_ms else whole + 1)

    @property
    def gb_seconds(self) -> float:
        return self.billed_ms / 1000.0 * self.memory_mb / 1024.0


@dataclass
class Metrics:
    calls: Counter[str] = field(default_factory=Counter)  # "service:Operation" -> count
    wakeups: list[WakeUp] = field(default_factory=list)
    throttles: Counter[str] = field(default_factory=Counter)  # "service:Operation" -> refused

    def count_throttle(self, operation: str, wake: WakeUp | None) -> None:
        self.throttles[operation] += 1
        if wake is not None:
            wake.throttled += 1

    def calls_per_wakeup(self) -> float:
        total = sum(sum(w.calls.values()) for w in self.wakeups)
        return total / len(self.wakeups) if self.wakeups else 0.0
