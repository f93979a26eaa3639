"""One wake-up of a gate: parse -> find the instances waiting on our hook -> per instance
observe, decide, act, log. Shared by the launch and the terminate function.

Safety rules this module owns:
- Only instances of our group, in our hook's wait state, are ever acted on. Every trigger is
  checked against Auto Scaling first (one Describe call), so a late or duplicate event never
  completes or signals for an action that is no longer waiting.
- An error while handling an event propagates, so Lambda retries the invocation; the sweep logs
  a failed instance and goes on to the next, since it runs again within a minute anyway.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from .act import ActionContext, apply
from .aws import Clients, error_code, error_message
from .config import Config
from .events import Ignored, InstanceTrigger, LifecycleTrigger, SweepTrigger, Trigger, parse_event
from .logs import log_line
from .model import Decision
from .observe import Target


class Observation(Protocol):
    @property
    def waited_s(self) -> float: ...


@dataclass(frozen=True)
class Gate:
    """What differs between the launch and the terminate function."""

    name: str
    transition: str
    wait_state: str
    hook_of: Callable[[Config], str]
    relevant: Callable[[InstanceTrigger], bool]  # cheap filter on ECS events before any API call
    observe: Callable[[Clients, Config, Target, float], Any]
    decide: Callable[[Any, Config], Decision]
    on_sweep: Callable[[Clients, Config, float], None] | None = None  # bounded housekeeping


def _now() -> float:
    return time.time()  # looked up per call, so a patched clock (the simulator's) is honoured


# Leave this much of the invocation's time unused: a sweep stops taking new instances below it,
# and the next sweep, a minute later, picks them up.
SWEEP_RESERVE_MS = 15_000


@dataclass(frozen=True)
class Runtime:
    config: Config
    clients: Clients
    clock: Callable[[], float] = _now


def _cluster_name(value: str) -> str:
    return value.rsplit("/", 1)[-1]


def _ignore(gate: Gate, runtime: Runtime, trigger: str, reason: str) -> None:
    log_line({"function": gate.name, "asg": runtime.config.asg_name, "hook": gate.hook_of(runtime.config),
              "decision": "ignored", "reason": reason, "trigger": trigger})


def _waiting(runtime: Runtime, gate: Gate, instance_id: str) -> bool:
    found = runtime.clients.autoscaling.describe_auto_scaling_instances(InstanceIds=[instance_id])
    for item in found.get("AutoScalingInstances", []):
        return bool(item.get("AutoScalingGroupName") == runtime.config.asg_name
                    and item.get("LifecycleState") == gate.wait_state)
    return False


def _targets(gate: Gate, runtime: Runtime, trigger: Trigger) -> list[Target]:
    config = runtime.config
    if isinstance(trigger, Ignored):
        _ignore(gate, runtime, "event", trigger.reason)
        return []
    if isinstance(trigger, SweepTrigger):
        groups = runtime.clients.autoscaling.describe_auto_scaling_groups(
            AutoScalingGroupNames=[config.asg_name]).get("AutoScalingGroups", [])
        instances = groups[0].get("Instances", []) if groups else []
        return [Target(i["InstanceId"], from_sweep=True) for i in instances
                if i.get("LifecycleState") == gate.wait_state]
    if isinstance(trigger, InstanceTrigger):
        if _cluster_name(trigger.cluster_arn) != _cluster_name(config.cluster):
            _ignore(gate, runtime, "instance", f"event for another cluster {trigger.cluster_arn}")
            return []
        if not gate.relevant(trigger) or not _waiting(runtime, gate, trigger.instance_id):
            return []  # the common case for ECS events: not worth a log line
        return [Target(trigger.instance_id)]
    assert isinstance(trigger, LifecycleTrigger)
    ours = (trigger.asg_name, trigger.hook_name, trigger.transition) == (
        config.asg_name, gate.hook_of(config), gate.transition)
    if not ours:
        _ignore(gate, runtime, "lifecycle",
                f"not ours: group {trigger.asg_name}, hook {trigger.hook_name}, {trigger.transition}")
        return []
    if trigger.destination != "WarmPool" and not _waiting(runtime, gate, trigger.instance_id):
        _ignore(gate, runtime, "lifecycle", f"{trigger.instance_id} is no longer in {gate.wait_state}")
        return []
    return [Target(trigger.instance_id, trigger.event_time, trigger.destination)]


def _process(gate: Gate, runtime: Runtime, target: Target, trigger: str) -> Decision:
    config, hook = runtime.config, gate.hook_of(runtime.config)
    obs = gate.observe(runtime.clients, config, target, runtime.clock())
    decision = gate.decide(obs, config)
    outcome = apply(ActionContext(runtime.clients, config, hook, target.instance_id), decision.actions)
    container = getattr(obs, "container_instance", None)
    log_line({
        "function": gate.name, "asg": config.asg_name, "hook": hook, "instance_id": target.instance_id,
        "container_instance": container.arn if container else None, "decision": decision.decision,
        "reason": decision.reason, "waited_s": round(obs.waited_s, 1), "blocking": list(decision.blocking),
        "actions": outcome.done, "notes": outcome.notes, "trigger": trigger,
    })
    return decision


def _out_of_time(gate: Gate, runtime: Runtime, remaining_ms: Callable[[], int] | None,
                 targets: list[Target], done: int) -> bool:
    if remaining_ms is None or remaining_ms() >= SWEEP_RESERVE_MS:
        return False
    left = [t.instance_id for t in targets[done:]]
    _ignore(gate, runtime, "sweep", f"invocation nearly out of time: {len(left)} instance(s) left "
            f"for the next sweep: {', '.join(left[:20])}")
    return True


def handle(gate: Gate, runtime: Runtime, event: object,
           remaining_ms: Callable[[], int] | None = None) -> dict[str, Any]:
    """Run one wake-up; returns a small summary (useful for direct invocations and tests).

    `remaining_ms` is the Lambda context's get_remaining_time_in_millis: a sweep over many
    waiting instances stops early rather than being killed by the function timeout midway.
    """
    decisions: dict[str, str] = {}
    runtime.clients.budget.remaining_ms = remaining_ms  # retries never outlast the invocation
    for trigger in parse_event(event):
        kind = type(trigger).__name__.removesuffix("Trigger").lower()
        targets = _targets(gate, runtime, trigger)
        out_of_time = False
        for done, target in enumerate(targets):
            out_of_time = target.from_sweep and _out_of_time(gate, runtime, remaining_ms, targets, done)
            if out_of_time:
                break
            try:
                decisions[target.instance_id] = _process(gate, runtime, target, kind).decision
            except Exception as error:
                log_line({"function": gate.name, "asg": runtime.config.asg_name,
                          "hook": gate.hook_of(runtime.config), "instance_id": target.instance_id,
                          "decision": "error", "reason": f"{error_code(error) or type(error).__name__}: "
                          f"{error_message(error)}", "trigger": kind})
                if not target.from_sweep:
                    raise
                decisions[target.instance_id] = "error"
        if isinstance(trigger, SweepTrigger) and gate.on_sweep is not None and not out_of_time and (
                remaining_ms is None or remaining_ms() >= SWEEP_RESERVE_MS):
            gate.on_sweep(runtime.clients, runtime.config, runtime.clock())
    return {"decisions": decisions}
