"""Fault injection: throttled operations, crashed invocations and dropped best-effort events.

Faults are armed by a test or a scenario and fire at most as often as asked; each firing is
recorded in `fired` so a report can say what was injected and when.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ecs_cluster_manager.sim.clock import VirtualClock
from ecs_cluster_manager.sim.errors import AwsError, throttling_error


class SimulatedCrash(BaseException):
    """Raised inside a handler at a crashing API call. A BaseException, so `except Exception`
    in the handler cannot swallow it: the invocation dies like a process crash would."""


@dataclass
class _Throttle:
    operation: str  # "service:Operation"
    calls: int | None  # remaining throttled calls, None = unlimited within the window
    start: float
    end: float | None
    code: AwsError | None


@dataclass
class Crash:
    """An armed crash: fires in invocations that reach their `at_call`-th API call."""

    function: str | None  # None = any function
    at_call: int
    invocations: int  # firings left


@dataclass
class _Drop:
    source: str | None
    detail_type: str | None
    count: int


@dataclass
class Faults:
    """The faults armed on one simulated account."""

    clock: VirtualClock
    fired: list[dict[str, object]] = field(default_factory=list)
    _throttles: list[_Throttle] = field(default_factory=list)
    _crashes: list[Crash] = field(default_factory=list)
    _drops: list[_Drop] = field(default_factory=list)

    def throttle(
        self,
        operation: str,
        *,
        calls: int | None = None,
        seconds: float | None = None,
        start: float | None = None,
        error: AwsError | None = None,
    ) -> None:
        """Answer `operation` ("autoscaling:CompleteLifecycleAction") with the service's
        throttling error for the next `calls` calls, or for `seconds` from `start` (default now),
        or both (whichever ends first). `error` overrides the service's own throttling code."""
        if calls is None and seconds is None:
            raise ValueError("throttle needs calls=N, seconds=S or both")
        begin = self.clock.now() if start is None else start
        end = None if seconds is None else begin + seconds
        self._throttles.append(_Throttle(operation, calls, begin, end, error))

    def crash_invocation(
        self, *, at_call: int, function: str | None = None, invocations: int = 1
    ) -> None:
        """Make the next `invocations` invocations (of `function`, or of any function) that reach
        their `at_call`-th API call (1-based) die there, before that call reaches the service.
        An invocation that makes fewer calls leaves the crash armed for the next one."""
        if at_call < 1:
            raise ValueError("at_call counts API calls from 1")
        self._crashes.append(Crash(function, at_call, invocations))

    def drop_events(
        self, *, detail_type: str | None = None, source: str | None = None, count: int = 1
    ) -> None:
        """Lose the next `count` events matching `source`/`detail_type` before they reach the
        bus, as a best-effort delivery may."""
        self._drops.append(_Drop(source, detail_type, count))

    def check_call(self, service: str, operation: str) -> None:
        """Raise the throttling error if a throttle covers this call now."""
        if not self._throttles:
            return
        key = f"{service}:{operation}"
        now = self.clock.now()
        for throttle in self._throttles:
            if throttle.operation != key or now < throttle.start:
                continue
            if throttle.end is not None and now >= throttle.end:
                continue
            if throttle.calls is not None:
                if throttle.calls <= 0:
                    continue
                throttle.calls -= 1
            self.fired.append({"fault": "throttle", "operation": key, "time": now})
            raise throttle.code or throttling_error(service)

    def crash_point(self, function: str) -> Crash | None:
        """The crash armed for an invocation of `function` that is starting, if any."""
        for crash in self._crashes:
            if crash.invocations > 0 and crash.function in (None, function):
                return crash
        return None

    def crash_fired(self, crash: Crash, function: str, operation: str) -> None:
        crash.invocations -= 1
        self.fired.append({"fault": "crash", "function": function, "at_call": crash.at_call,
                           "operation": operation, "time": self.clock.now()})

    def drops(self, event: dict[str, object]) -> bool:
        """Whether to lose `event` (consumes one armed drop).

        ECS events are never lost: the EventBridge events reference lists Amazon ECS events
        with "Delivery type: Durable", unlike Auto Scaling's best-effort events
        (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ecs.html).
        """
        if event.get("source") == "aws.ecs":
            return False
        for drop in self._drops:
            if drop.count <= 0:
                continue
            if drop.source not in (None, event.get("source")):
                continue
            if drop.detail_type not in (None, event.get("detail-type")):
                continue
            drop.count -= 1
            self.fired.append(
                {"fault": "drop-event", "detail-type": event.get("detail-type"),
                 "time": self.clock.now()}
            )
            return True
        return False
