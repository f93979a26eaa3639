"""The picture of a real stack's rollout, rebuilt from what AWS keeps: Auto Scaling activities,
the stack's events and the functions' decision lines in CloudWatch Logs (history_reads.py,
ops/logs.py). Read-only calls; the page is drawn by the same code as a simulated run's.

What history cannot know, the page says (CAVEATS): services' counts over time, and who
completed an action that no function logged completing (inferred from the hook's heartbeat
timeout).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from ecs_cluster_manager.ops import logs
from ecs_cluster_manager.ops.session import Clients
from ecs_cluster_manager.ops.stack import read_stack
from ecs_cluster_manager.picture import lanes
from ecs_cluster_manager.picture.decisions import decision_point
from ecs_cluster_manager.picture.history_reads import (
    InstanceActivity,
    StackEvent,
    activities,
    heartbeat_timeouts,
    stack_events,
)
from ecs_cluster_manager.picture.model import (
    LAUNCH_FUNCTION,
    OPERATOR,
    TERMINATE_FUNCTION,
    TIMEOUT,
    DecisionPoint,
    HookAction,
    Marker,
    Picture,
    Summary,
)
from ecs_cluster_manager.picture.summary import tally

CAVEATS = (
    "Services' running counts over time are not in any history this page reads (ECS keeps "
    "no such record; CloudWatch Container Insights would): no service chart here. A simulated "
    "run draws them (ecm simulate --report, ecm demo --report).",
    "Invariants are judged only in a simulation.",
    "Hook start times are the functions' own measure of the wait (waited_s in their decision "
    "lines); an action no function logged completing ends with its scaling activity, and who "
    "ended it is inferred: 'timeout' when it ended a heartbeat timeout after the last sign of "
    "life, else 'operator'.",
)
# Decisions that belong to a lifecycle action (others: ignored events, errors, sweep fan-out).
_HELD = frozenset({"wait", "drain-started", "continue", "abandon"})
_BY_FUNCTION = {"launch": LAUNCH_FUNCTION, "terminate": TERMINATE_FUNCTION}
_TIMEOUT_SLACK_S = 5.0


def _completed(decision: DecisionPoint) -> str | None:
    """CONTINUE or ABANDON when this wake-up completed the action itself."""
    done = [a.split(" ", 1)[1] for a in decision.actions if a.startswith("completed ")]
    return done[0] if done else None


def _who_else(start: float, end: float, heartbeats: Sequence[float],
              timeout_s: float | None) -> str:
    alive = max([start, *heartbeats])
    if timeout_s is not None and end >= alive + timeout_s - _TIMEOUT_SLACK_S:
        return TIMEOUT
    return OPERATOR


def hook_actions(instance_id: str, hook: str, decisions: Sequence[DecisionPoint],
                 activity: InstanceActivity | None, timeout_s: float | None) -> list[HookAction]:
    """The instance's actions on one hook: each opens with the first decision about it and
    closes with the decision that completed it, else with the scaling activity's end."""
    found: list[HookAction] = []
    start: float | None = None
    heartbeats: list[float] = []
    for decision in decisions:
        if decision.decision not in _HELD:
            continue
        result = _completed(decision)
        if start is None:
            if decision.decision in ("continue", "abandon") and result is None:
                continue  # a repeat after someone else completed it
            start = decision.at - (decision.waited_s or 0.0)
        if "heartbeat" in decision.actions:
            heartbeats.append(decision.at)
        if result is not None:
            found.append(HookAction(instance_id, hook, start, decision.at, result,
                                    _BY_FUNCTION.get(hook)))
            start, heartbeats = None, []
    if start is None and not found and activity is not None and hook == "launch":
        start = activity.start  # held, though no function ever logged about it
    if start is not None:
        end = None if activity is None or activity.end is None else max(activity.end, start)
        if end is None:
            found.append(HookAction(instance_id, hook, start, None))
        else:
            result = "CONTINUE" if activity is not None and activity.status == "Successful" \
                else "ABANDON"
            found.append(HookAction(instance_id, hook, start, end,
                                    result if hook == "launch" else "unknown",
                                    _who_else(start, end, heartbeats, timeout_s)))
    return found


def _latest(by_kind: dict[tuple[str, str], list[InstanceActivity]], instance: str,
            kind: str) -> InstanceActivity | None:
    found = by_kind.get((instance, kind))
    return found[-1] if found else None


def _life(instance: str, by_kind: dict[tuple[str, str], list[InstanceActivity]]) -> lanes.InstanceLife:
    """Launched when its first launch began (into a warm pool, maybe); gone when its
    termination succeeded."""
    launches = by_kind.get((instance, "launch"))
    gone = _latest(by_kind, instance, "terminate")
    return lanes.InstanceLife(instance, launches[0].start if launches else None,
                              gone.end if gone is not None and gone.status == "Successful"
                              else None)


def stack_marker(event: StackEvent) -> Marker:
    text = f"{event.logical_id} {event.status}"
    return Marker(event.at, text + (f": {event.reason}" if event.reason else ""), "stack")


def routine(event: StackEvent, stack_name: str) -> bool:
    """A resource's IN_PROGRESS with nothing to say (the page would drown in them)."""
    return (event.logical_id != stack_name and event.status.endswith("_IN_PROGRESS")
            and event.reason in ("", "Resource creation Initiated"))


def picture_from_history(clients: Clients, stack: str, since: float,
                         until: float | None = None, title: str | None = None) -> Picture:
    """The picture of everything the stack's group did between `since` and `until` (now)."""
    refs = read_stack(clients, stack)
    end = clients.now() if until is None else until
    found = activities(clients, refs.group, since) if refs.group else []
    timeouts = heartbeat_timeouts(clients, refs.group) if refs.group else {}
    points = [p for d in logs.decisions(clients, refs, since=since, until=end)
              if (p := decision_point(d.at, d.record)) is not None]
    events = [e for e in stack_events(clients, refs.stack_id, since) if e.at <= end]
    by_kind: dict[tuple[str, str], list[InstanceActivity]] = {}  # oldest first
    for activity in found:
        by_kind.setdefault((activity.instance_id, activity.kind), []).append(activity)
    about: dict[tuple[str, str], list[DecisionPoint]] = {}
    for point in points:
        about.setdefault((point.instance_id, point.function), []).append(point)
    ids = sorted({a.instance_id for a in found} | {p.instance_id for p in points})
    actions = [action for instance in ids for hook in ("launch", "terminate")
               for action in hook_actions(instance, hook, about.get((instance, hook), []),
                                          _latest(by_kind, instance, hook), timeouts.get(hook))]
    lives = [_life(instance, by_kind) for instance in ids]
    times = [a.start for a in found] + [p.at for p in points] + [e.at for e in events]
    start = min(times, default=since)  # an activity under way at `since` shows whole
    built = lanes.lanes(lives, actions, points, start, end)
    opened = datetime.fromtimestamp(start, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")
    return Picture(
        title=title or f"{refs.name}: rollout history from {opened}", source="history",
        start=start, end=end, lanes=built, services=(),
        markers=tuple(stack_marker(e) for e in events if not routine(e, refs.name)),
        summary=Summary(round(end - start, 3), tally(a for lane in built for a in lane.actions),
                        (), None),
        caveats=CAVEATS)
