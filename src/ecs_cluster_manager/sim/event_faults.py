"""Event faults: events dropped before the bus, or delivered to targets late, twice or never.

The promises these faults stay within are cited in `faults.py`. A fault matches an event by
`source` and `detail-type` (None matches any) and applies to the next `count` matching events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ecs_cluster_manager.sim.armed_fault import Armed

Fired = Callable[[str, dict[str, object]], None]  # (fault kind, event)
DURABLE_SOURCES = ("aws.ecs",)


@dataclass(kw_only=True)
class EventFault(Armed):
    kind: str  # "drop-event", "lose-delivery", "delay-event", "duplicate-event"
    source: str | None
    detail_type: str | None
    count: int  # events left to affect
    delay_s: float = 0.0
    copies: int = 0
    after_s: float = 0.0

    def take(self, event: dict[str, object]) -> bool:
        """Whether this fault applies to `event` (and use up one of its events)."""
        if self.count <= 0:
            return False
        if self.source not in (None, event.get("source")):
            return False
        if self.detail_type not in (None, event.get("detail-type")):
            return False
        self.count -= 1
        self.fired += 1
        return True


def _describe(kind: str, detail_type: str | None, source: str | None, count: int) -> str:
    what = detail_type or (f"{source} events" if source else "any event")
    return f"{kind} {what} ({count} events)"


class EventFaults:
    def __init__(self, on_fired: Fired) -> None:
        self.on_fired = on_fired
        self.before_bus: list[EventFault] = []
        self.at_delivery: list[EventFault] = []

    def drop(self, detail_type: str | None, source: str | None, count: int) -> EventFault:
        if source in DURABLE_SOURCES:
            raise ValueError(f"{source} events are durable and never dropped before the bus; "
                             "use lose_deliveries")
        fault = EventFault(description=_describe("drop", detail_type, source, count),
                           kind="drop-event", source=source, detail_type=detail_type,
                           count=count)
        self.before_bus.append(fault)
        return fault

    def lose(self, detail_type: str | None, source: str | None, count: int) -> EventFault:
        return self._at_delivery(EventFault(
            description=_describe("lose delivery of", detail_type, source, count),
            kind="lose-delivery", source=source, detail_type=detail_type, count=count))

    def delay(self, delay_s: float, detail_type: str | None, source: str | None,
              count: int) -> EventFault:
        if delay_s <= 0:
            raise ValueError("delay_s must be positive")
        return self._at_delivery(EventFault(
            description=_describe(f"deliver {delay_s:g} s late", detail_type, source, count),
            kind="delay-event", source=source, detail_type=detail_type, count=count,
            delay_s=delay_s))

    def duplicate(self, copies: int, after_s: float, detail_type: str | None,
                  source: str | None, count: int) -> EventFault:
        if copies < 1 or after_s < 0:
            raise ValueError("duplicate needs copies >= 1 and after_s >= 0")
        return self._at_delivery(EventFault(
            description=_describe(f"deliver {copies + 1} times", detail_type, source, count),
            kind="duplicate-event", source=source, detail_type=detail_type, count=count,
            copies=copies, after_s=after_s))

    def _at_delivery(self, fault: EventFault) -> EventFault:
        self.at_delivery.append(fault)
        return fault

    def drops(self, event: dict[str, object]) -> bool:
        """Whether to lose `event` before the bus. Durable (ECS) events never are."""
        if event.get("source") in DURABLE_SOURCES:
            return False
        for fault in self.before_bus:
            if fault.take(event):
                self.on_fired(fault.kind, event)
                return True
        return False

    def offsets(self, event: dict[str, object]) -> list[float]:
        """Delivery offsets for `event`: [0.0] normally, [] lost, several when duplicated."""
        offsets = [0.0]
        for fault in self.at_delivery:
            if not fault.take(event):
                continue
            self.on_fired(fault.kind, event)
            if fault.kind == "lose-delivery":
                return []
            if fault.kind == "delay-event":
                offsets = [offset + fault.delay_s for offset in offsets]
            else:
                last = offsets[-1]
                offsets += [last + fault.after_s * n for n in range(1, fault.copies + 1)]
        return offsets
