"""The picture of a rollout as plain, frozen data: what the HTML page draws and `--output json`
prints. Built from a simulated run (`from_run`) or from a real stack's history
(`from_history`); drawn by `html`. Times are epoch seconds (the virtual clock's, in a
simulation); the page shows them as UTC wall-clock times.
"""

from __future__ import annotations

from dataclasses import dataclass

# Interval kinds of an instance's lane, in the order an instance lives through them.
LAUNCHING = "launching"
LAUNCH_HOOK = "launch-hook"
WARM_POOL = "warm-pool"  # launched into the group's warm pool: not in service yet
IN_SERVICE = "in-service"
TERMINATE_HOOK = "terminate-hook"  # held, before the drain gate said what it waits for
DRAINING = "draining"
WAITING_TASKS = "waiting-tasks"
WAITING_SERVICES = "waiting-services"
TERMINATED = "terminated"

KIND_LABELS = {
    LAUNCHING: "launching",
    LAUNCH_HOOK: "held on the launch hook",
    WARM_POOL: "in the warm pool",
    IN_SERVICE: "in service",
    TERMINATE_HOOK: "held on the terminate hook",
    DRAINING: "draining",
    WAITING_TASKS: "waiting for tasks",
    WAITING_SERVICES: "waiting for services",
    TERMINATED: "terminated",
}

# Who completed a lifecycle action, in words (as the scenario and demo reports say it).
LAUNCH_FUNCTION = "launch function"
TERMINATE_FUNCTION = "terminate function"
TIMEOUT = "timeout"
OPERATOR = "operator"


@dataclass(frozen=True)
class Interval:
    kind: str  # one of KIND_LABELS
    start: float
    end: float  # the picture's end when it was still open then
    detail: str = ""  # why: the decision reasons, hover text
    blocking: tuple[str, ...] = ()  # which tasks or services it waited for


@dataclass(frozen=True)
class HookAction:
    """One lifecycle action on an instance, and who completed it."""

    instance_id: str
    hook: str  # "launch" | "terminate"
    start: float
    end: float | None  # None: still waiting when the picture ends
    result: str | None = None  # CONTINUE | ABANDON | None (waiting)
    completed_by: str | None = None  # LAUNCH_FUNCTION, TERMINATE_FUNCTION, TIMEOUT, OPERATOR...
    reasons: tuple[str, ...] = ()  # the functions' decision reasons while it was held


@dataclass(frozen=True)
class Lane:
    instance_id: str
    intervals: tuple[Interval, ...]
    actions: tuple[HookAction, ...]


@dataclass(frozen=True)
class DecisionPoint:
    """One decision line of a lifecycle function (lifecycle/logs.py)."""

    at: float
    instance_id: str
    function: str  # "launch" | "terminate" (the line's `function`)
    decision: str
    reason: str
    blocking: tuple[str, ...] = ()
    waited_s: float | None = None  # since the action began, as the function knew it
    actions: tuple[str, ...] = ()  # what it did: "completed CONTINUE", "heartbeat", ...


@dataclass(frozen=True)
class ServiceSample:
    at: float
    running: int
    desired: int
    minimum: int  # minimum healthy count: ceil(desired x minimumHealthyPercent / 100)


@dataclass(frozen=True)
class Dip:
    """An interval with fewer tasks running than the minimum healthy count."""

    start: float
    end: float  # the picture's end when it had not recovered by then
    lowest: int
    minimum: int


@dataclass(frozen=True)
class ServiceSeries:
    name: str
    scheduling: str  # REPLICA | DAEMON
    samples: tuple[ServiceSample, ...]
    dips: tuple[Dip, ...]


@dataclass(frozen=True)
class Marker:
    """A point on the time axis: a stack event, or a note of the run."""

    at: float
    text: str
    kind: str = "stack"  # "stack" | "note"


@dataclass(frozen=True)
class ActionTally:
    hook: str
    result: str  # "waiting" while not completed
    completed_by: str  # "-" while not completed
    count: int


@dataclass(frozen=True)
class InvariantResult:
    name: str
    description: str
    held: bool
    violations: tuple[str, ...] = ()
    expected: str = ""  # why the scenario expects it to break, when it does


@dataclass(frozen=True)
class Summary:
    duration_s: float
    actions: tuple[ActionTally, ...]
    invariants: tuple[InvariantResult, ...]  # empty when not known (history)
    passed: bool | None  # None when not judged (history)


@dataclass(frozen=True)
class Picture:
    title: str
    source: str  # "simulation" | "history"
    start: float
    end: float
    lanes: tuple[Lane, ...]
    services: tuple[ServiceSeries, ...]
    markers: tuple[Marker, ...]
    summary: Summary
    caveats: tuple[str, ...] = ()  # what this picture cannot know, said on the page
