"""`ecm simulate SCENARIO.yaml`: rehearse lifecycle functions against the simulated AWS account.

Exit code 1 when the run fails (an unexpected invariant break, an expected outcome that did not
happen, a declared fault that never fired, or a run that did not finish); 2 for a bad scenario
file or handler.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from ecs_cluster_manager.cli.report_option import add_report_option, report_written, writable_report
from ecs_cluster_manager.picture import picture_from_run, write_html
from ecs_cluster_manager.sim.scenario import report, runner, spec, summary
from ecs_cluster_manager.sim.scenario.provision import LAUNCH_FUNCTION, TERMINATE_FUNCTION


def _handler(value: str) -> str:
    module, sep, function = value.partition(":")
    if not sep or not module or not function:
        raise argparse.ArgumentTypeError(
            f"expected MODULE:FUNCTION, e.g. my_gate.launch:handler (got {value})")
    return f"{module}.{function}"


def _timeline_lines(value: str) -> int | None:
    if value == "all":
        return None
    if value.isdigit():
        return int(value)
    raise argparse.ArgumentTypeError(f"expected a number of lines or all (got {value})")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "simulate", help="run a scenario against the simulated AWS account",
        description="Provision the cluster a scenario describes in a simulated AWS account, play "
                    "its timeline of actions and faults, and check the lifecycle invariants and "
                    "the outcomes the scenario expects.")
    parser.add_argument("scenario", type=Path, help="scenario YAML file")
    parser.add_argument("--output", choices=("text", "json"), default="text")
    parser.add_argument("--timeline", type=_timeline_lines, metavar="N|all",
                        default=summary.DEFAULT_TIMELINE_LINES,
                        help="timeline entries in the text summary (default "
                             f"{summary.DEFAULT_TIMELINE_LINES}; all shows every one)")
    parser.add_argument("--launch-handler", type=_handler, metavar="MODULE:FUNCTION",
                        help="run this function for the launch hook instead of the project's")
    parser.add_argument("--terminate-handler", type=_handler, metavar="MODULE:FUNCTION",
                        help="run this function for the terminate hook instead of the project's")
    add_report_option(parser, "the run's picture (a lane per instance, services, summary)")
    parser.set_defaults(func=_simulate)


def _simulate(args: argparse.Namespace) -> int:
    page = writable_report(args.report)
    scenario = spec.load(args.scenario)
    handlers = {}
    if args.launch_handler:
        handlers[LAUNCH_FUNCTION] = args.launch_handler
    if args.terminate_handler:
        handlers[TERMINATE_FUNCTION] = args.terminate_handler
    if handlers and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # the user's own handler modules live here
    started = time.monotonic()
    state = runner.run(scenario, handlers)
    result = report.build(state, wall_seconds=time.monotonic() - started)
    if args.output == "json":
        print(json.dumps(result, indent=2))
    else:
        print(summary.summary(result, args.timeline))
    if page is not None:
        write_html(picture_from_run(state), page)
        print(report_written(page), file=sys.stderr if args.output == "json" else sys.stdout)
    return 0 if result["passed"] else 1
