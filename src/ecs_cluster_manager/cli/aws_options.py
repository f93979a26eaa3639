"""What every AWS-facing verb shares: `--profile`, `--region`, `--stack-name` (default
`ECM_STACK_NAME`), `--output text|json`, how clients are made, and AWS errors as one line."""

from __future__ import annotations

import argparse
import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ecs_cluster_manager.errors import UserError
from ecs_cluster_manager.ops.failures import explain
from ecs_cluster_manager.ops.session import Clients, ClientsFactory, aws_clients

STACK_ENV = "ECM_STACK_NAME"
Command = Callable[[argparse.Namespace], int]


def add_aws_options(parser: argparse.ArgumentParser, *, stack: bool = True,
                    output: bool = True) -> None:
    group = parser.add_argument_group("AWS")
    group.add_argument("--profile", help="named profile from your AWS config (as the AWS CLI)")
    group.add_argument("--region", help="AWS Region (default: AWS_REGION or the profile's)")
    if stack:
        group.add_argument("--stack-name", default=os.environ.get(STACK_ENV),
                           help=f"the stack (default: ${STACK_ENV})")
    if output:
        parser.add_argument("--output", choices=("text", "json"), default="text",
                            help="text for people, json for programs")


def add_parameter_file_options(parser: argparse.ArgumentParser) -> None:
    """`--parameters FILE` (required) and `--template FILE`, as validate and deploy take them."""
    parser.add_argument("--parameters", required=True, type=Path, metavar="FILE",
                        help="parameter file in the AWS CLI format")
    parser.add_argument("--template", type=Path, metavar="FILE",
                        help="template (default: the repository's cloudformation/ecs-cluster.yaml)")


def stack_name(args: argparse.Namespace) -> str:
    if not args.stack_name:
        raise UserError(f"no stack named: pass --stack-name or set {STACK_ENV}.")
    return str(args.stack_name)


def clients(args: argparse.Namespace) -> Clients:
    """Clients from the factory `main()` was given (tests, the demo), else from the user's AWS
    configuration as the AWS CLI reads it."""
    factory: ClientsFactory = getattr(args, "clients_factory", None) or aws_clients
    return factory(args.profile, args.region)


def aws_command(run: Command) -> Command:
    """Run a verb; an AWS or botocore error becomes one line (exit 1), unless --debug."""
    @functools.wraps(run)
    def wrapped(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except Exception as error:
            failure = explain(error)
            if failure is None or getattr(args, "debug", False):
                raise
            raise failure from error

    return wrapped


def set_command(parser: argparse.ArgumentParser, run: Command) -> None:
    parser.set_defaults(func=aws_command(run))


def json_default(value: Any) -> str:
    return str(value)
