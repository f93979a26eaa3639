"""Fault injection: throttled operations, crashed invocations, and events lost, late or repeated.

Faults are armed by a test or a scenario and fire at most as often as asked; each firing is
recorded in `fired` (for the report's timeline), and every armed fault remembers how often it
fired, so `unfired()` names the faults a run declared but never exercised.

Event faults follow what EventBridge and the services promise:
- EventBridge delivers to targets "at least once" (a target may see an event twice) and retries a
  failed delivery for up to 24 hours, so a delivery can come late
  (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html);
- Auto Scaling and EC2 (Spot warning) events are "best effort": they can be lost
  (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-event-reference.html);
- ECS events are "Durable" (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ecs.html),
  so `drop_events` never loses one. A durable event can still fail to reach a function: a Lambda
  target invoked asynchronously is retried twice and then the event is discarded
  (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
  `lose_deliveries` models that outcome: the event is on the bus, its targets never see it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ecs_cluster_manager.sim.armed_fault import Armed
from ecs_cluster_manager.sim.clock import VirtualClock
from ecs_cluster_manager.sim.errors import AwsError, throttling_error
from ecs_cluster_manager.sim.event_faults import EventFault, EventFaults


class SimulatedCrash(BaseException):
    """Raised inside a handler at a crashing API call. A BaseException, so `except Exception`
    in the handler cannot swallow it: the invocation dies like a process crash would."""


@dataclass(kw_only=True)
class _Throttle(Armed):
    operation: str  # "service:Operation"
    calls: int | None  # remaining throttled calls, None = unlimited within the window
    start: float
    end: float | None
    code: AwsError | None


@dataclass(kw_only=True)
class Crash(Armed):
    """An armed crash: fires in invocations that reach their `at_call`-th API call."""

    function: str | None  # None = any function
    at_call: int
    invocations: int  # firings left


@dataclass
class Faults:
    """The faults armed on one simulated account."""

    clock: VirtualClock
    fired: list[dict[str, object]] = field(default_factory=list)
    armed: list[Armed] = field(default_factory=list)
    _throttles: list[_Throttle] = field(default_factory=list)
    _crashes: list[Crash] = field(default_factory=list)
    events: EventFaults = field(init=False)

    def __post_init__(self) -> None:
        self.events = EventFaults(self._event_fired)

    def unfired(self) -> list[str]:
        """The description of every armed fault that has not fired once."""
        return [fault.description for fault in self.armed if fault.fired == 0]

    # -- API calls ------------------------------------------------------------------------

    def throttle(
        self,
        operation: str,
        *,
        calls: int | None = None,
        seconds: float | None = None,
        start: float | None = None,
        error: AwsError | None = None,
    ) -> Armed:
        """Answer `operation` ("autoscaling:CompleteLifecycleAction") with the service's
        throttling error for the next `calls` calls, or for `seconds` from `start` (default now),
        or both (whichever ends first). `error` overrides the service's own throttling code."""
        if calls is None and seconds is None:
            raise ValueError("throttle needs calls=N, seconds=S or both")
        begin = self.clock.now() if start is None else start
        end = None if seconds is None else begin + seconds
        limits = [f"{calls} calls"] if calls is not None else []
        limits += [f"{seconds:g} s"] if seconds is not None else []
        throttle = _Throttle(description=f"throttle {operation} ({', '.join(limits)})",
                             operation=operation, calls=calls, start=begin, end=end, code=error)
        self._throttles.append(throttle)
        self.armed.append(throttle)
        return throttle

    def crash_invocation(
        self, *, at_call: int, function: str | None = None, invocations: int = 1
    ) -> Armed:
        """Make the next `invocations` invocations (of `function`, or of any function) that reach
        their `at_call`-th API call (1-based) die there, before that call reaches the service.
        An invocation that makes fewer calls leaves the crash armed for the next one."""
        if at_call < 1:
            raise ValueError("at_call counts API calls from 1")
        crash = Crash(description=f"crash {function or 'any function'} at API call {at_call} "
                                  f"({invocations} invocations)",
                      function=function, at_call=at_call, invocations=invocations)
        self._crashes.append(crash)
        self.armed.append(crash)
        return crash

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
            throttle.fired += 1
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
        crash.fired += 1
        self.fired.append({"fault": "crash", "function": function, "at_call": crash.at_call,
                           "operation": operation, "time": self.clock.now()})

    # -- events -----------------------------------------------------------------------------

    def drop_events(
        self, *, detail_type: str | None = None, source: str | None = None, count: int = 1
    ) -> EventFault:
        """Lose the next `count` events matching `source`/`detail_type` before they reach the
        bus, as a best-effort delivery may. Never an ECS event: those are durable (see
        `lose_deliveries`)."""
        return self._arm_event(self.events.drop(detail_type, source, count))

    def lose_deliveries(
        self, *, detail_type: str | None = None, source: str | None = None, count: int = 1
    ) -> EventFault:
        """The next `count` matching events reach the bus but none of their targets: what a
        Lambda target's asynchronous invocation that exhausts its retries amounts to. The one
        way a durable (ECS) event goes missing for a function."""
        return self._arm_event(self.events.lose(detail_type, source, count))

    def delay_events(
        self, *, delay_s: float, detail_type: str | None = None, source: str | None = None,
        count: int = 1,
    ) -> EventFault:
        """Deliver the next `count` matching events to their targets `delay_s` late."""
        return self._arm_event(self.events.delay(delay_s, detail_type, source, count))

    def duplicate_events(
        self, *, detail_type: str | None = None, source: str | None = None, count: int = 1,
        copies: int = 1, after_s: float = 0.0,
    ) -> EventFault:
        """Deliver the next `count` matching events `copies` more times to each target, each
        copy `after_s` after the previous delivery (at-least-once delivery)."""
        return self._arm_event(self.events.duplicate(copies, after_s, detail_type, source, count))

    def drops(self, event: dict[str, object]) -> bool:
        """Whether to lose `event` before the bus (consumes one armed drop)."""
        return self.events.drops(event)

    def delivery_offsets(self, event: dict[str, object]) -> list[float]:
        """Seconds after normal delivery at which each target receives `event`: [0.0] normally,
        [] when lost, more than one offset when duplicated (consumes the matching faults)."""
        return self.events.offsets(event)

    def _arm_event(self, fault: EventFault) -> EventFault:
        self.armed.append(fault)
        return fault

    def _event_fired(self, kind: str, event: dict[str, object]) -> None:
        self.fired.append({"fault": kind, "detail-type": event.get("detail-type"),
                           "time": self.clock.now()})
