"""One wake-up of a gate: parse -> find the instances waiting on our hook -> per instance
observe, decide, act, log. Shared by the launch and the terminate function.

Safety rules this module owns:
- Only instances of our group, in the wait state of our hook, are ever acted on, and Auto
  Scaling's view decides, never the event's. A lifecycle event (whatever its Destination) is
  checked against Auto Scaling before anything is looked at (one Describe call). An ECS event or
  a sweep chain's link is looked at first, and checked only if its decision holds an action Auto
  Scaling would not refuse by itself for an action that is not waiting (GUARDED: recording and
  starting a drain, stopping tasks, signalling the stack before a completion); a completion or
  a heartbeat is its own
  check, since Auto Scaling refuses it for an instance not waiting on that hook, at the moment of
  the call. So a late, duplicate or forged event never completes, signals or drains for an
  action that is not waiting, and a look that leads only to a completion costs Auto Scaling one
  call, not two: under its shared request rate (assumed 5 per second, see the simulator's
  ratelimits.py), that is twice the completions per second when a batch becomes ready at once.
  An instance tagged as another group's (`aws:autoscaling:groupName`) is never acted on.
  This rests on Auto Scaling completing only an action of the named hook, group and instance
  (CompleteLifecycleAction and RecordLifecycleActionHeartbeat take all three); the wording of
  its refusal is observed behaviour, not documented text (aws.is_no_active_action), and a
  refusal in any other words fails the wake-up rather than being taken for success.
- An event's `time` is a hint, not the start of the wait: a time older than the hook's
  heartbeat timeout cannot start a wait that Auto Scaling still holds without our heartbeat
  (and ours are counted elsewhere), so it is dropped and a replayed event cannot time a gate out.
- ECS events are filtered before any API call (`Gate.relevant`): most are about instances that
  are in service, and the functions stay idle for them. Every trigger that leads to nothing
  still leaves one "ignored" log line saying why.
- An error while handling an event propagates, so Lambda retries the invocation; the sweep logs
  a failed instance and goes on, since it runs again within a minute anyway.
- A call still throttled after its retries fails nothing: the wake-up logs "deferred" and
  returns, and the next sweep (within a minute, before Lambda's own retry would come) finds
  the instance still waiting and decides afresh. Nothing is lost, since no decision is kept
  between wake-ups: every one is made again from what AWS says then.

The sweep is bounded per wake-up. The scheduled wake-up makes one DescribeAutoScalingGroups
call; one waiting instance is handled in place, more are handed to chains of asynchronous
invocations of the same function (one chain per CHAIN_LENGTH instances, at most FAN_OUT). A link
of a chain handles its first instance and passes the rest on in one Invoke; so a chain's calls
follow one another at the pace of the calls themselves instead of landing at once, and a link
about an instance still booting or still draining costs Auto Scaling nothing (only a heartbeat
when one is due). At most SWEEP_SHARE instances are taken per minute, rotating through the rest
on later minutes (unless a full round would then outlast half the heartbeat timeout: heartbeats
come first). A chain is untrusted input like any other payload: its instances are unverified
targets (above), and one it says is bound for a warm pool (whose launch is continued with no
ECS check) is checked with Auto Scaling before anything. Only the scheduled sweep runs the
housekeeping.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any, TypeVar

from .act import ActionContext, apply
from .aws import error_code, error_message, is_throttling
from .events import (
    SWEEP_FINISH_KEY,
    Ignored,
    InstanceTrigger,
    LifecycleTrigger,
    SweepTrigger,
    parse_event,
    shown,
)
from .gate import WARM_POOL, WARM_POOL_WAIT, Gate, Runtime, checked, ignore, wait_states
from .logs import log_line
from .model import Complete, Decision, RecordDrainStart, SetDraining, Signal, StopTasks
from .observe import Target
from .sweep import chain_payload, sweep_targets

# An event stamped this far in the future is not trusted either (clock skew allowance).
CLOCK_SKEW_S = 300
Found = TypeVar("Found")
# Actions Auto Scaling would not refuse for an instance that is not waiting on our hook: an
# unverified target is checked before any of them (see the module's docstring). Tag writes are
# not among them: they touch only `ecm:` keys of our group's instances (IAM allows no other), the
# launch-wait start is timing only, and the rest follow a completion or heartbeat Auto Scaling
# accepted.
GUARDED = (RecordDrainStart, SetDraining, Signal, StopTasks)


def _cluster_name(value: str) -> str:
    return value.rsplit("/", 1)[-1]


def _trusted_time(runtime: Runtime, event_time: float | None) -> float | None:
    if event_time is None:
        return None
    now = runtime.clock()
    if now - runtime.config.heartbeat_timeout_s <= event_time <= now + CLOCK_SKEW_S:
        return event_time
    return None


def _lifecycle_targets(gate: Gate, runtime: Runtime, trigger: LifecycleTrigger) -> list[Target]:
    config = runtime.config
    ours = (trigger.asg_name, trigger.hook_name, trigger.transition) == (
        config.asg_name, gate.hook_of(config), gate.transition)
    if not ours:
        ignore(gate, runtime, "lifecycle", f"not ours: group {shown(trigger.asg_name)}, "
                f"hook {shown(trigger.hook_name)}, {trigger.transition}")
        return []
    early = gate.too_early(trigger) if gate.too_early is not None else None
    if early:
        ignore(gate, runtime, "lifecycle", f"{trigger.instance_id}: {early}")
        return []
    expected = WARM_POOL_WAIT if trigger.destination == WARM_POOL else gate.wait_state
    state = wait_states(runtime, [trigger.instance_id]).get(trigger.instance_id)
    if state != expected:
        ignore(gate, runtime, "lifecycle", f"{trigger.instance_id} is {state or 'not in our group'}, "
                f"not in {expected}")
        return []
    return [Target(trigger.instance_id, _trusted_time(runtime, trigger.event_time),
                   WARM_POOL if state == WARM_POOL_WAIT else trigger.destination, verified=True)]


def _seen(trigger: InstanceTrigger) -> str:
    if trigger.health is not None:
        return f"{trigger.instance_id} health {shown(trigger.health)}"
    tasks = "task count unknown" if trigger.tasks is None else f"{trigger.tasks} task(s)"
    agent = "agent connected" if trigger.agent_connected else "agent disconnected"
    return f"{trigger.instance_id} {shown(trigger.status or None)}, {agent}, {tasks}"


def _targets(gate: Gate, runtime: Runtime,
             trigger: Ignored | InstanceTrigger | LifecycleTrigger) -> list[Target]:
    config = runtime.config
    if isinstance(trigger, Ignored):
        ignore(gate, runtime, "event", trigger.reason)
        return []
    if isinstance(trigger, InstanceTrigger):
        if _cluster_name(trigger.cluster_arn) != _cluster_name(config.cluster):
            ignore(gate, runtime, "instance", f"event for another cluster {shown(trigger.cluster_arn)}")
            return []
        if not gate.relevant(trigger, config, runtime.clock()):
            ignore(gate, runtime, "instance", f"{_seen(trigger)} cannot change a {gate.name} wait")
            return []  # the common case for ECS events: no call at all
        return [Target(trigger.instance_id, container_instance_arn=trigger.container_instance_arn)]
    return _lifecycle_targets(gate, runtime, trigger)


def _guarded(decision: Decision) -> bool:
    """Whether an action needs Auto Scaling's word first. A signal after a completion does not:
    act.py sends it only if Auto Scaling accepted the completion."""
    completed = False
    for action in decision.actions:
        completed = completed or isinstance(action, Complete)
        if isinstance(action, GUARDED) and not (completed and isinstance(action, Signal)):
            return True
    return False


def _process(gate: Gate, runtime: Runtime, target: Target, trigger: str) -> str:
    config, hook = runtime.config, gate.hook_of(runtime.config)
    obs = gate.observe(runtime.clients, config, target, runtime.clock())
    group = getattr(obs, "group", None)
    if not target.verified and group not in (None, config.asg_name):
        ignore(gate, runtime, trigger, f"{target.instance_id} belongs to group {shown(group)}")
        return "ignored"
    decision = gate.decide(obs, config)
    if not target.verified and _guarded(decision):
        found = checked(gate, runtime, target.instance_id, trigger)
        if not found:
            return "ignored"
        verified = replace(target, verified=True, destination=found[0].destination)
        if verified.destination != target.destination:  # a warm-pool wait is decided differently
            return _process(gate, runtime, verified, trigger)
    outcome = apply(ActionContext(runtime.clients, config, hook, target.instance_id), decision.actions)
    shown_as, reason = decision.decision, decision.reason
    if outcome.refused and not target.verified:  # the call was the check, and it said "not waiting"
        shown_as, reason = "ignored", f"not waiting on the {gate.name} hook (would have: {reason})"
    container = getattr(obs, "container_instance", None)
    log_line({
        "function": gate.name, "asg": config.asg_name, "hook": hook, "instance_id": target.instance_id,
        "container_instance": container.arn if container else None, "decision": shown_as,
        "reason": reason, "waited_s": round(obs.waited_s, 1), "blocking": list(decision.blocking),
        "actions": outcome.done, "notes": outcome.notes, "trigger": trigger,
    })
    return shown_as


def _failed(gate: Gate, runtime: Runtime, instance_id: str | None, trigger: str, error: Exception) -> str:
    """Log a wake-up's error; "deferred" when it was throttling, which the next sweep repeats."""
    decision = "deferred" if is_throttling(error) else "error"
    reason = f"{error_code(error) or type(error).__name__}: {error_message(error)}"
    if decision == "deferred":
        reason += "; still throttled after retries, the next sweep takes it up"
    log_line({"function": gate.name, "asg": runtime.config.asg_name, "hook": gate.hook_of(runtime.config),
              "instance_id": instance_id, "decision": decision, "reason": reason, "trigger": trigger})
    return decision


