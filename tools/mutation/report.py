"""The kill rate per module, and the survivors a person must look at."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .runner import Result


@dataclass(frozen=True)
class ModuleScore:
    module: str
    mutants: int
    killed: int  # including timeouts: the tests did not pass
    equivalent: int
    survived: int  # not killed and not listed as equivalent
    errors: int

    @property
    def rate(self) -> float:
        """Killed among the mutants that can be killed (equivalents set aside)."""
        killable = self.mutants - self.equivalent - self.errors
        return 100.0 * self.killed / killable if killable else 100.0

    @property
    def raw_rate(self) -> float:
        return 100.0 * self.killed / self.mutants if self.mutants else 100.0


def scores(results: Iterable[Result], equivalent: set[str]) -> list[ModuleScore]:
    by_module: dict[str, list[Result]] = defaultdict(list)
    for result in results:
        by_module[result.mutant.module].append(result)
    table = []
    for module, found in sorted(by_module.items()):
        killed = sum(r.outcome in ("killed", "timeout") for r in found)
        alive = [r for r in found if r.outcome == "survived"]
        listed = sum(r.mutant.id in equivalent for r in alive)
        errors = sum(r.outcome == "error" for r in found)
        table.append(ModuleScore(module, len(found), killed, listed, len(alive) - listed, errors))
    return table


def table_lines(table: list[ModuleScore]) -> list[str]:
    lines = ["| module | mutants | killed | equivalent | survived | errors | killed % (of killable) "
             "| killed % (all) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for s in table:
        lines.append(f"| {s.module} | {s.mutants} | {s.killed} | {s.equivalent} | {s.survived} | {s.errors} "
                     f"| {s.rate:.1f} | {s.raw_rate:.1f} |")
    return lines


def survivor_lines(results: Iterable[Result], equivalent: set[str]) -> list[str]:
    return [f"  {r.mutant.id}  {r.mutant.module}:{r.mutant.line} in {r.mutant.scope}: {r.mutant.description}"
            for r in results if r.outcome == "survived" and r.mutant.id not in equivalent]


def stale_equivalents(results: Iterable[Result], equivalent: set[str]) -> list[str]:
    """Ids listed as equivalent whose mutant the tests now kill (or that no longer exist)."""
    alive = {r.mutant.id for r in results if r.outcome == "survived"}
    ran = {r.mutant.id for r in results}
    return sorted(i for i in equivalent if i in ran and i not in alive)
