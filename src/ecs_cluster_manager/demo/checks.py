"""The demo's invariants: the scenario runner's five, and three about the whole story."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecs_cluster_manager.demo.phases import PhaseResult
from ecs_cluster_manager.sim.scenario.invariants import INVARIANTS, InvariantChecker

DEMO_INVARIANTS = {
    "stack-outcomes": "every stack operation ended as expected (complete, or rolled back for "
                      "the bad AMI)",
    "quiet-after-each-phase": "after every phase all instances are InService and every "
                              "service is steady",
    "rollback-lost-no-task": "no task lost in a rollback: every task running before it still "
                             "runs, unless a drain stopped it (and its service replaced it)",
}


@dataclass
class InvariantResult:
    name: str
    description: str
    violations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def held(self) -> bool:
        return not self.violations


def evaluate(checker: InvariantChecker, phases: list[PhaseResult], start: float,
             lost_in_rollback: list[str]) -> list[InvariantResult]:
    results = [InvariantResult(name, text, [
        {"t": round(v.time - start, 3), "detail": v.detail}
        for v in checker.violations if v.invariant == name]) for name, text in INVARIANTS.items()]
    outcomes = InvariantResult("stack-outcomes", DEMO_INVARIANTS["stack-outcomes"], [
        {"t": round(p.end - start, 3),
         "detail": f"{p.name}: stack {p.stack_status}, expected {p.expected_status}"}
        for p in phases if p.stack_status != p.expected_status])
    quiet = InvariantResult("quiet-after-each-phase", DEMO_INVARIANTS["quiet-after-each-phase"], [
        {"t": round(p.end - start, 3), "detail": f"{p.name} did not settle"}
        for p in phases if not p.quiet])
    lost = InvariantResult("rollback-lost-no-task", DEMO_INVARIANTS["rollback-lost-no-task"], [
        {"t": None, "detail": f"task {arn.rsplit('/', 1)[-1]} no longer running"}
        for arn in lost_in_rollback])
    return [*results, outcomes, quiet, lost]
