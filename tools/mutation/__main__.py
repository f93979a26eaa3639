"""`python -m tools.mutation`: mutate the lifecycle modules and run their unit tests on each mutant.

Exit 0 when every module reaches --min-rate and every survivor is listed as equivalent in
docs/reliability.md; 1 otherwise; 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from . import report
from .equivalents import equivalent_ids
from .mutants import SOURCE_DIR, Mutant, mutants_of, source_of
from .runner import Result, measure_coverage, run_mutants

MODULES = ("decide_terminate", "decide_launch", "timing", "events", "act", "drain_record", "config",
           "leftovers", "checks", "observe")


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.mutation", description=__doc__)
    parser.add_argument("modules", nargs="*", default=list(MODULES),
                        help=f"lifecycle modules (default: {', '.join(MODULES)})")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2)")
    parser.add_argument("--min-rate", type=float, default=90.0, help="required killed %% per module")
    parser.add_argument("--only", default="", help="comma-separated mutant ids to run (others skipped)")
    parser.add_argument("--list", action="store_true", help="list the mutants without running them")
    parser.add_argument("--json", type=Path, help="write every result to this file")
    parser.add_argument("--progress", type=Path, default=Path(".mutation/progress.jsonl"),
                        help="one JSON line per finished mutant")
    parser.add_argument("--coverage", type=Path, default=Path(".mutation/coverage.json"),
                        help="which test runs which line; reused while sources and tests are unchanged")
    args = parser.parse_args(argv)
    unknown = [m for m in args.modules if not (Path(SOURCE_DIR) / f"{m}.py").exists()]
    if unknown:
        known = ", ".join(MODULES)
        parser.error(f"no module {', '.join(unknown)} in {SOURCE_DIR}; use one of {known}")
    return args


def _progress_to(path: Path) -> Callable[[Result], None]:
    """Prints a mark per finished mutant and appends its result to `path`, to follow a long run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("", encoding="utf-8")

    def progress(result: Result) -> None:
        mark = {"killed": ".", "timeout": "T", "survived": "S", "error": "E"}[result.outcome]
        print(mark, end="", flush=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(json.dumps(_as_json(result)) + "\n")
    return progress


def _as_json(r: Result) -> dict[str, object]:
    return {"id": r.mutant.id, "module": r.mutant.module, "line": r.mutant.line, "scope": r.mutant.scope,
            "kind": r.mutant.kind, "description": r.mutant.description, "outcome": r.outcome,
            "seconds": r.seconds, "cpu": r.cpu}


def main(argv: list[str] | None = None) -> int:
    args = _arguments(sys.argv[1:] if argv is None else argv)
    root = Path.cwd()
    chosen: list[Mutant] = []
    for module in args.modules:
        chosen += mutants_of(module, source_of(module, root))
    if args.only:
        wanted = set(args.only.split(","))
        chosen = [m for m in chosen if m.id in wanted]
    if args.list:
        for m in chosen:
            print(f"{m.id}  {m.module}:{m.line} in {m.scope}: [{m.kind}] {m.description}")
        return 0
    started = time.monotonic()
    modules = sorted({m.module for m in chosen})
    args.coverage.parent.mkdir(parents=True, exist_ok=True)
    coverage, seconds = measure_coverage(root, args.coverage)
    print(f"traced the unmutated tests in {seconds:.0f} s; {len(chosen)} mutants of {', '.join(modules)}, "
          f"{args.jobs} at a time", flush=True)
    results = run_mutants(chosen, root, coverage, jobs=args.jobs, timeout=max(300.0, 3 * seconds),
                          progress=_progress_to(args.progress))
    cpu = sum(r.cpu for r in results)
    print(f"\nfinished in {time.monotonic() - started:.0f} s ({cpu:.0f} CPU seconds in the mutants)\n")
    listed = equivalent_ids(root)
    table = report.scores(results, set(listed))
    print("\n".join(report.table_lines(table)))
    survivors = report.survivor_lines(results, set(listed))
    if survivors:
        print("\nsurvivors (kill them with a test, or list them in docs/reliability.md as equivalent):")
        print("\n".join(survivors))
    stale = report.stale_equivalents(results, set(listed))
    if stale:
        print(f"\nlisted as equivalent but killed now (remove from docs/reliability.md): {', '.join(stale)}")
    if args.json:
        args.json.write_text(json.dumps([_as_json(r) for r in results], indent=1), encoding="utf-8")
    failing = [s.module for s in table if s.rate < args.min_rate]
    if failing:
        print(f"\nbelow {args.min_rate:.0f} % killed: {', '.join(failing)}")
    return 1 if failing or survivors or any(r.outcome == "error" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
