"""A discrete-event virtual clock: hours of simulated time in seconds of wall time.

Every simulated service schedules its future work (an instance finishing boot, a lifecycle
action timing out, a Lambda retry) as a callback at a virtual time. Nothing waits for real time:
`run_until` pops due callbacks from a heap in time order (ties in scheduling order) and jumps the
clock forward to each one.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from datetime import UTC, datetime

# 2026-01-01T00:00:00Z: a fixed, readable start so event timestamps are reproducible.
DEFAULT_START = datetime(2026, 1, 1, tzinfo=UTC).timestamp()


class Timer:
    """A scheduled callback; `cancel()` makes the clock skip it."""

    __slots__ = ("cancelled", "fn", "when")

    def __init__(self, when: float, fn: Callable[[], object]) -> None:
        self.when = when
        self.fn = fn
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class VirtualClock:
    """Virtual time in epoch seconds, advanced only by running scheduled callbacks."""

    def __init__(self, start: float = DEFAULT_START) -> None:
        self._now = float(start)
        self._heap: list[tuple[float, int, Timer]] = []
        self._seq = itertools.count()

    def now(self) -> float:
        return self._now

    def datetime(self) -> datetime:
        return datetime.fromtimestamp(self._now, tz=UTC)

    def call_at(self, when: float, fn: Callable[[], object]) -> Timer:
        """Schedule `fn` at virtual time `when` (a past time means "as soon as possible")."""
        timer = Timer(max(when, self._now), fn)
        heapq.heappush(self._heap, (timer.when, next(self._seq), timer))
        return timer

    def call_later(self, delay: float, fn: Callable[[], object]) -> Timer:
        return self.call_at(self._now + max(0.0, delay), fn)

    @staticmethod
    def cancel(timer: Timer) -> None:
        timer.cancel()

    def next_due(self) -> float | None:
        """The time of the next live callback, or None when nothing is scheduled."""
        heap = self._heap
        while heap and heap[0][2].cancelled:
            heapq.heappop(heap)
        return heap[0][0] if heap else None

    def pending(self) -> int:
        return sum(1 for _, _, timer in self._heap if not timer.cancelled)

    def step(self, limit: float | None = None) -> bool:
        """Run the next callback due at or before `limit`; False when there is none."""
        when = self.next_due()
        if when is None or (limit is not None and when > limit):
            return False
        _, _, timer = heapq.heappop(self._heap)
        self._now = when
        timer.fn()
        return True

    def run_until(self, when: float) -> None:
        """Run every callback due up to `when`, then set the clock to `when`."""
        while self.step(when):
            pass
        self._now = max(self._now, when)

    def run_for(self, seconds: float) -> None:
        self.run_until(self._now + seconds)

    def run_until_idle(self, horizon: float = 7 * 24 * 3600.0) -> None:
        """Run until nothing is scheduled, or `horizon` seconds from now (periodic rules never
        go idle)."""
        limit = self._now + horizon
        while self.step(limit):
            pass

    def run_until_true(
        self, predicate: Callable[[], bool], timeout: float = 24 * 3600.0
    ) -> bool:
        """Run callbacks until `predicate()` holds (checked after each one) or `timeout`
        virtual seconds pass; returns whether the predicate holds."""
        limit = self._now + timeout
        while not predicate():
            if not self.step(limit):
                self._now = max(self._now, limit)
                return predicate()
        return True
