"""An instance's lane from its lifecycle actions and the functions' decisions about it.

The same code draws a simulated run and a real stack's history, so both pictures agree on what
each interval means: launching until the launch hook holds it, held there (and why, from the
launch function's reasons), in service, held on the terminate hook (split by what the drain gate
said it waited for: draining, tasks, services), terminated.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from ecs_cluster_manager.picture.model import (
    DRAINING,
    IN_SERVICE,
    LAUNCH_HOOK,
    LAUNCHING,
    TERMINATE_HOOK,
    TERMINATED,
    WAITING_SERVICES,
    WAITING_TASKS,
    WARM_POOL,
    DecisionPoint,
    HookAction,
    Interval,
    Lane,
)

# The launch gate's reason for letting an instance into the warm pool (decide_launch.py).
INTO_WARM_POOL = "bound for the warm pool"
MAX_BLOCKING = 20  # per interval: the page stays readable, the line in the log has them all
# A function logs its decision after its calls returned: the line that completed an action is
# stamped a little after the action ended (API latency, retries). Within this, it belongs to it.
LOGGED_AFTER_S = 60.0


@dataclass(frozen=True)
class InstanceLife:
    """When an instance started and left, as far as the source knows (None: unknown)."""

    instance_id: str
    launched: float | None = None
    terminated: float | None = None


def terminate_phase(decision: DecisionPoint) -> str | None:
    """What a drain-gate decision says the instance waits for (None: it does not say)."""
    if decision.decision == "drain-started":
        return DRAINING
    if decision.decision != "wait":
        return None
    if "task(s) not STOPPED" in decision.reason:
        return WAITING_TASKS
    if "not steady" in decision.reason or "services not observed" in decision.reason:
        return WAITING_SERVICES
    return None


def _distinct(values: Iterable[str], limit: int | None = None) -> tuple[str, ...]:
    seen = tuple(dict.fromkeys(v for v in values if v))
    return seen if limit is None else seen[:limit]


def _interval(kind: str, start: float, end: float,
              decisions: Sequence[DecisionPoint] = ()) -> Interval:
    return Interval(kind, start, end, "; ".join(_distinct(d.reason for d in decisions)),
                    _distinct((b for d in decisions for b in d.blocking), MAX_BLOCKING))


def _within(decisions: Sequence[DecisionPoint], action: HookAction,
            end: float) -> list[DecisionPoint]:
    last = action.end if action.end is not None else end
    return [d for d in decisions if d.function == action.hook
            and action.start <= d.at <= last + LOGGED_AFTER_S]


def _hook_intervals(action: HookAction, decisions: Sequence[DecisionPoint],
                    end: float) -> list[Interval]:
    last = action.end if action.end is not None else end
    if action.hook == "launch":
        return [_interval(LAUNCH_HOOK, action.start, last, decisions)]
    # The terminate hook, split where the drain gate's reason for waiting changes.
    pieces: list[tuple[str, float, list[DecisionPoint]]] = [(TERMINATE_HOOK, action.start, [])]
    for decision in decisions:
        phase = terminate_phase(decision)
        if phase is not None and phase != pieces[-1][0]:
            pieces.append((phase, min(max(decision.at, action.start), last), []))
        pieces[-1][2].append(decision)
    bounds = [start for _, start, _ in pieces[1:]] + [last]
    shown = [_interval(kind, start, stop, found)
             for (kind, start, found), stop in zip(pieces, bounds, strict=True) if stop > start]
    # An action completed in the instant it began still shows, as its last phase.
    return shown or [_interval(pieces[-1][0], action.start, last, decisions)]


def lane(life: InstanceLife, actions: Sequence[HookAction],
         decisions: Sequence[DecisionPoint], start: float, end: float) -> Lane:
    """One instance's lane between `start` and `end` (the picture's bounds)."""
    # In the order they ended: actions on one instance follow each other, and history's ends
    # (the completing lines) are surer than its starts.
    ordered = sorted(actions, key=lambda a: (math.inf if a.end is None else a.end, a.start))
    state = LAUNCHING if (ordered and ordered[0].hook == "launch") or (
        not ordered and life.launched is not None) else IN_SERVICE
    cursor = life.launched if life.launched is not None else start
    intervals: list[Interval] = []
    described: list[HookAction] = []
    for number, recorded in enumerate(ordered):
        action = recorded
        if number and recorded.start < cursor:
            # History's times are a moment off (a completing line is stamped after its call
            # returned): an action cannot begin before the previous one on the instance ended.
            action = replace(recorded, start=cursor, end=None if recorded.end is None
                             else max(recorded.end, cursor))
        if action.start > cursor:
            intervals.append(Interval(state, cursor, action.start))
        found = _within(decisions, action, end)
        intervals += _hook_intervals(action, found, end)
        described.append(replace(action, reasons=_distinct(d.reason for d in found)))
        cursor = action.end if action.end is not None else end
        let_go = action.hook == "terminate" or action.result != "CONTINUE"
        pooled = any(d.reason.startswith(INTO_WARM_POOL) for d in found)
        state = TERMINATED if let_go else WARM_POOL if pooled else IN_SERVICE
    if state != TERMINATED and life.terminated is not None and life.terminated >= cursor:
        if life.terminated > cursor:
            intervals.append(Interval(state, cursor, life.terminated))
        state, cursor = TERMINATED, life.terminated
    if end > cursor:
        intervals.append(Interval(state, cursor, end))
    return Lane(life.instance_id, tuple(intervals), tuple(described))


def lanes(lives: Iterable[InstanceLife], actions: Iterable[HookAction],
          decisions: Iterable[DecisionPoint], start: float, end: float) -> tuple[Lane, ...]:
    """A lane per instance, in the order they first appear."""
    by_instance: dict[str, list[HookAction]] = {}
    for action in actions:
        by_instance.setdefault(action.instance_id, []).append(action)
    about: dict[str, list[DecisionPoint]] = {}
    for decision in sorted(decisions, key=lambda d: d.at):
        about.setdefault(decision.instance_id, []).append(decision)
    built = [lane(life, by_instance.get(life.instance_id, []),
                  about.get(life.instance_id, []), start, end) for life in lives]
    return tuple(sorted(built, key=lambda b: (b.intervals[0].start if b.intervals else end,
                                              b.instance_id)))
