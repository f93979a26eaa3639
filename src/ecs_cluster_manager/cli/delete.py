"""`ecm delete --stack-name N`: deregister the container instances ECS left behind, delete the
stack and watch it go."""

from __future__ import annotations

import argparse
from typing import Any

from ecs_cluster_manager.cli import render
from ecs_cluster_manager.cli.aws_options import add_aws_options, clients, set_command, stack_name
from ecs_cluster_manager.cli.prompt import confirm
from ecs_cluster_manager.cli.watch import add_watch_options, follow
from ecs_cluster_manager.ops.stack import read_stack
from ecs_cluster_manager.ops.teardown import deregister_leftovers, start_delete
from ecs_cluster_manager.ops.watch import watch

DELETED = "DELETE_COMPLETE"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "delete", help="delete the stack (and the container instances ECS left behind)",
        description="Deregister container instances whose EC2 instance is terminated (ECS "
                    "does not when the agent was disconnected, and they block the cluster's "
                    "deletion), delete the stack, and watch until it is gone. Asks first on a "
                    "terminal; elsewhere needs --yes.")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_watch_options(parser)
    add_aws_options(parser)
    set_command(parser, run)


def run(args: argparse.Namespace) -> int:
    aws = clients(args)
    name = stack_name(args)
    refs = read_stack(aws, name)
    if not confirm(f"Delete stack {refs.name} ({refs.status}) and everything in it?", args.yes):
        render.progress("nothing deleted")
        return 0
    started = aws.now()
    refs, cleaned = start_delete(aws, name)
    for leftover in cleaned:
        render.progress(f"deregistered {leftover['arn'].rsplit('/', 1)[-1]} "
                        f"(its instance {leftover['instance_id']} is terminated)")
    code = follow(watch(aws, refs.stack_id, timeout_s=args.timeout, poll_s=args.poll,
                        since=started, succeeded=lambda status: status == DELETED),
                  refs.name, args.output)
    if code == 1 and deregister_leftovers(aws, refs):
        # Instances terminated during the delete can leave new ones; once more, then it is done.
        render.progress("container instances were left behind during the delete; retrying")
        aws("cloudformation").delete_stack(StackName=refs.stack_id)
        code = follow(watch(aws, refs.stack_id, timeout_s=args.timeout, poll_s=args.poll,
                            since=aws.now(), succeeded=lambda status: status == DELETED),
                      refs.name, args.output)
    return code
