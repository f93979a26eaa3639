"""The scheduled sweep: find the instances waiting on our hook (one DescribeAutoScalingGroups call)
and hand this minute's share of them to chains of invocations (runtime.py runs the links).
"""

from __future__ import annotations

from typing import Any

from .events import SWEEP_FINISH_KEY, SWEEP_SLICE_KEY, SWEEP_WARM_KEY
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


def fan_out(gate: Gate, runtime: Runtime, waiting: list[tuple[str, str]], note: str = "",
            chains_at_most: int = FAN_OUT) -> bool:
    """Hand the (instance, state) pairs to chains of invocations (CHAIN_LENGTH each, at most
    `chains_at_most` chains); False if that is not possible."""
    instance_ids = [i for i, _ in waiting]
    warm = frozenset(i for i, state in waiting if state == WARM_POOL_WAIT)
    count = min(chains_at_most, -(-len(instance_ids) // CHAIN_LENGTH))
    chains = [instance_ids[i::count] for i in range(count)]
    if not runtime.invoke([chain_payload(part, warm) for part in chains]):
        return False
    log_line({"function": gate.name, "asg": runtime.config.asg_name, "hook": gate.hook_of(runtime.config),
              "decision": "fan-out", "reason": f"{len(instance_ids)} waiting instance(s) handed to "
              f"{len(chains)} chain(s) of invocations{note}", "trigger": "sweep"})
    return True


def sweep_targets(gate: Gate, runtime: Runtime) -> tuple[list[Target], list[str]]:
    """The scheduled sweep: this minute's share of the waiting instances, handed to chains, and
    the instances owed a finish (gate.owed), handed to a chain of their own. Returns what is
    left to handle in place (outside Lambda, where no chain can be started): targets, owed ids."""
    groups = runtime.clients.autoscaling.describe_auto_scaling_groups(
        AutoScalingGroupNames=[runtime.config.asg_name]).get("AutoScalingGroups", [])
    instances = groups[0].get("Instances", []) if groups else []
    states = {str(i["InstanceId"]): str(i.get("LifecycleState")) for i in instances}
    waiting = [(i, s) for i, s in states.items() if s in gate.wait_states]
    owed = gate.owed(runtime.clients, runtime.config, states) if gate.owed is not None else []
    states_owed = bool(owed)  # one Invoke of the sweep's budget went to them
    if owed and runtime.invoke([{SWEEP_FINISH_KEY: owed}]):
        log_line({"function": gate.name, "asg": runtime.config.asg_name, "hook": gate.hook_of(runtime.config),
                  "decision": "fan-out", "reason": f"{len(owed)} instance(s) in service owed a signal "
                  "handed to a chain of invocations", "trigger": "sweep"})
        owed = []
    taken = share(waiting, runtime.clock(), runtime.config.heartbeat_timeout_s)
    later = len(waiting) - len(taken)
    note = f"; {later} more on the following minutes" if later else ""
    if len(taken) > 1 and fan_out(gate, runtime, taken, note, FAN_OUT - (1 if states_owed else 0)):
        return [], owed
    if not taken:
        ignore(gate, runtime, "sweep", f"no instance waiting on the {gate.name} hook")
    return [sweep_target(i, s) for i, s in taken], owed
