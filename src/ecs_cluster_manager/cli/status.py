"""`ecm status --stack-name N`: one snapshot of the stack, its instances and services."""

from __future__ import annotations

import argparse
from typing import Any

from ecs_cluster_manager.cli import render
from ecs_cluster_manager.cli.aws_options import add_aws_options, clients, set_command, stack_name
from ecs_cluster_manager.durations import duration_text
from ecs_cluster_manager.ops.status import Snapshot, snapshot


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "status", help="one snapshot of the stack, its instances and services",
        description="Stack status and last event; the group's sizes; a row per instance "
                    "(zone, lifecycle state, AMI, launch template version, ECS status, agent, "
                    "tasks, time held, what blocks it); each service's running/desired.")
    add_aws_options(parser)
    set_command(parser, run)


def duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return duration_text(seconds)


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "NO")


def render_snapshot(snap: Snapshot) -> list[Any]:
    """The renderables of a snapshot, top to bottom (shared with the live watch view)."""
    parts: list[Any] = [render.plain(f"Stack {snap.stack}: {snap.status} ({snap.outcome})"
                                     + (f" - {snap.reason}" if snap.reason else ""))]
    if snap.last_event:
        parts.append(render.plain(f"Last event: {snap.last_event}"))
    if snap.sizes is not None:
        parts.append(render.plain(f"Group {snap.group}: min {snap.sizes['min']}, desired "
                                  f"{snap.sizes['desired']}, max {snap.sizes['max']}"))
        parts.append(render.table(None, ("instance", "zone", "state", "AMI", "LT version",
                                         "ECS", "agent", "tasks", "held", "blocked by"),
                                  ((i.instance_id, i.zone, i.state, i.image_id,
                                    i.template_version, i.container_status,
                                    yes_no(i.agent_connected), i.running_tasks,
                                    duration(i.waiting_s), i.blocked_by)
                                   for i in snap.instances)))
    if snap.services:
        parts.append(render.table(None, ("service", "running/desired", "steady"),
                                  ((s.name, f"{s.running}/{s.desired}", yes_no(s.steady))
                                   for s in snap.services)))
    return parts


def run(args: argparse.Namespace) -> int:
    snap = snapshot(clients(args), stack_name(args))
    if args.output == "json":
        render.print_json(snap.as_dict())
        return 0
    out = render.console()
    for part in render_snapshot(snap):
        out.print(part)
    return 0
