"""Timeline faults of EC2 and EventBridge delivery, and a warm pool, played through the
simulator's fault API (docs/simulator.md, "Auto Scaling, EC2 and EventBridge fault API").

Each follows the page its simulator module cites: a Spot interruption (sim/ec2/spot.py, "Spot
Instance interruption notices": the warning event two minutes before EC2 reclaims the instance,
which no lifecycle hook delays); late, duplicated and lost deliveries (sim/faults.py: EventBridge
delivers at least once, best-effort events can be late or lost, and an ECS event is lost to a
function only when the asynchronous invocation exhausts its retries); a warm pool
(sim/autoscaling, "Warm pools for Amazon EC2 Auto Scaling"). A fault counts as fired only when
the simulator reports it did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ecs_cluster_manager.sim.errors import AwsError
from ecs_cluster_manager.sim.scenario.steps import InstanceRef

WATCH_S = 3600.0
LOOK_EVERY_S = 5.0

if TYPE_CHECKING:
    from ecs_cluster_manager.sim.scenario.actions import Timeline


def interrupt_spot(timeline: Timeline, instance: InstanceRef = 0,
                   warning_s: float = 120.0, action: str = "terminate") -> None:
    picked = timeline.pick(instance)
    done = picked is not None and timeline.account.ec2.interrupt_spot(picked, warning_s, action)
    if done:
        timeline.hold_until_noticed(warning_s)
    # Hibernation gets the notice but no two minutes (sim/ec2/spot.py).
    when = "at once" if action == "hibernate" else f"in {warning_s:g} s"
    timeline.note(f"Spot interruption of {picked}: {action} {when}" if done
                  else f"interrupt_spot: no running instance matches {instance}")
    timeline.declare(lambda: int(done))


def _match(detail_type: str | None, source: str | None, count: int) -> dict[str, Any]:
    return {"detail_type": detail_type, "source": source, "count": count}


def delay_events(timeline: Timeline, delay_s: float, count: int = 1,
                 detail_type: str | None = None, source: str | None = None) -> None:
    fault = timeline.account.faults.delay_events(delay_s=delay_s,
                                                 **_match(detail_type, source, count))
    timeline.declare(lambda: fault.fired)


def duplicate_events(timeline: Timeline, *, copies: int = 1, after_s: float = 0.0, count: int = 1,
                     detail_type: str | None = None, source: str | None = None) -> None:
    fault = timeline.account.faults.duplicate_events(copies=copies, after_s=after_s,
                                                     **_match(detail_type, source, count))
    timeline.declare(lambda: fault.fired)


def lose_deliveries(timeline: Timeline, count: int = 1, detail_type: str | None = None,
                    source: str | None = None) -> None:
    fault = timeline.account.faults.lose_deliveries(**_match(detail_type, source, count))
    timeline.declare(lambda: fault.fired)


def warm_pool(timeline: Timeline, min_size: int = 1, pool_state: str = "Stopped",
              max_group_prepared_capacity: int | None = None) -> None:
    """PutWarmPool; the fault fired once an instance of the group has been in the pool."""
    request: dict[str, Any] = {"AutoScalingGroupName": timeline.stack.group,
                               "MinSize": min_size, "PoolState": pool_state}
    if max_group_prepared_capacity is not None:
        request["MaxGroupPreparedCapacity"] = max_group_prepared_capacity
    try:
        timeline.account.autoscaling.handle("PutWarmPool", request)
    except AwsError as error:
        timeline.note(f"PutWarmPool refused: {error.code}: {error.message}")
        timeline.declare(lambda: 0)
        return
    timeline.declare(_warmed(timeline))


def _warmed(timeline: Timeline) -> Callable[[], int]:
    """Watch (every few seconds, for an hour at most) until an instance of the group is
    Warmed:*; the count of instances seen in the pool."""
    seen: set[str] = set()
    clock = timeline.account.clock
    give_up = clock.now() + WATCH_S

    def look() -> None:
        seen.update(i for i, m in timeline.group.instances.items()
                    if m.state.startswith("Warmed"))
        if not seen and clock.now() < give_up:
            clock.call_later(LOOK_EVERY_S, look)
    look()
    return lambda: len(seen)


FAULT_ACTIONS: dict[str, Callable[..., None]] = {
    "interrupt_spot": interrupt_spot, "delay_events": delay_events,
    "duplicate_events": duplicate_events, "lose_deliveries": lose_deliveries,
    "warm_pool": warm_pool,
}
