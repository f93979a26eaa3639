"""What each drain of a simulated roll waited on, read from the drain gate's own decision lines
(lifecycle/logs.py: `instance_id`, `decision`, `reason`, `blocking`), and what it cost: jobs the
gate stopped, daemons gone while other tasks still ran, tasks killed with the instance."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ecs_cluster_manager.forecast.events import TASK_CHANGE, epoch, service_of
from ecs_cluster_manager.sim.ecs.model import StopCause, TaskStop


@dataclass(frozen=True)
class Drain:
    label: str  # "old instance 2": the order its drain began in
    instance_id: str
    waited_s: float | None  # None: still held when the run ended
    result: str | None
    completed_by: str | None
    timed_out: bool  # ended by DrainTimeoutSeconds or by the hook's own timeout
    waited_on: tuple[str, ...]  # "service web", "standalone task nightly-report", ...
    blocked_by: tuple[str, ...]  # what still held it when it timed out (or at the end)


def decision_lines(logs: Iterable[tuple[str, str, str]], function: str) -> list[dict[str, Any]]:
    """The function's JSON decision lines, in the order they were written."""
    lines = []
    for name, _, text in logs:
        if name != function:
            continue
        for line in text.splitlines():
            if line.startswith("{"):
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if isinstance(record, dict) and record.get("instance_id"):
                    lines.append(record)
    return lines


def group_words(group: str) -> str:
    """A task group in words: "service:web" -> "service web", "family:job" -> "standalone
    task job"."""
    kind, _, name = group.partition(":")
    return f"service {name}" if kind == "service" else f"standalone task {name or group}"


def blocker(label: str) -> str:
    """A blocking label (lifecycle/model.py, decide_terminate.py) as a thing a reader knows:
    "task 1a2b RUNNING (service:web)" -> "service web"; "(family:job)" -> "standalone task job"."""
    if label.startswith("service "):
        return "service " + label[8:].split(":", 1)[0]
    if label.startswith("task ") and label.endswith(")") and "(" in label:
        return group_words(label[label.rindex("(") + 1:-1])
    return label


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def drain_facts(label: str, instance_id: str, record: Any, lines: list[dict[str, Any]],
                timed_out_ids: set[str]) -> Drain:
    """`record` is the runner's ActionRecord of the terminate action."""
    own = [line for line in lines if line.get("instance_id") == instance_id]
    waited_on = _unique(blocker(str(b)) for line in own for b in line.get("blocking") or [])
    last = own[-1] if own else {}
    timed_out = instance_id in timed_out_ids or record.completed_by == "timeout"
    still = _unique(blocker(str(b)) for b in last.get("blocking") or []) \
        if timed_out or record.end is None else ()
    waited = None if record.end is None else record.end - record.start
    return Drain(label, instance_id, waited, record.result, record.completed_by, timed_out,
                 waited_on, still)


def jobs_stopped_by(stops: Iterable[TaskStop], function: str) -> list[TaskStop]:
    """Standalone tasks the drain gate stopped (StandaloneTaskPolicy stop-after-grace)."""
    return [s for s in stops if s.cause == StopCause.USER and s.caller == function
            and s.service is None]


def killed_with_instance(stops: Iterable[TaskStop]) -> list[TaskStop]:
    return [s for s in stops if s.cause == StopCause.INSTANCE_TERMINATED]


def daemon_gaps(events: Iterable[dict[str, Any]], daemons: set[str]) -> dict[str, float]:
    """Per daemon: the longest time an instance ran other tasks after its task of the daemon
    had STOPPED (ECS stops daemon tasks as soon as an instance is DRAINING,
    ecs_service-options.html, while the other tasks drain on), from the task STOPPED events."""
    stopped: dict[str, list[tuple[float, str]]] = {}  # container instance -> (time, group)
    for event in events:
        detail = event.get("detail", {})
        if event.get("detail-type") == TASK_CHANGE and detail.get("lastStatus") == "STOPPED":
            stopped.setdefault(str(detail.get("containerInstanceArn")), []).append(
                (epoch(str(event["time"])), str(detail.get("group", ""))))
    gaps: dict[str, float] = {}
    for stops in stopped.values():
        others = max((at for at, group in stops if service_of(group) not in daemons),
                     default=None)
        for at, group in stops:
            name = service_of(group)
            if name is not None and name in daemons and others is not None and others > at:
                gaps[name] = max(gaps.get(name, 0.0), others - at)
    return gaps
