"""`ecm validate --parameters FILE [--stack-name N]`: check a parameter file against the
template offline, then against the account; one line per check, exit 1 if any fails."""

from __future__ import annotations

import argparse
from typing import Any

from ecs_cluster_manager.cli import render
from ecs_cluster_manager.cli.aws_options import (
    add_aws_options,
    add_parameter_file_options,
    clients,
    set_command,
)
from ecs_cluster_manager.ops.checks import Check
from ecs_cluster_manager.ops.parameter_file import load_parameter_file
from ecs_cluster_manager.ops.stack_check import stack_check
from ecs_cluster_manager.ops.validate import validate
from ecs_cluster_manager.template import load_template


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "validate", help="check a parameter file against the template and your account",
        description="Offline checks of the parameter file against the template (names, types, "
                    "allowed values, ClusterMaxSize > ClusterSize, bare role names), then "
                    "read-only checks in the account: subnets and security groups, the AMI "
                    "and instance type, the deployment bucket's Region, the key pair. Exit 1 "
                    "if any check fails.")
    add_parameter_file_options(parser)
    parser.add_argument("--offline", action="store_true", help="skip the account checks")
    add_aws_options(parser)
    set_command(parser, run)


def show_checks(checks: list[Check], output: str) -> bool:
    """Print the checks (stdout); whether all passed."""
    if output == "json":
        render.print_json([c.as_dict() for c in checks])
    else:
        out = render.console()
        for check in checks:
            line = render.markup(render.mark(check.ok))
            line.append(f" {check.name}: {check.detail}"
                        + ("" if check.ok else f" -> {check.fix}"))
            out.print(line)
    return all(c.ok for c in checks)


def run(args: argparse.Namespace) -> int:
    values = load_parameter_file(args.parameters)
    template = load_template(args.template)
    account = None if args.offline else clients(args)
    checks = validate(template, values, account)
    if account is not None and args.stack_name:
        checks.append(stack_check(account, args.stack_name))
    return 0 if show_checks(checks, args.output) else 1
