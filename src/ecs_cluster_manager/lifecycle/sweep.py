"""The scheduled sweep: find the instances waiting on our hook (one DescribeAutoScalingGroups call)
and hand this minute's share of them to chains of invocations (runtime.py runs the links).
"""

from __future__ import annotations

from typing import Any

from .events import SWEEP_SLICE_KEY, SWEEP_WARM_KEY, SweepTrigger
from .gate import WARM_POOL_WAIT, Gate, Runtime, ignore, sweep_target
from .logs import log_line
from .observe import Target

FAN_OUT = 8  # Invoke calls per sweep wake-up, at most
SWEEP_SHARE = 100  # instances a sweep takes per minute; the rest on the following minutes
# Instances per chain: a chain's links run one after another, so one chain spends Auto Scaling's
# request rate at the pace of its own calls (at most one per link), under the assumed 5 per second.
CHAIN_LENGTH = 50

def share(waiting: list[tuple[str, str]], now: float, heartbeat_timeout_s: int) -> list[tuple[str, str]]:
    """This minute's share of the waiting instances: all when few, else a rotating window.

    The window is never so small that a round takes longer than half the heartbeat timeout:
    every waiting instance must be seen in time for its heartbeat.
    """
    rounds = max(1, heartbeat_timeout_s // 120)  # minutes a full round may take
    size = max(SWEEP_SHARE, -(-len(waiting) // rounds))
    if len(waiting) <= size:
        return waiting
    ordered = sorted(waiting)
    start = (int(now // 60) * size) % len(ordered)
    return (ordered[start:] + ordered[:start])[:size]


def chain_payload(instance_ids: list[str], warm: frozenset[str]) -> dict[str, Any]:
    payload: dict[str, Any] = {SWEEP_SLICE_KEY: instance_ids}
    hinted = [i for i in instance_ids if i in warm]
    if hinted:
        payload[SWEEP_WARM_KEY] = hinted
    return payload


def fan_out(gate: Gate, runtime: Runtime, waiting: list[tuple[str, str]], note: str = "") -> bool:
    """Hand the (instance, state) pairs to chains of invocations (CHAIN_LENGTH each, at most
    FAN_OUT chains); False if that is not possible."""
    instance_ids = [i for i, _ in waiting]
    warm = frozenset(i for i, state in waiting if state == WARM_POOL_WAIT)
    count = min(FAN_OUT, -(-len(instance_ids) // CHAIN_LENGTH))
    chains = [instance_ids[i::count] for i in range(count)]
    if not runtime.invoke([chain_payload(part, warm) for part in chains]):
        return False
    log_line({"function": gate.name, "asg": runtime.config.asg_name, "hook": gate.hook_of(runtime.config),
              "decision": "fan-out", "reason": f"{len(instance_ids)} waiting instance(s) handed to "
              f"{len(chains)} chain(s) of invocations{note}", "trigger": "sweep"})
    return True


def sweep_targets(gate: Gate, runtime: Runtime, trigger: SweepTrigger) -> list[Target]:
    """The scheduled sweep: this minute's share of the waiting instances, handed to chains."""
    groups = runtime.clients.autoscaling.describe_auto_scaling_groups(
        AutoScalingGroupNames=[runtime.config.asg_name]).get("AutoScalingGroups", [])
    instances = groups[0].get("Instances", []) if groups else []
    waiting = [(i["InstanceId"], str(i.get("LifecycleState"))) for i in instances
               if i.get("LifecycleState") in gate.wait_states]
    taken = share(waiting, runtime.clock(), runtime.config.heartbeat_timeout_s)
    later = len(waiting) - len(taken)
    note = f"; {later} more on the following minutes" if later else ""
    if len(taken) > 1 and fan_out(gate, runtime, taken, note):
        return []
    if not taken:
        ignore(gate, runtime, "sweep", f"no instance waiting on the {gate.name} hook")
    return [sweep_target(i, s) for i, s in taken]
