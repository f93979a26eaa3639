"""The scenario report for people: what failed and why first, then the figures."""

from __future__ import annotations

from typing import Any

DEFAULT_TIMELINE_LINES = 40


def counts_text(counts: dict[str, Any]) -> str:
    """`{"InService": 3}` for people: "3 InService" (shared with the demo's summary)."""
    return ", ".join(f"{value} {key}" for key, value in counts.items()) or "none"


def summary(report: dict[str, Any], timeline_lines: int | None = DEFAULT_TIMELINE_LINES) -> str:
    """`timeline_lines` None shows the whole timeline; a cut is always said, with its size."""
    took = "" if report.get("wall_seconds") is None else \
        f" in {report['wall_seconds']} s of wall time"
    ready = report["ready_after_s"]
    readiness = "the cluster never became ready" if ready is None else \
        f"cluster ready after {ready} s"
    lines = [f"Scenario: {report['scenario']}",
             f"Result: {'PASSED' if report['passed'] else 'FAILED'} - simulated "
             f"{report['simulated_seconds']:.0f} s{took}; {readiness}"]
    lines += [f"  problem: {p}" for p in report["problems"]]
    actions = report["lifecycle_actions"]
    lines.append(f"Lifecycle actions: {len(actions)} (hook, result, completed by: count)")
    lines += [f"  {row['hook']:<9} {row['result']:<8} {row['by']}: {row['count']}"
              for row in report["lifecycle_summary"]]
    wakeups = report["wakeups"]
    lines.append(f"Wake-ups: {wakeups['count']}, API calls per wake-up: mean "
                 f"{wakeups['api_calls_mean']}, max {wakeups['api_calls_max']}")
    for name, entry in report["lambda"].items():
        lines.append(f"  {name}: {entry['invocations']} invocations, {entry['errors']} errors, "
                     f"{entry['gb_seconds']:.3f} GB-s billed, {entry['sleep_s']:.0f} s asleep")
    lines += _errors(report["handler_errors"])
    top = sorted(report["api_calls_by_operation"].items(), key=lambda kv: -kv[1])[:8]
    lines.append(f"API calls: {report['api_calls']} (" +
                 ", ".join(f"{op} {n}" for op, n in top) + ")")
    lines += _faults(report)
    final = report["final_state"]
    lines.append(f"Final group: desired {final['group']['desired']}; instances "
                 f"{counts_text(final['instances'])}; images {counts_text(final['images'])}")
    lines += [f"  service {s['name']}: {s['running']}/{s['desired']} running, "
              f"{'steady' if s['steady'] else 'not steady'}" for s in final["services"]]
    lines += _invariants(report["invariants"])
    lines += _timeline(report["timeline"], timeline_lines)
    return "\n".join(lines)


def _errors(errors: list[dict[str, Any]]) -> list[str]:
    if not errors:
        return []
    lines = [f"Handler errors (first {len(errors)} distinct):"]
    for error in errors:
        lines.append(f"  {error['function']}: {error['error']} ({error['count']} times, "
                     f"first at t={error['first_at']})")
        lines += [f"    {line}" for line in error["traceback"]]
    return lines


def _faults(report: dict[str, Any]) -> list[str]:
    lines = []
    if report["faults"]:
        lines.append("Faults declared:")
        lines += [f"  [{'fired' if f['fired'] else 'NEVER'}] {f['step']}"
                  + (f" ({f['fired']} times)" if f["fired"] else "") for f in report["faults"]]
    for drain in report["drain_timeouts"]:
        lines.append(f"Drain timeout: {drain['instance']} ended {drain['result']}: "
                     f"{drain['reason']}")
    return lines


def _invariants(invariants: list[dict[str, Any]]) -> list[str]:
    lines = ["Invariants:"]
    for invariant in invariants:
        broken = invariant["violations"]
        expected = invariant.get("expected_break")
        mark = "held" if invariant["held"] else ("expected" if expected else "FAIL")
        lines.append(f"  [{mark}] {invariant['description']}")
        if expected:
            lines.append(f"         by design: {expected}")
        lines += [f"         t={v['t']}: {v['detail']}" for v in broken[:5]]
        if len(broken) > 5:
            lines.append(f"         ... and {len(broken) - 5} more (--output json has all)")
    return lines


def _timeline(entries: list[dict[str, Any]], limit: int | None) -> list[str]:
    shown = entries if limit is None else entries[:limit]
    header = f"Timeline ({len(entries)} entries" + (
        ")" if len(shown) == len(entries) else
        f", the first {len(shown)} shown; --timeline all shows every one)")
    lines = [header]
    lines += [f"  t={e['t'] if e['t'] is not None else '-':>9}  {e['event']}" for e in shown]
    if len(shown) < len(entries):
        lines.append(f"  ... {len(entries) - len(shown)} more entries")
    return lines

