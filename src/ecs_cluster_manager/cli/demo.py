"""`ecm demo [--scenario FILE]`: deploy the project's stack in a simulated account and take it
through an AMI roll, scale-out, scale-in and a rolled-back bad AMI (or through the phases of a
stack scenario file); exit 0 only if every invariant held."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

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
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    options: dict[str, Any] = {}
    if args.scenario is not None:
        loaded = scenario.load(args.scenario)
        options = {"phases": loaded.phases, "parameters": loaded.parameters,
                   "name": loaded.name}
    if args.output == "json":
        report = run_demo(**options)
        print(json.dumps(report, indent=2))
    else:
        progress = Progress(sys.stdout, live=sys.stdout.isatty())
        report = run_demo(progress.say, commands_to=sys.stdout, **options)
        progress.done()
        print()
        print(summary(report))
    return 0 if report["passed"] else 1
