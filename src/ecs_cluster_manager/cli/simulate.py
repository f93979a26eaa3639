"""`ecm simulate SCENARIO.yaml`: rehearse lifecycle functions against the simulated AWS account.

Exit code 1 when an invariant breaks or the scenario does not finish; 2 for a bad scenario file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from ecs_cluster_manager.errors import UserError
from ecs_cluster_manager.sim.scenario import report, runner, spec
from ecs_cluster_manager.sim.scenario.provision import LAUNCH_FUNCTION, TERMINATE_FUNCTION


def _handler(value: str) -> str:
    module, sep, function = value.partition(":")
    if not sep or not module or not function:
        raise argparse.ArgumentTypeError("expected MODULE:FUNCTION, e.g. my_gate.launch:handler")
    return f"{module}.{function}"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "simulate", help="run a scenario against the simulated AWS account",
        description="Provision the cluster a scenario describes in a simulated AWS account, play "
                    "its timeline of actions and faults, and check the lifecycle invariants.")
    parser.add_argument("scenario", type=Path, help="scenario YAML file")
    parser.add_argument("--output", choices=("text", "json"), default="text")
    parser.add_argument("--launch-handler", type=_handler, metavar="MODULE:FUNCTION",
                        help="run this function for the launch hook instead of the project's")
    parser.add_argument("--terminate-handler", type=_handler, metavar="MODULE:FUNCTION",
                        help="run this function for the terminate hook instead of the project's")
    parser.set_defaults(func=_simulate)


def _simulate(args: argparse.Namespace) -> int:
    scenario = spec.load(args.scenario)
    handlers = {}
    if args.launch_handler:
        handlers[LAUNCH_FUNCTION] = args.launch_handler
    if args.terminate_handler:
        handlers[TERMINATE_FUNCTION] = args.terminate_handler
    if handlers and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # the user's own handler modules live here
    try:
        state = runner.run(scenario, handlers)
    except ImportError as error:
        raise UserError(f"cannot load a handler: {error}") from None
    result = report.build(state)
    if args.output == "json":
        print(json.dumps(result, indent=2, default=str))
    else:
        print(report.summary(result))
    return 0 if result["passed"] else 1
