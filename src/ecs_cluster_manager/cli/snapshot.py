"""`ecm snapshot --stack-name N | --cluster C --auto-scaling-group G [--anonymize] [-o FILE]`:
read a live cluster's shape through read-only calls into a scenario file."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from ecs_cluster_manager.cli import render
from ecs_cluster_manager.cli.aws_options import STACK_ENV, add_aws_options, clients, set_command
from ecs_cluster_manager.cli.report_option import writable_report
from ecs_cluster_manager.errors import UserError
from ecs_cluster_manager.forecast import scenario_file
from ecs_cluster_manager.forecast import snapshot as snapshots
from ecs_cluster_manager.forecast.anonymize import anonymize


def add_source_options(parser: argparse.ArgumentParser) -> None:
    """Which cluster: a stack of this project's template, or a cluster and its group."""
    add_aws_options(parser, output=False)
    parser.set_defaults(stack_name=None)  # $ECM_STACK_NAME only when nothing else names one
    parser.add_argument("--cluster", metavar="C", help="ECS cluster (with --auto-scaling-group)")
    parser.add_argument("--auto-scaling-group", metavar="G",
                        help="the cluster's Auto Scaling group (with --cluster)")


def take(args: argparse.Namespace) -> snapshots.Snapshot:
    """The snapshot the source options name; usage errors (exit 2) before any AWS client."""
    if args.cluster or args.auto_scaling_group:
        if args.stack_name:
            raise UserError("give --stack-name, or --cluster with --auto-scaling-group, not both.")
        if not (args.cluster and args.auto_scaling_group):
            raise UserError("--cluster and --auto-scaling-group go together: give both (or "
                            "--stack-name).")
        return snapshots.from_cluster(clients(args), args.cluster, args.auto_scaling_group)
    stack = args.stack_name or os.environ.get(STACK_ENV)
    if not stack:
        raise UserError(f"no cluster named: pass --stack-name (or set {STACK_ENV}), or "
                        "--cluster with --auto-scaling-group.")
    return snapshots.from_stack(clients(args), stack)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "snapshot", help="read a live cluster's shape into a scenario file (read-only)",
        description="Read the cluster's shape through read-only calls (Describe*/List*): the "
                    "group's sizes, instance type and AMI, the hooks' heartbeat timeout, the "
                    "stack's roll settings, each service's count, CPU/memory, deployment "
                    "configuration, scheduling strategy, placement, deregistration delay and "
                    "stop timeout, and the standalone tasks running now. Writes a scenario "
                    "file for `ecm forecast` and `ecm simulate`.")
    add_source_options(parser)
    parser.add_argument("--anonymize", action="store_true",
                        help="replace the names of services, task families, the cluster, "
                             "group and stack by service-1, task-1, cluster-1 ...")
    parser.add_argument("-o", "--output-file", type=Path, metavar="FILE",
                        help="write the scenario here (default: stdout)")
    set_command(parser, run)


def run(args: argparse.Namespace) -> int:
    writable_report(args.output_file, "--output-file", "cluster.yaml")  # before any call
    taken = take(args)
    if args.anonymize:
        taken = anonymize(taken)
    scenario = taken.scenario()
    text = scenario_file.render(scenario, "ecm snapshot: the cluster's shape as a scenario.\n"
                                          "Forecast a roll of it: ecm forecast THIS_FILE")
    if args.output_file is None:
        print(text, end="")
        return 0
    args.output_file.write_text(text, encoding="utf-8")
    shape = scenario.cluster
    render.progress(f"wrote {args.output_file}: {shape.instances} x {shape.instance_type}, "
                    f"{len(shape.services)} service(s), "
                    f"{sum(t.count for t in shape.standalone_tasks)} standalone task(s); "
                    f"forecast a roll with: ecm forecast {args.output_file}")
    return 0
