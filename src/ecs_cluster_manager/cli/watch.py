"""`ecm watch --stack-name N [--timeout S]`: follow the stack until the rollout is over.

A live view redrawn in place on a terminal, one line per change otherwise, JSON lines with
`--output json`. Exit 0 when the stack reached the state asked for, 1 on rollback or failure,
2 on timeout.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from rich.console import Group
from rich.live import Live

from ecs_cluster_manager.cli import render
from ecs_cluster_manager.cli.aws_options import add_aws_options, clients, set_command, stack_name
from ecs_cluster_manager.cli.report import window_start, write_history_page
from ecs_cluster_manager.cli.report_option import add_report_option, report_written, writable_report
from ecs_cluster_manager.ops.watch import Change, Finished, Tick, default_success, watch

EXIT = {"succeeded": 0, "failed": 1, "timed out": 2}
LIVE_LINES = 12


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "watch", help="follow a stack operation until the rollout is really over",
        description="Follow stack events and the group's instances until the stack is in a "
                    "terminal state and no instance waits on a lifecycle hook (CloudFormation "
                    "completes before the old instances have drained). Exit 0 complete, 1 "
                    "rolled back or failed, 2 timed out.")
    add_watch_options(parser)
    add_report_option(parser, "the watched rollout's picture, from its history, once the "
                              "watch returns")
    add_aws_options(parser)
    set_command(parser, run)


def add_watch_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--timeout", type=float, metavar="S",
                        help="give up after S seconds (exit 2)")
    parser.add_argument("--poll", type=float, default=10.0, metavar="S",
                        help="seconds between polls (default 10)")


def clock(at: float) -> str:
    return datetime.fromtimestamp(at, tz=UTC).strftime("%H:%M:%S")


def change_line(change: Change) -> str:
    if change.source == "stack":
        text = f"{clock(change.at)}  {change.subject} {change.state}"
        return text + (f": {change.detail}" if change.detail else "")
    was = f" (was {change.detail})" if change.detail else ""
    return f"{clock(change.at)}  {change.subject} {change.state}{was}"


ROUTINE_REASONS = ("", "Resource creation Initiated")


def noteworthy(change: Change, stack: str) -> bool:
    """In text, a resource's routine IN_PROGRESS events are left out (JSON keeps them)."""
    return not (change.source == "stack" and change.subject != stack
                and change.state.endswith("_IN_PROGRESS") and change.detail in ROUTINE_REASONS)


def finished_line(stack: str, end: Finished) -> str:
    text = f"{stack}: {end.status}, rollout {end.outcome}"
    if end.busy_instances:
        text += "; still busy: " + ", ".join(f"{i} {s}" for i, s in end.busy_instances.items())
    return text


def _live_view(status: str, states: dict[str, str], lines: list[str]) -> Group:
    instances = render.table(None, ("instance", "state"), sorted(states.items()))
    return Group(render.plain(status), instances,
                 *(render.plain(line) for line in lines[-LIVE_LINES:]))


def follow(items: Iterable[Change | Tick | Finished], stack: str, output: str) -> int:
    """Render a watch; its exit code. Shared by deploy, cancel and delete."""
    end: Finished | None = None
    if output == "json":
        for item in items:
            if isinstance(item, Change):
                render.json_line(item.as_dict())
            elif isinstance(item, Finished):
                end = item
                render.json_line({"finished": item.outcome, "status": item.status,
                                  "busy_instances": item.busy_instances})
    elif sys.stdout.isatty():
        end = _follow_live(items, stack)
    else:
        for item in items:
            if isinstance(item, Change):
                if noteworthy(item, stack):
                    print(change_line(item), flush=True)
            elif isinstance(item, Finished):
                end = item
    assert end is not None, "a watch always finishes"
    if output != "json":
        print(finished_line(stack, end))
    return EXIT[end.outcome]


def _follow_live(items: Iterable[Change | Tick | Finished], stack: str) -> Finished | None:
    lines: list[str] = []
    end = None
    with Live(_live_view("starting", {}, lines), console=render.console(),
              auto_refresh=False) as live:
        for item in items:
            if isinstance(item, Change):
                if noteworthy(item, stack):
                    lines.append(change_line(item))
            elif isinstance(item, Tick):
                live.update(_live_view(f"{item.status} at {clock(item.at)}", item.instances,
                                       lines), refresh=True)
            else:
                end = item
    return end


def run(args: argparse.Namespace,
        succeeded: Callable[[str], bool] = default_success) -> int:
    name = stack_name(args)
    page = writable_report(args.report)
    aws = clients(args)
    started = aws.now()
    code = follow(watch(aws, name, timeout_s=args.timeout, poll_s=args.poll,
                        succeeded=succeeded), name, args.output)
    if page is not None:
        # The window opens when the operation being watched started (before the watch did).
        write_history_page(aws, name, window_start(aws, name, None, started, started), page)
        render.progress(report_written(page))
    return code
