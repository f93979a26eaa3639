"""What a run showed against what its scenario expects: invariant breaks (expected, with their
reasons, or not), drain timeouts and their results, faults that never fired, and why the
rehearsed functions failed when they did.

A run passes only when every break it shows was expected, every expected break happened, the
drain timeouts are those expected, every declared fault fired, and it finished (or was expected
not to).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ecs_cluster_manager.sim.account import SimAccount
from ecs_cluster_manager.sim.scenario.actions import DeclaredFault
from ecs_cluster_manager.sim.scenario.invariants import Violation
from ecs_cluster_manager.sim.scenario.spec import Expect

FIRST_ERRORS = 3  # distinct handler exceptions shown with their tracebacks
TRACEBACK_LINES = 12


@dataclass(frozen=True)
class Outcome:
    problems: list[str]  # why the run failed, in words; empty when it passed
    expected_breaks: list[dict[str, Any]]
    drain_timeouts: list[dict[str, Any]]
    faults: list[dict[str, Any]]


def judge(expect: Expect, violations: list[Violation], finished: bool,
          drain_timeouts: list[dict[str, Any]], faults: list[DeclaredFault]) -> Outcome:
    problems: list[str] = []
    if finished != expect.finished:
        problems.append("the run did not finish within its duration" if expect.finished
                        else "the run finished, but the scenario expects it not to")
    counts = Counter(v.invariant for v in violations)
    expected = {b.invariant: b for b in expect.breaks}
    breaks = []
    for name, wanted in expected.items():
        seen = counts.get(name, 0)
        met = seen == wanted.count if wanted.count is not None else seen > 0
        breaks.append({"invariant": name, "reason": wanted.reason, "expected_count":
                       wanted.count, "count": seen, "met": met})
        if not met:
            times = "at least once" if wanted.count is None else f"{wanted.count} time(s)"
            problems.append(f"expected {name} to break {times} ({wanted.reason}); it broke "
                            f"{seen} time(s)")
    for name, seen in counts.items():
        if name not in expected:
            problems.append(f"invariant {name} broke {seen} time(s)")
    wanted_timeouts = expect.drain_timeouts
    results = Counter(str(d["result"]) for d in drain_timeouts)
    if wanted_timeouts is None and drain_timeouts:
        problems.append(f"{len(drain_timeouts)} drain(s) ended by the drain timeout, which the "
                        "scenario does not expect")
    elif wanted_timeouts is not None and results != {wanted_timeouts.result:
                                                     wanted_timeouts.count}:
        found = ", ".join(f"{n} {r}" for r, n in sorted(results.items())) or "none"
        problems.append(f"expected {wanted_timeouts.count} drain timeout(s) ending in "
                        f"{wanted_timeouts.result}; found {found}")
    fault_rows = [{"step": f.step, "armed_at": f.at, "fired": f.times_fired()} for f in faults]
    problems += [f"fault never fired: {row['step']}" for row in fault_rows if not row["fired"]]
    return Outcome(problems, breaks, drain_timeouts, fault_rows)


def drain_timeouts(account: SimAccount, terminate_function: str) -> list[dict[str, Any]]:
    """Drains the terminate function ended because its drain timeout passed (from its decision
    log lines: decision continue or abandon, reason "drain timeout ...")."""
    found = []
    for function, _, text in account.lambda_.logs:
        if function != terminate_function:
            continue
        for line in text.splitlines():
            record = _json_object(line)
            if record is None or not str(record.get("reason", "")).startswith("drain timeout"):
                continue
            if record.get("decision") in ("continue", "abandon"):
                found.append({"instance": record.get("instance_id"),
                              "result": str(record["decision"]).upper(),
                              "reason": record["reason"]})
    return found


def _json_object(line: str) -> dict[str, Any] | None:
    if not line.startswith("{"):
        return None
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def handler_errors(account: SimAccount) -> list[dict[str, Any]]:
    """The first distinct exceptions the functions raised (by function, type and where it was
    raised), each with its count and the end of its traceback."""
    seen: dict[tuple[str, str, str], dict[str, Any]] = {}
    for invocation in account.lambda_.failures:
        error = invocation.error or "error"
        lines = _own_frames(invocation.traceback)
        origin = next((line.strip() for line in reversed(lines)
                       if line.strip().startswith("File ")), "")
        key = (invocation.function.name, error.split(":", 1)[0], origin)
        entry = seen.get(key)
        if entry is None:
            if len(seen) >= FIRST_ERRORS:
                continue
            entry = seen[key] = {"function": invocation.function.name, "error": error,
                                 "count": 0, "first_at": invocation.wake.start,
                                 "traceback": lines[-TRACEBACK_LINES:]}
        entry["count"] += 1
    return list(seen.values())


def _own_frames(traceback: str) -> list[str]:
    """The traceback without the frames of installed libraries (botocore's call machinery) and
    of the simulator's Lambda runtime: what is left is the handler's own code and the error."""
    kept: list[str] = []
    keep = True
    for line in traceback.strip().splitlines():
        if line.startswith("  File "):
            keep = "site-packages" not in line and "/sim/lambda_/" not in line
        elif not line.startswith(" "):
            keep = not line.startswith("Traceback")  # the exception's own line(s)
        if keep:
            kept.append(line)
    return kept
