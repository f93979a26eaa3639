"""`ecm demo [--scenario FILE]`: deploy the project's stack in a simulated account and take it
through an AMI roll, scale-out, scale-in and a rolled-back bad AMI (or through the phases of a
stack scenario file); exit 0 only if every invariant held."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ecs_cluster_manager.cli.report_option import add_report_option, report_written, writable_report
from ecs_cluster_manager.demo import scenario
from ecs_cluster_manager.demo.output import Progress, summary
from ecs_cluster_manager.demo.run import run_demo


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run the project's stack through a rollout in a simulated AWS account",
        description=(
            "Package the lifecycle functions, deploy cloudformation/ecs-cluster.yaml with "
            "examples/dev-cluster.json into a simulated account, run services on it, roll a new "
            "AMI, scale out and in, and roll back an AMI whose agent never connects. Nothing "
            "reaches AWS. Exit status 0 only if every invariant held."
        ),
    )
    parser.add_argument("--output", choices=("text", "json"), default="text",
                        help="text: progress and a summary; json: the report as data")
    parser.add_argument("--scenario", type=Path, metavar="FILE",
                        help="play a stack scenario file instead of the built-in story")
    add_report_option(parser, "the demo's picture (a lane per instance, services, stack "
                              "events, summary)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    options: dict[str, Any] = {"page": writable_report(args.report)}
    if args.scenario is not None:
        loaded = scenario.load(args.scenario)
        options.update(phases=loaded.phases, parameters=loaded.parameters, name=loaded.name)
    if args.output == "json":
        report = run_demo(**options)
        print(json.dumps(report, indent=2))
    else:
        progress = Progress(sys.stdout, live=sys.stdout.isatty())
        report = run_demo(progress.say, commands_to=sys.stdout, **options)
        progress.done()
        print()
        print(summary(report))
    if args.report is not None:
        print(report_written(args.report), file=sys.stderr if args.output == "json" else sys.stdout)
    return 0 if report["passed"] else 1
