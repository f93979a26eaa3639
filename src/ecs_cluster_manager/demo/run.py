"""Run the demo and build its report (a JSON-ready dict)."""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

from ecs_cluster_manager.demo.checks import evaluate
from ecs_cluster_manager.demo.operator import Operator
from ecs_cluster_manager.demo.operator_steps import steps
from ecs_cluster_manager.demo.phases import DEMO, Phase, PhaseResult, run_phase
from ecs_cluster_manager.demo.picture import picture_from_demo
from ecs_cluster_manager.demo.watch import Say, Watch
from ecs_cluster_manager.picture.html import write_html
from ecs_cluster_manager.sim.account import SimAccount
from ecs_cluster_manager.sim.ecs import StopCause
from ecs_cluster_manager.sim.project_stack import ProjectStack
from ecs_cluster_manager.sim.scenario.runner import terminated_instances


def _running_tasks(project: ProjectStack) -> set[str]:
    ecs = project.account.client("ecs")
    cluster = project.parameter("EcsClusterName")
    pages = ecs.get_paginator("list_tasks").paginate(cluster=cluster, desiredStatus="RUNNING")
    return {arn for page in pages for arn in page["taskArns"]}


def _lost(project: ProjectStack, gone: set[str]) -> list[str]:
    """Tasks that stopped for another reason than a drain (a replaced service task, or a
    standalone task the drain gate stopped after its grace period)."""
    causes = {stop.task_arn: stop.cause for stop in project.ecs.task_stops()}
    return sorted(arn for arn in gone if causes.get(arn) not in (StopCause.DRAINING,
                                                                  StopCause.USER))


def run_demo(say: Say | None = None, *, phases: tuple[Phase, ...] = DEMO,
             parameters: list[dict[str, str]] | None = None,
             name: str = "ecm demo", commands_to: TextIO | None = None,
             page: Path | None = None) -> dict[str, Any]:
    """Play `phases` against the project's stack; the report (see `_report`). The operator's
    `ecm` commands print to `commands_to` (nowhere when None). With `page`, the picture of the
    whole demo is written there as HTML (picture/)."""
    wall_start = time.monotonic()
    account = SimAccount()
    project = ProjectStack(account, parameters=parameters)
    start = account.clock.now()

    def relative_say(when: float, text: str) -> None:
        if say is not None:
            say(when - start, text)

    watch = Watch(project, relative_say)
    watch.narrate_stack_events = False  # `ecm deploy` and `ecm watch` show them
    results: list[PhaseResult] = []
    lost: list[str] = []
    try:
        with account.installed(), tempfile.TemporaryDirectory(prefix="ecm-demo-") as directory:
            operator = Operator(project, watch, commands_to, Path(directory))
            operator_steps = steps(operator)
            for phase in phases:
                relative_say(account.clock.now(), f"== {phase.name}: {phase.description}")
                # A rollback must leave every running task running.
                rollback = "ROLLBACK" in phase.expected_status
                before = _running_tasks(project) if rollback else set()
                results.append(run_phase(phase, project, watch, operator_steps))
                if rollback:
                    lost += _lost(project, before - _running_tasks(project))
            watch.checker.check_end(account.clock.now(), terminated_instances(account))
    finally:
        account.close()
    report = {"name": name, **_report(project, watch, results, lost, start=start,
                                      wall_s=time.monotonic() - wall_start)}
    if page is not None:
        write_html(picture_from_demo(project, watch, report, start), page)
    return report


def _report(project: ProjectStack, watch: Watch, phases: list[PhaseResult], lost: list[str],
            *, start: float, wall_s: float) -> dict[str, Any]:
    def rel(t: float | None) -> float | None:
        return None if t is None else round(t - start, 3)

    invariants = evaluate(watch.checker, phases, start, lost)
    actions = sorted(watch.actions.values(), key=lambda a: a.start)
    tally = Counter((a.phase, a.kind, a.result or "waiting", a.completed_by or "-")
                    for a in actions)
    account = project.account
    group = next(iter(account.autoscaling.groups.values()), None)
    images = Counter(account.ec2.instances[m].image_id for m in (group.instances if group else {})
                     if m in account.ec2.instances)
    return {
        "passed": all(i.held for i in invariants),
        "wall_seconds": round(wall_s, 2),
        "simulated_seconds": round(account.clock.now() - start, 3),
        "stack": {"name": project.stack_name, "status": project.status(),
                  "events": len(project.events())},
        "phases": [{"name": p.name, "description": p.description, "start": rel(p.start),
                    "duration_s": round(p.end - p.start, 3), "stack_status": p.stack_status,
                    "expected_status": p.expected_status, "ok": p.ok} for p in phases],
        "lifecycle_actions": [
            {"instance": a.instance_id, "hook": a.kind, "phase": a.phase, "start": rel(a.start),
             "end": rel(a.end), "result": a.result, "completed_by": a.completed_by}
            for a in actions],
        "lifecycle_summary": [{"phase": phase, "hook": kind, "result": result, "by": by,
                               "count": count}
                              for (phase, kind, result, by), count in tally.items()],
        "final_state": {
            "instances": dict(Counter(m.state for m in group.instances.values())) if group else {},
            "images": dict(images),
            "services": [{"name": h.name, "desired": h.desired_count, "running": h.running_count,
                          "steady": h.steady} for h in project.ecs.service_health()],
        },
        "api_calls": sum(account.metrics.calls.values()),
        "invariants": [{"name": i.name, "description": i.description, "held": i.held,
                        "violations": i.violations} for i in invariants],
    }
