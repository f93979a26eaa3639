"""The scenario report, as a JSON-ready dict and as a readable summary."""

from __future__ import annotations

from collections import Counter
from statistics import mean
from typing import Any

from ecs_cluster_manager.sim.ecs import EcsBackend
from ecs_cluster_manager.sim.events.envelope import iso_time
from ecs_cluster_manager.sim.scenario.invariants import INVARIANTS
from ecs_cluster_manager.sim.scenario.runner import Run


def build(state: Run) -> dict[str, Any]:
    account = state.stack.account
    start = state.start

    def rel(t: float | None) -> float | None:
        return None if t is None else round(t - start, 3)

    wakeups = account.metrics.wakeups
    per_wakeup = [sum(w.calls.values()) for w in wakeups]
    functions: dict[str, dict[str, Any]] = {}
    for wake in wakeups:
        entry = functions.setdefault(wake.function, {"invocations": 0, "errors": 0,
                                                     "billed_ms": 0, "gb_seconds": 0.0,
                                                     "sleep_s": 0.0, "api_calls": 0})
        entry["invocations"] += 1
        entry["errors"] += wake.error is not None
        entry["billed_ms"] += wake.billed_ms
        entry["gb_seconds"] = round(entry["gb_seconds"] + wake.gb_seconds, 6)
        entry["sleep_s"] = round(entry["sleep_s"] + wake.sleep_s, 3)
        entry["api_calls"] += sum(wake.calls.values())
    actions = sorted(state.actions.values(), key=lambda a: a.start)
    violations = state.checker.violations
    timeline = [{"t": rel(t), "time": iso_time(t), "event": text} for t, text in state.notes]
    timeline += [{"t": rel(a.start), "time": iso_time(a.start),
                  "event": f"{a.hook} started on {a.instance_id}"} for a in actions]
    timeline += [{"t": rel(a.end), "time": iso_time(a.end),
                  "event": f"{a.hook} on {a.instance_id}: {a.result} by {a.completed_by}"}
                 for a in actions if a.end is not None]
    timeline += [{"t": rel(float(str(f["time"]))), "time": iso_time(float(str(f["time"]))),
                  "event": f"fault fired: {f}"} for f in account.faults.fired]
    timeline += [{"t": rel(v.time), "time": iso_time(v.time),
                  "event": f"INVARIANT BROKEN {v.invariant}: {v.detail}"} for v in violations]
    timeline.sort(key=lambda entry: entry["t"] or 0.0)
    return {
        "scenario": state.scenario.name,
        "passed": not violations and state.finished,
        "finished": state.finished,
        "simulated_seconds": round(state.end - start, 3),
        "ready_after_s": rel(state.ready_at),
        "lifecycle_actions": [
            {"instance": a.instance_id, "hook": a.hook, "transition": a.transition,
             "start": rel(a.start), "end": rel(a.end), "result": a.result,
             "completed_by": a.completed_by, "heartbeats": a.heartbeats} for a in actions],
        "api_calls": dict(sorted(account.metrics.calls.items())),
        "wakeups": {"count": len(wakeups),
                    "api_calls_mean": round(mean(per_wakeup), 3) if per_wakeup else 0.0,
                    "api_calls_max": max(per_wakeup, default=0)},
        "lambda": functions,
        "timeline": timeline,
        "final_state": _final_state(state),
        "invariants": [
            {"name": name, "description": text,
             "violations": [{"t": rel(v.time), "detail": v.detail}
                            for v in violations if v.invariant == name]}
            for name, text in INVARIANTS.items()],
    }


def _final_state(state: Run) -> dict[str, Any]:
    account = state.stack.account
    group = account.autoscaling.groups[state.stack.group]
    ecs = account.ecs
    assert isinstance(ecs, EcsBackend)
    images = Counter(account.ec2.instances[m.instance_id].image_id
                     for m in group.instances.values() if m.instance_id in account.ec2.instances)
    return {
        "group": {"name": group.name, "desired": group.desired,
                  "states": dict(Counter(m.state for m in group.instances.values())),
                  "images": dict(images)},
        "services": [{"name": h.name, "desired": h.desired_count, "running": h.running_count,
                      "steady": h.steady} for h in ecs.service_health()],
        "lambda_retries_discarded": len(account.lambda_.discarded),
    }


def summary(report: dict[str, Any], timeline_lines: int = 15) -> str:
    lines = [f"Scenario: {report['scenario']}",
             f"Result: {'PASSED' if report['passed'] else 'FAILED'}"
             f" (finished: {report['finished']}, simulated {report['simulated_seconds']:.0f} s,"
             f" ready after {report['ready_after_s']} s)"]
    actions = report["lifecycle_actions"]
    by = Counter((a["transition"].split("_")[-1].lower(), a["result"], a["completed_by"])
                 for a in actions)
    lines.append(f"Lifecycle actions: {len(actions)}")
    lines += [f"  {kind:<12} {result or 'waiting':<9} by {who}: {count}"
              for (kind, result, who), count in sorted(by.items(), key=str)]
    wakeups = report["wakeups"]
    lines.append(f"Wake-ups: {wakeups['count']}, API calls per wake-up: mean "
                 f"{wakeups['api_calls_mean']}, max {wakeups['api_calls_max']}")
    for name, entry in report["lambda"].items():
        lines.append(f"  {name}: {entry['invocations']} invocations, {entry['errors']} errors, "
                     f"{entry['gb_seconds']:.3f} GB-s billed, {entry['sleep_s']:.0f} s asleep")
    top = sorted(report["api_calls"].items(), key=lambda kv: -kv[1])[:8]
    lines.append("API calls: " + ", ".join(f"{op} {n}" for op, n in top))
    final = report["final_state"]
    lines.append(f"Final group: desired {final['group']['desired']}, {final['group']['states']}, "
                 f"images {final['group']['images']}")
    lines += [f"  service {s['name']}: {s['running']}/{s['desired']} running, steady {s['steady']}"
              for s in final["services"]]
    lines.append("Invariants:")
    for invariant in report["invariants"]:
        broken = invariant["violations"]
        lines.append(f"  [{'FAIL' if broken else ' ok '}] {invariant['description']}")
        lines += [f"         t={v['t']}: {v['detail']}" for v in broken[:5]]
    notes = [e for e in report["timeline"] if "started on" not in e["event"]]
    shown = min(timeline_lines, len(notes))
    lines.append(f"Timeline ({shown} of {len(notes)} entries, action starts left out):")
    lines += [f"  t={e['t']:>9}  {e['event']}" for e in notes[:timeline_lines]]
    return "\n".join(lines)
