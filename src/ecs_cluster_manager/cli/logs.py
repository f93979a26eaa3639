"""`ecm logs --stack-name N [--instance i-...] [--since 1h] [--follow]`: the two functions'
decision lines merged in time order (time, function, instance, decision, reason, what blocks);
the raw JSON records with `--output json`."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime
from typing import Any

from ecs_cluster_manager.cli import render
from ecs_cluster_manager.cli.aws_options import add_aws_options, clients, set_command, stack_name
from ecs_cluster_manager.errors import UserError
from ecs_cluster_manager.ops import logs
from ecs_cluster_manager.ops.stack import read_stack

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "logs", help="the lifecycle functions' decisions, merged in time order",
        description="Read both functions' CloudWatch Logs groups (named by the stack's "
                    "outputs) and show each decision: time, function, instance, decision, "
                    "reason, what blocks. --follow keeps reading new ones.")
    parser.add_argument("--instance", metavar="i-...", help="only decisions about this instance")
    parser.add_argument("--since", default="1h", metavar="AGE",
                        help="how far back: 30s, 10m, 1h, 2d, or an ISO 8601 time (default 1h)")
    parser.add_argument("--follow", action="store_true", help="keep printing new decisions")
    parser.add_argument("--poll", type=float, default=5.0, metavar="S",
                        help="seconds between reads with --follow (default 5)")
    parser.add_argument("--timeout", type=float, metavar="S",
                        help="with --follow, stop after S seconds")
    add_aws_options(parser)
    set_command(parser, run)


def since_epoch(value: str, now: float) -> float:
    match = re.fullmatch(r"(\d+)([smhd])", value.strip())
    if match:
        return now - int(match.group(1)) * UNITS[match.group(2)]
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise UserError(f"--since {value!r} is neither an age (30s, 10m, 1h, 2d) nor an ISO "
                        "8601 time (2026-01-31T12:00:00Z).") from None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def line(decision: logs.Decision) -> str:
    record = decision.record
    when = datetime.fromtimestamp(decision.at, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")
    function = str(record.get("function") or decision.log_group.rsplit("/", 1)[-1])
    text = (f"{when}  {function:<9} {decision.instance_id or '-':<19} "
            f"{record.get('decision')!s:<10} {record.get('reason') or ''}")
    blocking = record.get("blocking")
    if isinstance(blocking, list):
        blocking = ", ".join(str(b) for b in blocking)
    return text + (f"  [blocked by: {blocking}]" if blocking else "")


def _emit(decision: logs.Decision, output: str) -> None:
    if output == "json":
        render.json_line(decision.as_dict())
    else:
        print(line(decision), flush=True)


def run(args: argparse.Namespace) -> int:
    aws = clients(args)
    refs = read_stack(aws, stack_name(args))
    since = since_epoch(args.since, aws.now())
    if args.follow:
        found = logs.follow(aws, refs, since=since, poll_s=args.poll, instance=args.instance,
                            timeout_s=args.timeout)
        try:
            for decision in found:
                _emit(decision, args.output)
        except KeyboardInterrupt:
            return 0
        return 0
    every = logs.decisions(aws, refs, since=since, instance=args.instance)
    for decision in every:
        _emit(decision, args.output)
    if not every:
        render.progress(f"no decisions since {args.since} in {', '.join(refs.log_groups)}")
    return 0
