"""`ecm deploy --stack-name N --parameters FILE [--yes] [--no-watch]`: validate, package and
upload the zips, preview a change set, ask, execute, and watch until the rollout is over."""

from __future__ import annotations

import argparse
from typing import Any

from ecs_cluster_manager.cli import render
from ecs_cluster_manager.cli.aws_options import (
    add_aws_options,
    add_parameter_file_options,
    clients,
    set_command,
    stack_name,
)
from ecs_cluster_manager.cli.prompt import confirm
from ecs_cluster_manager.cli.watch import add_watch_options, follow
from ecs_cluster_manager.errors import UserError
from ecs_cluster_manager.forecast.change import forecast_change
from ecs_cluster_manager.forecast.verdict import Forecast
from ecs_cluster_manager.forecast.words import summary_line
from ecs_cluster_manager.ops import change_set as change_sets
from ecs_cluster_manager.ops.deploy import Planned, plan
from ecs_cluster_manager.ops.failures import OperationFailed, explain
from ecs_cluster_manager.ops.preview import Preview
from ecs_cluster_manager.ops.session import Clients
from ecs_cluster_manager.ops.watch import watch
from ecs_cluster_manager.template import default_template_path

DEPLOYED = frozenset({"CREATE_COMPLETE", "UPDATE_COMPLETE"})


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "deploy", help="validate, upload, preview a change set, execute and watch",
        description="Validate the parameter file, upload the function zips (content-addressed "
                    "keys) to DeploymentS3Bucket, create a change set, show what it changes "
                    "and whether the instances will roll, ask (a non-terminal run needs "
                    "--yes), execute it and watch until the rollout is over, drains included.")
    add_parameter_file_options(parser)
    parser.add_argument("--s3-prefix", default="", metavar="PREFIX",
                        help="key prefix for the zips in DeploymentS3Bucket")
    parser.add_argument("--yes", action="store_true", help="execute without asking")
    parser.add_argument("--no-watch", action="store_true",
                        help="return once the change set is executing")
    parser.add_argument("--no-forecast", action="store_true",
                        help="when the change set rolls the instances, do not simulate the "
                             "roll of the live cluster before asking (ecm forecast)")
    add_watch_options(parser)
    add_aws_options(parser)
    set_command(parser, run)


def _preview_parts(preview: Preview) -> list[Any]:
    counts = ", ".join(f"{len(preview.by_action(a))} {word}" for a, word in
                       (("Add", "to add"), ("Modify", "to modify"), ("Remove", "to remove")))
    parts: list[Any] = [f"[bold]Change set ({preview.kind})[/bold]: {counts}",
                        render.table(None, ("action", "resource", "type", "replacement"),
                                     ((r.action, r.logical_id, r.resource_type,
                                       render.markup("[bold red]REPLACED[/bold red]")
                                       if r.replaced else "")
                                      for r in preview.rows))]
    parts.append(render.plain(f"Instances: {preview.roll.sentence()}" if preview.roll is not None
                              else "Instances: not rolled by this change."))
    return parts


def _forecast_parts(forecast: Forecast) -> list[Any]:
    return [render.plain(f"Forecast: {summary_line(forecast)}"),
            *(render.plain(f"  - {reason}") for reason in forecast.reasons[1:]),
            *(render.plain(f"  note: {note}") for note in forecast.notes)]


def _show(planned: Planned, output: str, forecast: Forecast | None) -> None:
    if output == "json":
        render.json_line({"checks": [c.as_dict() for c in planned.checks],
                          "uploaded": [vars(u) for u in planned.uploaded],
                          "preview": planned.preview.as_dict() if planned.preview else None,
                          "forecast": forecast.as_dict() if forecast else None})
        return
    render.progress(f"validated: {len(planned.checks)} checks passed "
                    "(ecm validate shows each)")
    for item in planned.uploaded:
        render.progress(f"{'already there' if item.skipped else 'uploaded'}: {item.key}")
    assert planned.preview is not None, "a computed change set has a preview"
    out = render.console()
    for part in _preview_parts(planned.preview) + (_forecast_parts(forecast) if forecast else []):
        out.print(part)


def _forecast(aws: Clients, name: str, planned: Planned, args: argparse.Namespace
              ) -> Forecast | None:
    """The simulated roll of the live cluster under the change set's settings, when it rolls."""
    roll = planned.preview.roll if planned.preview else None
    if roll is None or args.no_forecast or planned.change_set is None:
        return None
    render.progress(f"forecasting the roll of {roll.instances} instance(s) in the simulator "
                    "(--no-forecast skips this)")
    try:
        return forecast_change(aws, name, planned.change_set.parameters, roll.batch)
    except Exception as error:  # the preview goes on without it; the question still comes
        failure = error if isinstance(error, OperationFailed) else explain(error)
        if failure is None:
            raise
        render.progress(f"forecast not made: {failure}")
        return None


def run(args: argparse.Namespace) -> int:
    aws = clients(args)
    name = stack_name(args)
    template_path = args.template or default_template_path()
    planned = plan(aws, name, args.parameters, template_path, args.s3_prefix)
    if planned.failed_checks:
        for check in planned.failed_checks:
            render.progress(f"FAIL {check.name}: {check.detail} -> {check.fix}")
        raise UserError(f"{len(planned.failed_checks)} check(s) failed; nothing deployed "
                        "(ecm validate shows every check).")
    change_set = planned.change_set
    assert change_set is not None
    if change_set.empty:
        change_sets.discard(aws, change_set)
        render.progress(f"No changes: stack {name} already matches the template and "
                        "parameters; nothing to deploy.")
        return 0
    if change_set.status == "FAILED":
        raise OperationFailed(f"CloudFormation refused the change set: {change_set.reason}")
    _show(planned, args.output, _forecast(aws, name, planned, args))
    try:
        go_ahead = confirm(f"Execute this change set on {name}?", args.yes)
    except UserError:
        change_sets.discard(aws, change_set)  # not left behind for someone else to execute
        raise
    if not go_ahead:
        change_sets.discard(aws, change_set)
        render.progress("change set discarded; nothing deployed")
        return 0
    started = aws.now()
    change_sets.execute(aws, change_set)
    if args.no_watch:
        render.progress(f"executing; follow it with: ecm watch --stack-name {name}")
        return 0
    return follow(watch(aws, change_set.stack_id, timeout_s=args.timeout, poll_s=args.poll,
                        since=started, succeeded=lambda status: status in DEPLOYED),
                  name, args.output)
