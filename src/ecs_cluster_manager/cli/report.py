"""`ecm report --stack-name N [--since AGE|ISO] [--report FILE.html] [--output json]`: the
picture of a real rollout, rebuilt from the group's scaling activities, the stack's events and
the functions' decision lines (picture/from_history.py). Read-only.

Without --since, the window starts with the stack's latest operation (its own CREATE, UPDATE or
DELETE_IN_PROGRESS event), or an hour ago if it has none. Text: the lanes in brief and the
actions by result and by who completed them; json: the whole picture as data.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ecs_cluster_manager.cli import render
from ecs_cluster_manager.cli.aws_options import add_aws_options, clients, set_command, stack_name
from ecs_cluster_manager.cli.logs import since_epoch
from ecs_cluster_manager.cli.report_option import add_report_option, report_written, writable_report
from ecs_cluster_manager.ops.session import Clients
from ecs_cluster_manager.ops.stack import read_stack
from ecs_cluster_manager.picture.as_json import iso, picture_as_json
from ecs_cluster_manager.picture.from_history import picture_from_history
from ecs_cluster_manager.picture.history_reads import operation_start
from ecs_cluster_manager.picture.html import write_html
from ecs_cluster_manager.picture.model import KIND_LABELS, Picture

FALLBACK_S = 3600.0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report", help="the picture of a rollout on AWS, rebuilt from its history",
        description="Rebuild the timeline of a rollout from Auto Scaling activities, the "
                    "stack's events and the lifecycle functions' decision lines: a lane per "
                    "instance, who completed each lifecycle action and why it waited. "
                    "Read-only. See docs/report.md.")
    parser.add_argument("--since", metavar="AGE|ISO",
                        help="start of the window: 30m, 6h, 2d or an ISO 8601 time (default: "
                             "when the stack's latest operation started)")
    add_report_option(parser, "the picture")
    add_aws_options(parser)
    set_command(parser, run)


def window_start(aws: Clients, stack: str, since: str | None, now: float,
                 fallback: float | None = None) -> float:
    """--since, else when the stack's latest operation started, else `fallback` (an hour
    ago by default)."""
    if since is not None:
        return since_epoch(since, now)
    started = operation_start(aws, read_stack(aws, stack).stack_id, now)
    if started is not None:
        return started
    return now - FALLBACK_S if fallback is None else fallback


def write_history_page(aws: Clients, stack: str, since: float, page: Path) -> Picture:
    """The picture of the stack's history from `since` to now, written to `page`."""
    picture = picture_from_history(aws, stack, since, aws.now())
    write_html(picture, page)
    return picture


def brief(picture: Picture) -> list[str]:
    """The picture in a few lines for a terminal."""
    lines = [f"{picture.title}: {iso(picture.start)} to {iso(picture.end)}, "
             f"{len(picture.lanes)} instances"]
    for lane in picture.lanes:
        kinds = " > ".join(dict.fromkeys(KIND_LABELS[i.kind] for i in lane.intervals))
        lines.append(f"  {lane.instance_id}: {kinds}")
    lines += [f"  {t.hook} {t.result} by {t.completed_by}: {t.count}"
              for t in picture.summary.actions]
    return lines + [f"note: {c}" for c in picture.caveats]


def run(args: argparse.Namespace) -> int:
    page = writable_report(args.report)
    aws = clients(args)
    stack = stack_name(args)
    since = window_start(aws, stack, args.since, aws.now())
    if page is not None:
        picture = write_history_page(aws, stack, since, page)
    else:
        picture = picture_from_history(aws, stack, since, aws.now())
    if args.output == "json":
        render.print_json(picture_as_json(picture))
    else:
        print("\n".join(brief(picture)))
    if page is not None:
        render.progress(report_written(page))
    return 0
