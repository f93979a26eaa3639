"""`ecm verify --stack-name N`: prove the hooks work in your account: one instance in through
the launch gate, the same one out through the drain gate, each step timed and checked."""

from __future__ import annotations

import argparse
from typing import Any

from ecs_cluster_manager.cli import render
from ecs_cluster_manager.cli.aws_options import add_aws_options, clients, set_command, stack_name
from ecs_cluster_manager.cli.status import duration
from ecs_cluster_manager.ops.verify import verify


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "verify", help="acceptance test: one instance through the launch and drain gates",
        description="Refuses while the stack or the group is busy. Raises the desired capacity "
                    "by one, follows the new instance through the launch gate (held, joined, "
                    "InService), terminates that instance through the group (decrementing), "
                    "follows it through the drain gate (held, DRAINING, tasks gone, services "
                    "steady, terminated) and checks the capacity is back. Exit 1 at the first "
                    "step that fails, with what the functions logged about the instance.")
    parser.add_argument("--poll", type=float, default=15.0, metavar="S",
                        help="seconds between checks (default 15)")
    add_aws_options(parser)
    set_command(parser, run)


def run(args: argparse.Namespace) -> int:
    passed = True
    for result in verify(clients(args), stack_name(args), poll_s=args.poll):
        passed = passed and result.passed
        if args.output == "json":
            render.json_line(vars(result))
            continue
        print(f"{'ok  ' if result.passed else 'FAIL'} {duration(result.seconds or 0.0):>7}  "
              f"{result.name}" + (f": {result.detail}" if result.detail else ""), flush=True)
        for line in result.log_lines:
            print(f"       {line}")
    if args.output != "json":
        print("verify: " + ("PASSED" if passed else "FAILED"))
    return 0 if passed else 1
