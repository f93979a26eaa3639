"""`ecm cancel --stack-name N`: cancel the running update and watch the rollback."""

from __future__ import annotations

import argparse
from typing import Any

from ecs_cluster_manager.cli import render
from ecs_cluster_manager.cli.aws_options import add_aws_options, clients, set_command, stack_name
from ecs_cluster_manager.cli.watch import add_watch_options, follow
from ecs_cluster_manager.ops.teardown import start_cancel
from ecs_cluster_manager.ops.watch import watch

ROLLED_BACK = "UPDATE_ROLLBACK_COMPLETE"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "cancel", help="cancel a running update and watch the rollback",
        description="CancelUpdateStack, then watch until the rollback is over (exit 0 when "
                    f"the stack is {ROLLED_BACK} and no instance is held).")
    add_watch_options(parser)
    add_aws_options(parser)
    set_command(parser, run)


def run(args: argparse.Namespace) -> int:
    aws = clients(args)
    started = aws.now()
    refs = start_cancel(aws, stack_name(args))
    render.progress(f"cancelling the update of {refs.name}; watching the rollback")
    return follow(watch(aws, refs.stack_id, timeout_s=args.timeout, poll_s=args.poll,
                        since=started, succeeded=lambda status: status == ROLLED_BACK),
                  refs.name, args.output)