# Sweep housekeeping (the leftover clean-up) runs only with this much of the invocation left.
HOUSEKEEPING_RESERVE_MS = 15_000


def handle(gate: Gate, runtime: Runtime, event: object,
           remaining_ms: Callable[[], int] | None = None) -> dict[str, Any]:
    """Run one wake-up; returns a small summary (useful for direct invocations and tests).

    `remaining_ms` is the Lambda context's get_remaining_time_in_millis, which bounds retries.
    """
    decisions: dict[str, str] = {}
    runtime.clients.budget.remaining_ms = remaining_ms  # retries never outlast the invocation
    for trigger in parse_event(event):
        kind = type(trigger).__name__.removesuffix("Trigger").lower()
        if isinstance(trigger, SweepTrigger):
            _sweep(gate, runtime, trigger, kind, decisions, remaining_ms=remaining_ms)
            continue
        targets = _unless_throttled(gate, runtime, kind, partial(_targets, gate, runtime, trigger))
        if targets is not None:
            _run_targets(gate, runtime, targets, kind, decisions)
    return {"decisions": decisions}


def _sweep(gate: Gate, runtime: Runtime, trigger: SweepTrigger, kind: str, decisions: dict[str, str], *,
           remaining_ms: Callable[[], int] | None) -> None:
    """A link of a chain, or the scheduled sweep: what it found waiting (or owed, when it could
    not hand those to a chain: outside Lambda) is handled in place, then the housekeeping."""
    if trigger.instances:
        _run_chain(gate, runtime, trigger, kind, decisions)
        return
    found = _unless_throttled(gate, runtime, kind, partial(sweep_targets, gate, runtime))
    if found is None:
        return
    targets, owed = found
    if owed:
        _run_chain(gate, runtime, SweepTrigger(tuple(owed), finish=True), kind, decisions)
    _run_targets(gate, runtime, targets, kind, decisions)
    if gate.on_sweep is not None and (remaining_ms is None or remaining_ms() >= HOUSEKEEPING_RESERVE_MS):
        gate.on_sweep(runtime.clients, runtime.config, runtime.clock())


