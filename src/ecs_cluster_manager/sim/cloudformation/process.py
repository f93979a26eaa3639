"""Stack operations as generators driven by the virtual clock.

CloudFormation works on a stack for minutes or hours (waiting for signals, for a rolling-update
batch); writing each operation as a generator keeps its steps in reading order. A step yields a
number of seconds to sleep or a `Wait`; the runner resumes it from a clock callback with True,
or False once a Wait times out. `cancel()` throws `Cancelled` into the generator at its current
wait, which is how CancelUpdateStack interrupts an update.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any, TypeVar

from ecs_cluster_manager.sim.clock import Timer, VirtualClock

T = TypeVar("T")


@dataclass
class Wait:
    """Resume when `until()` holds (checked every `poll_s`), or with False after `timeout_s`."""

    until: Callable[[], bool]
    timeout_s: float | None = None
    poll_s: float = 5.0


Step = Generator["Wait | float", bool, T]


class Cancelled(Exception):  # a request to stop, thrown into the generator
    """Thrown into a running operation by CancelUpdateStack."""


class Process:
    def __init__(self, clock: VirtualClock, steps: Step[Any],
                 on_crash: Callable[[BaseException], None]) -> None:
        self.clock = clock
        self.steps = steps
        self.on_crash = on_crash
        self.done = False
        self._started = False
        self._timer: Timer | None = None
        self._wait: Wait | None = None
        self._deadline: float | None = None

    def start(self) -> None:
        """Run the first step now, so the caller already sees the *_IN_PROGRESS status."""
        self._resume(True)

    def wake(self) -> None:
        """Re-check the current wait now (a signal arrived)."""
        if self._wait is not None and not self.done:
            self._schedule(0.0, self._check)

    def cancel(self) -> None:
        if not self.done:
            self._schedule(0.0, lambda: self._resume(None, throw=True))

    def _schedule(self, delay: float, fn: Callable[[], None]) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self.clock.call_later(delay, fn)

    def _resume(self, value: bool | None, *, throw: bool = False) -> None:
        self._timer = None
        self._wait = None
        try:
            if throw:
                request = self.steps.throw(Cancelled())
            elif not self._started:
                request = next(self.steps)
            else:
                request = self.steps.send(bool(value))
            self._started = True
        except StopIteration:
            self.done = True
            return
        except Exception as error:  # a bug in a provider must not stop the clock
            self.done = True
            self.on_crash(error)
            return
        if isinstance(request, Wait):
            self._wait = request
            timeout = request.timeout_s
            self._deadline = None if timeout is None else self.clock.now() + timeout
            self._check()
        else:
            self._schedule(float(request), lambda: self._resume(True))

    def _check(self) -> None:
        wait = self._wait
        if wait is None:
            return
        if wait.until():
            self._resume(True)
            return
        now = self.clock.now()
        if self._deadline is not None and now >= self._deadline:
            self._resume(False)
            return
        delay = wait.poll_s if self._deadline is None else min(wait.poll_s, self._deadline - now)
        self._schedule(delay, self._check)
