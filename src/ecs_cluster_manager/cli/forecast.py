"""`ecm forecast SCENARIO | --stack-name N [--batch-size K] [--runs N] [--seed S] [--output json]
[--report OUT.html]`:
simulate a full replacement of a cluster with the project's functions and say how it would go.

Exit 0 when the forecast completed, whatever its verdict; 1 when it could not be made (an AWS
error while reading the cluster); 2 for usage errors.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from ecs_cluster_manager.cli import render
from ecs_cluster_manager.cli.aws_options import STACK_ENV, set_command
from ecs_cluster_manager.cli.report_option import add_report_option, report_written, writable_report
from ecs_cluster_manager.cli.snapshot import add_source_options, take
from ecs_cluster_manager.durations import duration_text
from ecs_cluster_manager.errors import UserError
from ecs_cluster_manager.forecast import runs, words
from ecs_cluster_manager.forecast.verdict import Forecast
from ecs_cluster_manager.picture import picture_from_run, write_html
from ecs_cluster_manager.sim.scenario import spec


def positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1 (got {value})")
    return int(value)


def whole(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number (got {value})")
    return int(value)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "forecast", help="simulate a full replacement of a cluster before you roll it",
        description="Simulate an AMI roll of the cluster (every instance replaced, K at a "
                    "time, as the stack's rolling update does it) with this project's "
                    "functions, several times with different seeds and timings, and print the "
                    "duration as a range, each service's lowest running count, the drains that "
                    "would block and on what, whether there is spare capacity, and a verdict. "
                    "The cluster comes from a scenario file (`ecm snapshot` writes one) or is "
                    "read from AWS, read-only. Exit status 0 whenever the forecast completes, "
                    "safe or unsafe (read the verdict); 1 if it could not be made; 2 for "
                    "usage errors.")
    parser.add_argument("scenario", nargs="?", type=Path, metavar="SCENARIO",
                        help="scenario file (instead of reading a live cluster)")
    add_source_options(parser)
    parser.add_argument("--batch-size", type=positive, metavar="K",
                        help="instances per batch (default: the stack's RollingUpdateBatchSize)")
    parser.add_argument("--runs", type=positive, default=runs.DEFAULT_RUNS, metavar="N",
                        help=f"simulated runs (default {runs.DEFAULT_RUNS})")
    parser.add_argument("--seed", type=whole, metavar="S",
                        help="seed of the first run (default: the scenario's)")
    parser.add_argument("--output", choices=("text", "json"), default="text",
                        help="text for people, json for programs")
    add_report_option(parser, "the picture of the run that went worst")
    set_command(parser, run)


def _scenario(args: argparse.Namespace) -> tuple[spec.Scenario, tuple[str, ...]]:
    if args.scenario is None:
        if not (args.stack_name or args.cluster or args.auto_scaling_group
                or os.environ.get(STACK_ENV)):
            raise UserError(f"nothing to forecast: give a SCENARIO file (ecm snapshot writes "
                            f"one), or a live cluster: --stack-name (or {STACK_ENV}), or "
                            "--cluster with --auto-scaling-group.")
        taken = take(args)
        return taken.scenario(), taken.notes
    if args.stack_name or args.cluster or args.auto_scaling_group:
        raise UserError("give a SCENARIO file or a live cluster (--stack-name, or --cluster "
                        "with --auto-scaling-group), not both.")
    loaded = spec.load(args.scenario)
    if not loaded.timeline and loaded.expect == spec.Expect():
        return loaded, ()
    return (loaded.model_copy(update={"timeline": [], "expect": spec.Expect()}),
            (f"{args.scenario}'s timeline and expect are left out: the forecast plays its own "
             "roll.",))


def report_parts(forecast: Forecast) -> list[Any]:
    parts: list[Any] = [render.plain(words.heading(forecast))]
    if forecast.runs:
        parts.append(render.plain(f"Duration: {words.duration_range(forecast)}"
                                  + words.exact_range(forecast)))
        parts.append(render.table("Services during the roll", (
            "service", "lowest running/desired", "minimum healthy", "below minimum"),
            ((s.name, words.service_cell(s), "-" if s.daemon else s.minimum_healthy,
              "-" if s.daemon else (f"in {s.below_minimum_runs} run(s)"
                                    if s.below_minimum_runs else "no"))
             for s in forecast.services)))
        slowest = (f"; the slowest took {duration_text(forecast.slowest_drain_s)}"
                   if forecast.slowest_drain_s is not None else "")
        blocked = "; ".join(forecast.blocked_drains) or "none blocked"
        parts.append(render.plain(f"Drains: {blocked}{slowest}"))
    parts.append(render.plain(f"Spare capacity: {forecast.spare.sentence()}"))
    if forecast.placement_failures:
        parts.append(render.plain("ECS could not place tasks of: "
                                  + ", ".join(forecast.placement_failures)))
    parts += [render.plain(f"Note: {note}") for note in forecast.notes]
    verdict = "SAFE" if forecast.safe else "UNSAFE"
    parts.append(render.markup(f"[bold]Verdict: {verdict}[/bold]"
                               + ("" if forecast.safe else " because")))
    parts += [render.plain(f"  - {reason}") for reason in forecast.reasons]
    return parts


def _write_page(played: runs.Played, page: Path, output: str) -> None:
    if played.worst_run is None:
        render.progress(f"no picture written to {page}: the roll could not start")
        return
    seed = played.worst_run.scenario.seed
    write_html(picture_from_run(played.worst_run), page,
               title=f"Forecast of {played.forecast.scenario}: the run that went worst "
                     f"(seed {seed})")
    print(report_written(page), file=sys.stderr if output == "json" else sys.stdout)


def run(args: argparse.Namespace) -> int:
    page = writable_report(args.report)
    scenario, notes = _scenario(args)
    played = runs.play(scenario, runs=args.runs, seed=args.seed, batch=args.batch_size)
    forecast = played.forecast
    if notes:
        forecast = replace(forecast, notes=notes + forecast.notes)
    if args.output == "json":
        render.json_line(forecast.as_dict())
    else:
        out = render.console()
        for part in report_parts(forecast):
            out.print(part)
    if page is not None:
        _write_page(played, page, args.output)
    return 0
