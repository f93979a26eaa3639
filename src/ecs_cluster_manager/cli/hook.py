"""`ecm hook continue|abandon|heartbeat --stack-name N INSTANCE`: the operator's override for
an instance held on a lifecycle hook."""

from __future__ import annotations

import argparse
from typing import Any

from ecs_cluster_manager.cli import render
from ecs_cluster_manager.cli.aws_options import add_aws_options, clients, set_command, stack_name
from ecs_cluster_manager.ops.hooks import ACTIONS, override


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "hook", help="continue, abandon or extend a held instance's lifecycle action",
        description="Complete (continue or abandon) or heartbeat the lifecycle action of an "
                    "instance held in Pending:Wait or Terminating:Wait. `continue` on the "
                    "terminate hook refuses while a task on the instance is not STOPPED, "
                    "unless --force.")
    parser.add_argument("action", choices=ACTIONS)
    parser.add_argument("instance", metavar="INSTANCE", help="EC2 instance id (i-...)")
    parser.add_argument("--force", action="store_true",
                        help="continue a terminate action even though tasks still run there")
    add_aws_options(parser)
    set_command(parser, run)


def run(args: argparse.Namespace) -> int:
    done = override(clients(args), stack_name(args), args.instance, args.action,
                    force=args.force)
    if args.output == "json":
        render.print_json(vars(done))
    else:
        verb = {"continue": "continued", "abandon": "abandoned",
                "heartbeat": "extended (heartbeat)"}[done.action]
        print(f"{done.instance_id}: {done.hook} {verb} (was {done.state})")
    return 0