def _unless_throttled(gate: Gate, runtime: Runtime, kind: str, find: Callable[[], Found]) -> Found | None:
    """What `find` returns, or None (logged "deferred") when its calls were still throttled."""
    try:
        return find()
    except Exception as error:
        if not is_throttling(error):
            raise
        _failed(gate, runtime, None, kind, error)
        return None


def _run_targets(gate: Gate, runtime: Runtime, targets: list[Target], kind: str,
                 decisions: dict[str, str]) -> None:
    for target in targets:
        try:
            decisions[target.instance_id] = _process(gate, runtime, target, kind)
        except Exception as error:
            decisions[target.instance_id] = _failed(gate, runtime, target.instance_id, kind, error)
            if not target.from_sweep and not is_throttling(error):
                raise


def _run_chain(gate: Gate, runtime: Runtime, link: SweepTrigger, kind: str,
               decisions: dict[str, str]) -> None:
    """A link of a sweep chain: handle one instance, pass the rest on in one Invoke.

    Outside Lambda (no invoke) the links run one after another in place. An instance said to be
    bound for a warm pool is checked first; if that check is throttled, the next sweep takes it.
    """
    pending, warm = list(link.instances), link.warm
    while pending:
        first, pending = pending[0], pending[1:]
        if link.finish:
            _finish(gate, runtime, first, decisions)
        else:
            targets: list[Target] | None = [Target(first, from_sweep=True)]
            if first in warm:
                targets = _unless_throttled(gate, runtime, kind, partial(checked, gate, runtime, first, kind))
            _run_targets(gate, runtime, targets or [], kind, decisions)
        payload = {SWEEP_FINISH_KEY: pending} if link.finish else chain_payload(pending, warm)
        if pending and runtime.invoke([payload]):
            return


def _finish(gate: Gate, runtime: Runtime, instance_id: str, decisions: dict[str, str]) -> None:
    """A link of a finishing chain: an instance in service still owed what its wait left undone."""
    if gate.finish is None:
        return
    config, hook, kind = runtime.config, gate.hook_of(runtime.config), "finish"
    try:
        obs = gate.observe(runtime.clients, config, Target(instance_id, verified=True), runtime.clock())
        decision = gate.finish(obs, config)
        outcome = apply(ActionContext(runtime.clients, config, hook, instance_id), decision.actions)
    except Exception as error:
        decisions[instance_id] = _failed(gate, runtime, instance_id, kind, error)
        return
    decisions[instance_id] = decision.decision
    log_line({"function": gate.name, "asg": config.asg_name, "hook": hook, "instance_id": instance_id,
              "decision": decision.decision, "reason": decision.reason, "actions": outcome.done,
              "notes": outcome.notes, "trigger": kind})
