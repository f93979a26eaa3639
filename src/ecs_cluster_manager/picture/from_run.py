"""The picture of a simulated scenario run (`sim.scenario.runner.Run`).

Everything comes from what the run recorded: its lifecycle actions (who completed each), the
functions' decision lines in the simulated CloudWatch Logs, the services' counts the invariant
checker sampled at each change, the run's notes, fired faults and broken invariants. A scenario
run provisions without CloudFormation, so there are no stack events to show.
"""

from __future__ import annotations

from collections.abc import Iterable

from ecs_cluster_manager.picture import decisions, lanes, services
from ecs_cluster_manager.picture.model import (
    DecisionPoint,
    HookAction,
    InvariantResult,
    Marker,
    Picture,
    ServiceSample,
    ServiceSeries,
    Summary,
)
from ecs_cluster_manager.picture.summary import tally
from ecs_cluster_manager.sim.account import SimAccount
from ecs_cluster_manager.sim.logs import LogsBackend
from ecs_cluster_manager.sim.scenario import report
from ecs_cluster_manager.sim.scenario.provision import LAUNCH_FUNCTION, TERMINATE_FUNCTION
from ecs_cluster_manager.sim.scenario.runner import Run
from ecs_cluster_manager.sim.scenario.service_counts import ServiceCounts

NO_STACK = "a scenario run provisions its resources directly: there are no stack events"


def logged_decisions(account: SimAccount, functions: Iterable[str]) -> list[DecisionPoint]:
    """The decision lines the named functions wrote to the simulated CloudWatch Logs."""
    logs = account.backends.get("logs")
    if not isinstance(logs, LogsBackend):
        return []
    groups = []
    for name in functions:
        function = account.lambda_.functions.get(name)
        if function is not None:
            groups.append(function.log_group or f"/aws/lambda/{name}")
    return decisions.from_messages((event.timestamp / 1000.0, event.message)
                                   for group in groups if group in logs.groups
                                   for stream in logs.groups[group].streams.values()
                                   for event in stream.events)


def instance_lives(account: SimAccount, instance_ids: Iterable[str]) -> list[lanes.InstanceLife]:
    found = []
    for instance_id in sorted(set(instance_ids)):
        instance = account.ec2.instances.get(instance_id)
        found.append(lanes.InstanceLife(instance_id, instance.launch_time if instance else None,
                                        instance.terminated_at if instance else None))
    return found


def service_series(counts: ServiceCounts, cluster: str, end: float) -> tuple[ServiceSeries, ...]:
    """The services of `cluster` (a neighbour group's cluster is not ours to show)."""
    return tuple(
        services.series(name, counts.strategies.get((in_cluster, name), "REPLICA"),
                        [ServiceSample(*sample) for sample in samples], end)
        for (in_cluster, name), samples in sorted(counts.samples.items())
        if in_cluster == cluster)


def picture_from_run(run: Run, title: str | None = None) -> Picture:
    account = run.stack.account
    names = {run.stack.functions[LAUNCH_FUNCTION]: "launch function",
             run.stack.functions[TERMINATE_FUNCTION]: "terminate function"}
    end = max(account.clock.now(), run.end)
    actions = [HookAction(a.instance_id, "launch" if a.transition.endswith("LAUNCHING")
                          else "terminate", a.start, a.end, a.result,
                          report.completed_by(a.completed_by, names))
               for a in run.actions.values()]
    group = account.autoscaling.groups.get(run.stack.group)
    members = list(group.instances) if group is not None else []
    lives = instance_lives(account, [a.instance_id for a in actions] + members)
    built = lanes.lanes(lives, actions, logged_decisions(account, names), run.start, end)
    built_report = report.build(run)
    markers = [Marker(at, text, "note") for at, text in run.notes]
    markers += [Marker(float(str(f["time"])), report.fault_in_words(f), "note")
                for f in account.faults.fired]
    markers += [Marker(v.time, f"invariant broken: {v.invariant}: {v.detail}", "note")
                for v in run.checker.violations]
    invariants = tuple(
        InvariantResult(i["name"], i["description"], bool(i["held"]),
                        tuple(str(v["detail"]) for v in i["violations"]),
                        str(i.get("expected_break") or ""))
        for i in built_report["invariants"])
    return Picture(
        title=title or run.scenario.name, source="simulation", start=run.start, end=end,
        lanes=built,
        services=service_series(run.checker.counts, run.stack.cluster, end),
        markers=tuple(sorted(markers, key=lambda m: m.at)),
        summary=Summary(round(run.end - run.start, 3),
                        tally(a for lane in built for a in lane.actions), invariants,
                        bool(built_report["passed"])),
        caveats=(NO_STACK,))
