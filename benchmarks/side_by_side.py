"""Benchmark (not a test): our lifecycle functions and a polling baseline, side by side.

    .venv/bin/python benchmarks/side_by_side.py            # 3, 20, 100 and 1,000 instances
    .venv/bin/python benchmarks/side_by_side.py 3 20 --only ours

Each size runs the same scenario (`replace.scenario`: replace every instance, a tenth at a
time) twice in a fresh simulated account with AWS's rate limits and call latency on (the
simulator's defaults): once with the project's functions and rules as the template deploys
them, once with the polling baseline (`polling_hook.py`) in their place, subscribed as the
original sample was (the lifecycle-action events, and the CloudTrail events of its own
heartbeats, delivered 15 s after the call) and with the sample's 128 MB and 300 s. It prints
one table and checks the targets of issue 10 against our functions' rows.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

from breakdown import Breakdown
from floors import completion_floor
from replace import scenario

from ecs_cluster_manager.sim.autoscaling.model import Group, GroupInstance, LifecycleAction
from ecs_cluster_manager.sim.ecs import EcsBackend, StopCause
from ecs_cluster_manager.sim.scenario import report, runner
from ecs_cluster_manager.sim.scenario.provision import Stack

LAUNCH, TERMINATE = "LifecycleLaunchFunction", "LifecycleTerminateFunction"
BASELINE = {LAUNCH: "polling_hook.launch", TERMINATE: "polling_hook.terminate"}
CLOUDTRAIL_DELAY_S = 15.0


@dataclass
class Lags:
    """Per lifecycle action: how long after the instance was ready (or drained) it completed."""

    launch: list[float] = field(default_factory=list)
    drain: list[float] = field(default_factory=list)
    launch_started: list[float] = field(default_factory=list)  # when each launch action began
    launch_ready: list[float] = field(default_factory=list)  # when each joined ECS
    drained_at: list[float] = field(default_factory=list)  # when each drain's last task stopped

    def attach(self, stack: Stack) -> None:
        ecs = stack.account.ecs
        assert isinstance(ecs, EcsBackend)
        state = ecs.state

        def ended(group: Group, member: GroupInstance, action: LifecycleAction) -> None:
            if action.result != "CONTINUE" or action.ended is None:
                return
            instance = state.instances_by_ec2.get(member.instance_id)
            if instance is None:
                return
            if action.hook.transition.endswith("LAUNCHING"):
                self.launch.append(action.ended - instance.registered_at)
                self.launch_started.append(action.started)
                self.launch_ready.append(instance.registered_at)
                return
            tasks = state.tasks_by_instance.get(instance.id, {}).values()
            drained = max([action.started] + [t.stopped_at or action.ended for t in tasks])
            self.drain.append(action.ended - drained)
            self.drained_at.append(drained)

        stack.account.autoscaling.scaler.lifecycle.on_end.append(ended)


def subscribe_like_the_sample(stack: Stack) -> None:
    """The baseline hears lifecycle actions and its own heartbeats, nothing else."""
    account = stack.account
    events = account.events
    for rule in events.handle("ListRules", {})["Rules"]:
        if "Lifecycle Action" not in rule.get("EventPattern", ""):
            events.handle("DisableRule", {"Name": rule["Name"]})
    account.cloudtrail.enabled = True
    account.cloudtrail.delay_s = CLOUDTRAIL_DELAY_S
    for logical, hook in ((LAUNCH, "LAUNCHING"), (TERMINATE, "TERMINATING")):
        function = account.lambda_.functions[stack.functions[logical]]
        function.memory_mb, function.timeout_s = 128, 300
        hook_name = next(name for transition, name in stack.hooks.items()
                         if transition.endswith(hook))
        name = f"baseline-heartbeat-{hook.lower()}"
        pattern = {"source": ["aws.autoscaling"], "detail-type": ["AWS API Call via CloudTrail"],
                   "detail": {"eventName": ["RecordLifecycleActionHeartbeat"],
                              "requestParameters": {"lifecycleHookName": [hook_name]}}}
        events.handle("PutRule", {"Name": name, "EventPattern": json.dumps(pattern)})
        events.handle("PutTargets", {"Rule": name, "Targets": [{"Id": logical,
                                                                  "Arn": function.arn}]})


def _pct(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def measure(design: str, instances: int, duration: str = "48h", replace: bool = True) -> dict[str, Any]:
    lags = Lags()
    sources = Breakdown()

    def prepare(stack: Stack) -> None:
        lags.attach(stack)
        stack.account.lambda_.listeners.append(sources)
        if design == "polling":
            subscribe_like_the_sample(stack)

    started = time.perf_counter()
    state = runner.run(scenario(instances, duration, replace), BASELINE if design == "polling" else None,
                       prepare)
    wall = time.perf_counter() - started
    result = report.build(state)
    account = state.stack.account
    wakes = account.metrics.wakeups
    per_wake = [float(sum(w.calls.values())) for w in wakes]
    actions = [a for a in state.actions.values()]
    ecs = account.ecs
    assert isinstance(ecs, EcsBackend)
    killed = sum(1 for stop in ecs.task_stops() if stop.cause is StopCause.INSTANCE_TERMINATED)
    replace_at = (state.ready_at or state.start) + 60
    # The stack's creation launches every instance at once, a harder burst than the replacement
    # (a tenth at a time): reported on its own, beside the replacement's launches.
    created = [lag for lag, at in zip(lags.launch, lags.launch_started, strict=True) if at < replace_at]
    replaced = [lag for lag, at in zip(lags.launch, lags.launch_started, strict=True) if at >= replace_at]
    ready = [r for r, at in zip(lags.launch_ready, lags.launch_started, strict=True) if at >= replace_at]
    # The least any design could reach under the same buckets (floors.py), beside what we reached.
    launch_floor = completion_floor(ready, account.limits, signals=False)
    signalled_floor = completion_floor(ready, account.limits, signals=True)
    drain_floor = completion_floor(lags.drained_at, account.limits, signals=False)
    return {
        "design": design, "instances": instances, "passed": result["passed"],
        "invariant_breaks": len(state.checker.violations),
        "calls": int(sum(per_wake)), "wakeups": len(wakes),
        "calls_p50": median(per_wake) if per_wake else 0.0,
        "calls_p99": _pct(per_wake, 0.99), "calls_max": max(per_wake, default=0.0),
        "throttled": sum(w.throttled for w in wakes),
        "failed": sum(1 for w in wakes if w.error is not None),
        "gbs_per_action": sum(w.gb_seconds for w in wakes) / max(1, len(actions)),
        "launch_p50": _pct(replaced, 0.5), "launch_p99": _pct(replaced, 0.99),
        "create_p50": _pct(created, 0.5), "create_p99": _pct(created, 0.99),
        "drain_p50": _pct(lags.drain, 0.5), "drain_p99": _pct(lags.drain, 0.99),
        "floor_launch_p50": _pct(launch_floor, 0.5), "floor_launch_p99": _pct(launch_floor, 0.99),
        "floor_drain_p50": _pct(drain_floor, 0.5),
        "floor_signal_first_p50": _pct(signalled_floor, 0.5),
        "floor_signal_first_p99": _pct(signalled_floor, 0.99),
        "rollout_s": state.end - replace_at, "finished": state.finished,
        "tasks_killed": killed, "wall_s": wall,
        "throttled_by_operation": dict(account.metrics.throttles.most_common(5)),
        "errors": dict(Counter((w.error or "")[:80] for w in wakes if w.error).most_common(3)),
        "breakdown": sources.text(),
        "violations": [f"{v.invariant}: {v.detail}" for v in state.checker.violations[:5]],
    }


COLUMNS = [("design", "{}"), ("instances", "{}"), ("calls", "{}"), ("calls_p50", "{:.0f}"),
           ("calls_p99", "{:.0f}"), ("calls_max", "{:.0f}"), ("throttled", "{}"),
           ("failed", "{}"), ("invariant_breaks", "{}"), ("gbs_per_action", "{:.3f}"),
           ("launch_p50", "{:.1f}"), ("launch_p99", "{:.1f}"), ("create_p50", "{:.1f}"),
           ("create_p99", "{:.1f}"), ("drain_p50", "{:.1f}"),
           ("drain_p99", "{:.1f}"), ("floor_launch_p50", "{:.1f}"), ("floor_launch_p99", "{:.1f}"),
           ("floor_drain_p50", "{:.1f}"), ("rollout_s", "{:.0f}"), ("finished", "{}"), ("tasks_killed", "{}"),
           ("wall_s", "{:.1f}")]


def table(rows: list[dict[str, Any]]) -> str:
    cells = [[name for name, _ in COLUMNS]]
    cells += [[fmt.format(row[name]) for name, fmt in COLUMNS] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(line, widths, strict=True))
                     for line in cells)


def _floor(floor: float, target: float) -> str:
    return f"; no design can: the buckets' floor is {floor:.1f} s" if floor > target else ""


def targets(ours: dict[str, Any], polling: dict[str, Any] | None) -> list[str]:
    """Issue 10's targets for our functions at one size: what misses, in words."""
    n = ours["instances"]
    checks = [
        (ours["failed"] == 0, f"{ours['failed']} failed invocations"),
        (ours["invariant_breaks"] == 0, f"{ours['invariant_breaks']} invariant breaks"),
        (ours["calls_max"] <= 10, f"max {ours['calls_max']:.0f} calls in one wake-up (> 10)"),
        (ours["gbs_per_action"] <= 0.5, f"{ours['gbs_per_action']:.3f} GB-s per action (> 0.5)"),
        (ours["launch_p50"] <= 2, f"launch ready->complete p50 {ours['launch_p50']:.1f} s (> 2"
                                  f"{_floor(ours['floor_launch_p50'], 2)})"),
        (ours["launch_p99"] <= 65, f"launch ready->complete p99 {ours['launch_p99']:.1f} s (> 65"
                                   f"{_floor(ours['floor_launch_p99'], 65)})"),
        (ours["drain_p50"] <= 2, f"drained->complete p50 {ours['drain_p50']:.1f} s (> 2"
                                 f"{_floor(ours['floor_drain_p50'], 2)})"),
    ]
    if polling is not None:
        limit = 1.2 * polling["calls"] if n <= 3 else polling["calls"] - 1
        checks.append((ours["calls"] <= limit,
                       f"{ours['calls']} calls vs the baseline's {polling['calls']}"))
    if n >= 1000:
        checks.append((ours["wall_s"] <= 120, f"{ours['wall_s']:.0f} s of wall time (> 120)"))
    return [text for ok, text in checks if not ok]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[3, 20, 100, 1000])
    parser.add_argument("--only", choices=["ours", "polling"])
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    parser.add_argument("--duration", default="48h",
                        help="stop each run after this much simulated time (default 48h): a shorter "
                             "run's calls are a lower bound of the whole run's")
    parser.add_argument("--create-only", action="store_true",
                        help="play only the stack's creation (the first part of every run)")
    parser.add_argument("--breakdown", action="store_true",
                        help="also print calls, throttled calls and failures by function and trigger")
    args = parser.parse_args(argv)
    designs = [args.only] if args.only else ["ours", "polling"]
    rows = []
    for size in args.sizes:
        for design in designs:
            rows.append(measure(design, size, args.duration, not args.create_only))
            print(json.dumps({k: v for k, v in rows[-1].items() if k != "breakdown"}),
                  file=sys.stderr, flush=True)
    print(table(rows))
    if args.breakdown:
        for row in rows:
            print(f"{row['design']}, {row['instances']} instances:\n{row['breakdown']}")
    for row in rows:
        for violation in row["violations"]:
            print(f"{row['design']}, {row['instances']} instances, invariant broken: {violation}")
    for size in args.sizes:
        ours = next((r for r in rows if r["design"] == "ours" and r["instances"] == size), None)
        polling = next((r for r in rows
                        if r["design"] == "polling" and r["instances"] == size), None)
        if ours is not None:
            misses = targets(ours, polling)
            print(f"{size:>5} instances: " + ("all targets met" if not misses
                                              else "misses: " + "; ".join(misses)))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
