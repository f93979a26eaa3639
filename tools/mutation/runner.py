"""Run mutants through a few worker processes and collect what happened to each."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from queue import Empty, Queue
from typing import Any

from .coverage import IMPORT_TIME
from .mutants import SOURCE_DIR, Mutant, mutated_source, source_of

TEST_DIR = Path("tests/lifecycle")


@dataclass(frozen=True)
class Result:
    mutant: Mutant
    outcome: str  # killed | timeout | survived | error
    seconds: float
    cpu: float = 0.0


# Test files that exercise a module without being named after it.
ALSO_FIRST = {"act": ["test_adapters.py"], "timing": ["test_behaviour_launch.py"],
              "observe": ["test_behaviour_terminate.py"], "checks": ["test_decide_launch.py"]}


def module_suite(module: str, root: Path) -> list[str]:
    """The lifecycle unit tests, the module's own files first so most mutants die early (-x)."""
    def named_after(path: Path) -> bool:
        return path.stem.removeprefix("test_").removeprefix("pinned_").startswith(module)

    # The pinning tests first: they are quick and aimed at exactly these mutants.
    own = sorted((p.name for p in (root / TEST_DIR).glob("test_*.py") if named_after(p)),
                 key=lambda name: (not name.startswith("test_pinned_"), name))
    first = own + [name for name in ALSO_FIRST.get(module, []) if name not in own]
    return [str(TEST_DIR / name) for name in first] + [str(TEST_DIR)]


class Worker:
    """One long-lived worker process (tools/mutation/worker.py), one request at a time."""

    def __init__(self, root: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tools.mutation.worker"], cwd=root, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def run(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("a mutation worker exited; run `python -m tools.mutation.worker` to see why")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait()


def request_for(module: str, source: str, root: Path, timeout: float, tests: list[str]) -> dict[str, Any]:
    return {"module": f"ecs_cluster_manager.lifecycle.{module}", "source": source, "timeout": timeout,
            "path": str(root / SOURCE_DIR / f"{module}.py"), "tests": tests}


Coverage = dict[str, dict[str, list[str]]]  # module -> line -> test node ids


def _fingerprint(root: Path) -> str:
    """Changes whenever a lifecycle module or a lifecycle test changes."""
    digest = hashlib.sha1()
    for path in sorted([*(root / SOURCE_DIR).glob("*.py"), *(root / TEST_DIR).glob("*.py")]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def measure_coverage(root: Path, cache: Path) -> tuple[Coverage, float]:
    """The unmutated tests, traced: they must pass; their time bounds a mutant's timeout.

    Kept in `cache` with a fingerprint of the sources and tests, and reused while it matches.
    """
    fingerprint = _fingerprint(root)
    if cache.exists():
        kept = json.loads(cache.read_text(encoding="utf-8"))
        if kept.get("fingerprint") == fingerprint:
            return kept["coverage"], float(kept["seconds"])
    traced = cache.with_suffix(".tmp")
    request = {"source": None, "tests": [str(TEST_DIR)], "timeout": 1800,
               "coverage": {"directory": str(root / SOURCE_DIR), "output": str(traced)}}
    worker = Worker(root)
    try:
        answer = worker.run(request)
    finally:
        worker.close()
    if answer["outcome"] != "survived":
        raise RuntimeError(f"the lifecycle tests fail without any mutant ({answer}); fix them first")
    coverage: Coverage = json.loads(traced.read_text(encoding="utf-8"))
    traced.unlink()
    cache.write_text(json.dumps({"fingerprint": fingerprint, "seconds": answer["seconds"],
                                 "coverage": coverage}), encoding="utf-8")
    return coverage, float(answer["seconds"])


def selected_tests(mutant: Mutant, coverage: Coverage, root: Path) -> list[list[str]]:
    """The tests that run the mutated lines, in phases run one after the other until one fails;
    [] when no test runs them.

    A line run at import time (constants, defaults, class bodies) is used by every test: the
    module's own test files go first, and the whole suite only if the mutant survives them.
    """
    by_line = coverage.get(mutant.module, {})
    ids: set[str] = set()
    for line in range(mutant.statement_line, mutant.line + 1):
        ids.update(by_line.get(str(line), ()))
    suite = module_suite(mutant.module, root)
    if IMPORT_TIME in ids:
        return [suite[:-1], suite[-1:]] if len(suite) > 1 else [suite]
    if not ids:
        return []
    return [sorted(ids, key=lambda i: (i.split("::")[0] not in suite[:-1], "test_pinned_" not in i, i))]


def run_mutants(mutants: Iterable[Mutant], root: Path, coverage: Coverage, *, jobs: int, timeout: float,
                progress: Callable[[Result], None]) -> list[Result]:
    work: Queue[Mutant] = Queue()
    for mutant in mutants:
        work.put(mutant)
    results: list[Result] = []
    lock = threading.Lock()
    sources: dict[str, str] = {}

    def drain() -> None:
        worker = Worker(root)
        try:
            while True:
                try:
                    mutant = work.get_nowait()
                except Empty:
                    return
                if mutant.module not in sources:
                    sources[mutant.module] = source_of(mutant.module, root)
                source = mutated_source(sources[mutant.module], mutant)
                # No phase at all (no test runs the line): nothing can kill the mutant.
                result = Result(mutant, "survived", 0.0)
                for tests in selected_tests(mutant, coverage, root):
                    answer = worker.run(request_for(mutant.module, source, root, timeout, tests))
                    result = Result(mutant, str(answer["outcome"]), result.seconds + float(answer["seconds"]),
                                    result.cpu + float(answer.get("cpu", 0.0)))
                    if result.outcome != "survived":
                        break
                with lock:
                    results.append(result)
                    progress(result)
        finally:
            worker.close()

    threads = [threading.Thread(target=drain) for _ in range(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results, key=lambda r: (r.mutant.module, r.mutant.index))
