"""Where a run's API calls, throttled calls and failed invocations come from (benchmark aid).

Every wake-up is classified by the payload that started it (a lifecycle event, an ECS state or
health event, the scheduled sweep, a fan-out slice, a CloudTrail heartbeat event, ...) and its
calls are counted per function, trigger and operation.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ecs_cluster_manager.sim.lambda_.runtime import Invocation
from ecs_cluster_manager.sim.metrics import WakeUp

SLICE_KEY = "ecm-sweep-slice"
FINISH_KEY = "ecm-sweep-finish"  # a chain of instances in service still owed a signal


def trigger_of(payload: Any) -> str:
    """A short name for what started a wake-up."""
    if not isinstance(payload, dict):
        return "other"
    if SLICE_KEY in payload:
        return "slice"
    if FINISH_KEY in payload:
        return "finish"
    detail_type = str(payload.get("detail-type", ""))
    return {
        "Scheduled Event": "sweep",
        "ECS Container Instance State Change": "ecs-state",
        "ECS Container Instance Health Change": "ecs-health",
        "EC2 Instance-launch Lifecycle Action": "lifecycle",
        "EC2 Instance-terminate Lifecycle Action": "lifecycle",
        "AWS API Call via CloudTrail": "cloudtrail",
    }.get(detail_type, "other")


@dataclass
class Breakdown:
    """An invocation listener for `LambdaBackend.listeners`."""

    wakes: list[tuple[str, WakeUp]] = field(default_factory=list)

    def started(self, invocation: Invocation) -> None:
        self.wakes.append((trigger_of(invocation.payload), invocation.wake))

    def finished(self, invocation: Invocation) -> None:
        """Nothing to do: the wake-up's counters are read at the end."""

    def rows(self) -> list[dict[str, Any]]:
        """One row per function and trigger: wake-ups, calls by operation, throttled, failed."""
        groups: dict[tuple[str, str], dict[str, Any]] = {}
        for trigger, wake in self.wakes:
            function = wake.function
            row = groups.setdefault((function, trigger), {
                "function": function, "trigger": trigger, "wakeups": 0, "calls": Counter(),
                "throttled": 0, "failed": 0, "idle": 0})
            row["wakeups"] += 1
            row["calls"].update(wake.calls)
            row["throttled"] += wake.throttled
            row["failed"] += wake.error is not None
            row["idle"] += not wake.calls
        return sorted(groups.values(), key=lambda r: -sum(r["calls"].values()))

    def text(self) -> str:
        lines = []
        for row in self.rows():
            calls = row["calls"]
            top = ", ".join(f"{op.split(':')[-1]} {n}" for op, n in calls.most_common(4))
            lines.append(f"  {row['function']:<28} {row['trigger']:<10} wake-ups {row['wakeups']:>6} "
                         f"(idle {row['idle']:>5})  calls {sum(calls.values()):>6}  throttled "
                         f"{row['throttled']:>5}  failed {row['failed']:>4}  {top}")
        return "\n".join(lines)
