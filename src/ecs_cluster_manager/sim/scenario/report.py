"""The scenario report as a JSON-ready dict. Field names are the demo's where they mean the
same thing (`lifecycle_actions`, `completed_by`, `final_state`, `invariants[].held`, ...);
`summary.py` renders it for people."""

from __future__ import annotations

from collections import Counter
from statistics import mean
from typing import Any

from ecs_cluster_manager.sim.account import SimAccount
from ecs_cluster_manager.sim.ecs import EcsBackend
from ecs_cluster_manager.sim.events.envelope import iso_time
from ecs_cluster_manager.sim.scenario import outcomes
from ecs_cluster_manager.sim.scenario.catalogue import INVARIANTS
from ecs_cluster_manager.sim.scenario.provision import LAUNCH_FUNCTION, TERMINATE_FUNCTION
from ecs_cluster_manager.sim.scenario.runner import Run


def completed_by(who: str | None, function_names: dict[str, str]) -> str | None:
    """In words: "launch function", "terminate function", "timeout" or "operator"."""
    if who is None:
        return None
    if who == "api":
        return "operator"
    return function_names.get(who, who)


def fault_in_words(record: dict[str, object]) -> str:
    """A fired fault as a timeline line: `fault fired: throttle autoscaling:Complete...`."""
    details = [str(value) for key, value in record.items() if key not in ("fault", "time")]
    return f"fault fired: {record.get('fault')} {' '.join(details)}".strip()


def _functions(account: SimAccount) -> dict[str, dict[str, Any]]:
    functions: dict[str, dict[str, Any]] = {}
    for wake in account.metrics.wakeups:
        entry = functions.setdefault(wake.function, {"invocations": 0, "errors": 0,
                                                     "billed_ms": 0, "gb_seconds": 0.0,
                                                     "sleep_s": 0.0, "api_calls": 0})
        entry["invocations"] += 1
        entry["errors"] += wake.error is not None
        entry["billed_ms"] += wake.billed_ms
        entry["gb_seconds"] = round(entry["gb_seconds"] + wake.gb_seconds, 6)
        entry["sleep_s"] = round(entry["sleep_s"] + wake.sleep_s, 3)
        entry["api_calls"] += sum(wake.calls.values())
    return functions


def build(state: Run, wall_seconds: float | None = None) -> dict[str, Any]:
    account = state.stack.account
    start = state.start
    names = {state.stack.functions[LAUNCH_FUNCTION]: "launch function",
             state.stack.functions[TERMINATE_FUNCTION]: "terminate function"}

    def rel(t: float | None) -> float | None:
        return None if t is None else round(t - start, 3)

    per_wakeup = [sum(w.calls.values()) for w in account.metrics.wakeups]
    actions = sorted(state.actions.values(), key=lambda a: a.start)
    violations = state.checker.violations
    declared = state.timeline.faults if state.timeline is not None else []
    drains = outcomes.drain_timeouts(account, state.stack.functions[TERMINATE_FUNCTION])
    outcome = outcomes.judge(state.scenario.expect, violations, state.finished, drains, declared)
    expected = {b["invariant"]: b["reason"] for b in outcome.expected_breaks}
    rows = [{"instance": a.instance_id, "hook": _kind(a.transition), "hook_name": a.hook,
             "start": rel(a.start), "end": rel(a.end), "result": a.result,
             "completed_by": completed_by(a.completed_by, names), "heartbeats": a.heartbeats}
            for a in actions]
    tally = Counter((r["hook"], r["result"] or "waiting", r["completed_by"] or "-") for r in rows)
    return {
        "scenario": state.scenario.name,
        "description": state.scenario.description,
        "passed": not outcome.problems,
        "problems": outcome.problems,
        "finished": state.finished,
        "wall_seconds": None if wall_seconds is None else round(wall_seconds, 2),
        "simulated_seconds": round(state.end - start, 3),
        "ready_after_s": rel(state.ready_at),
        "lifecycle_actions": rows,
        "lifecycle_summary": [{"hook": hook, "result": result, "by": by, "count": count}
                              for (hook, result, by), count in sorted(tally.items())],
        "api_calls": sum(account.metrics.calls.values()),
        "api_calls_by_operation": dict(sorted(account.metrics.calls.items())),
        "wakeups": {"count": len(per_wakeup),
                    "api_calls_mean": round(mean(per_wakeup), 3) if per_wakeup else 0.0,
                    "api_calls_max": max(per_wakeup, default=0)},
        "lambda": _functions(account),
        "handler_errors": [{**e, "first_at": rel(e["first_at"])}
                           for e in outcomes.handler_errors(account)],
        "faults": [{**f, "armed_at": rel(f["armed_at"])} for f in outcome.faults],
        "drain_timeouts": outcome.drain_timeouts,
        "expected_breaks": outcome.expected_breaks,
        "timeline": _timeline(state, rel, names),
        "final_state": final_state(account, state.stack.group),
        "invariants": [
            {"name": name, "description": text,
             "held": not any(v.invariant == name for v in violations),
             "expected_break": expected.get(name),
             "violations": [{"t": rel(v.time), "detail": v.detail}
                            for v in violations if v.invariant == name]}
            for name, text in INVARIANTS.items()],
    }


def _kind(transition: str) -> str:
    return "launch" if transition.endswith("LAUNCHING") else "terminate"


def _timeline(state: Run, rel: Any, names: dict[str, str]) -> list[dict[str, Any]]:
    account = state.stack.account
    entries: list[tuple[float, str]] = list(state.notes)
    for a in state.actions.values():
        entries.append((a.start, f"{_kind(a.transition)} hook holds {a.instance_id}"))
        if a.end is not None:
            who = completed_by(a.completed_by, names) or "-"
            entries.append((a.end, f"{_kind(a.transition)} hook on {a.instance_id}: "
                                   f"{a.result} by {who}"))
    entries += [(float(str(f["time"])), fault_in_words(f)) for f in account.faults.fired]
    entries += [(v.time, f"INVARIANT BROKEN {v.invariant}: {v.detail}")
                for v in state.checker.violations]
    entries.sort(key=lambda entry: entry[0])
    return [{"t": rel(t), "time": iso_time(t), "event": text} for t, text in entries]


def final_state(account: SimAccount, group_name: str) -> dict[str, Any]:
    """The group's instances by lifecycle state and image, and each service's counts."""
    group = account.autoscaling.groups[group_name]
    ecs = account.ecs
    assert isinstance(ecs, EcsBackend)
    images = Counter(account.ec2.instances[m.instance_id].image_id
                     for m in group.instances.values() if m.instance_id in account.ec2.instances)
    return {
        "group": {"name": group.name, "desired": group.desired},
        "instances": dict(Counter(m.state for m in group.instances.values())),
        "images": dict(images),
        "services": [{"name": h.name, "desired": h.desired_count, "running": h.running_count,
                      "steady": h.steady} for h in ecs.service_health()],
        "lambda_retries_discarded": len(account.lambda_.discarded),
    }
