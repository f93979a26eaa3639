"""The picture of `ecm demo` (or a stack scenario): the project's stack in a simulated account.

Like a scenario run's, it comes from what the simulation recorded (the demo's watch: every
lifecycle action and who completed it, the services' counts the invariant checker sampled),
the functions' decision lines in the simulated CloudWatch Logs, and here the stack's events and
the demo's phases as markers.
"""

from __future__ import annotations

from typing import Any

from ecs_cluster_manager.demo.watch import Watch
from ecs_cluster_manager.picture import lanes
from ecs_cluster_manager.picture.from_history import routine, stack_marker
from ecs_cluster_manager.picture.from_run import instance_lives, logged_decisions, service_series
from ecs_cluster_manager.picture.history_reads import stack_event
from ecs_cluster_manager.picture.model import (
    OPERATOR,
    HookAction,
    InvariantResult,
    Marker,
    Picture,
    Summary,
)
from ecs_cluster_manager.picture.summary import tally
from ecs_cluster_manager.sim.project_stack import ProjectStack


def picture_from_demo(project: ProjectStack, watch: Watch, report: dict[str, Any],
                      start: float, title: str | None = None) -> Picture:
    """`report` is the demo's (demo/run.py): its phases and invariants."""
    account = project.account
    end = account.clock.now()
    actions = [HookAction(a.instance_id, a.kind, a.start, a.end, a.result,
                          OPERATOR if a.completed_by == "api" else a.completed_by)
               for a in watch.actions.values()]
    built = lanes.lanes(instance_lives(account, [a.instance_id for a in actions]), actions,
                        logged_decisions(account, account.lambda_.functions), start, end)
    events = [stack_event(e) for e in project.events()]
    markers = [stack_marker(e) for e in events if not routine(e, project.stack_name)]
    markers += [Marker(start + float(p["start"]), f"phase {p['name']}: {p['description']}",
                       "note") for p in report.get("phases", []) if p.get("start") is not None]
    invariants = tuple(InvariantResult(str(i["name"]), str(i["description"]), bool(i["held"]),
                                       tuple(str(v.get("detail", v)) for v in i["violations"]))
                       for i in report.get("invariants", []))
    return Picture(
        title=title or str(report.get("name") or "ecm demo"), source="simulation", start=start,
        end=end, lanes=built,
        services=service_series(watch.checker.counts, project.parameter("EcsClusterName"), end),
        markers=tuple(sorted(markers, key=lambda m: m.at)),
        summary=Summary(round(end - start, 3), tally(a for lane in built for a in lane.actions),
                        invariants, bool(report.get("passed"))))
