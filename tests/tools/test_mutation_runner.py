"""The mutation runner: the import hook, test selection, the equivalents list and the score."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
from tools.mutation import hook, report
from tools.mutation.coverage import IMPORT_TIME
from tools.mutation.equivalents import HEADING, equivalent_ids
from tools.mutation.mutants import Mutant
from tools.mutation.runner import Result, Worker, request_for, selected_tests

ROOT = Path(__file__).resolve().parents[2]


def _mutant(id_: str = "0000000a", module: str = "timing", line: int = 10, statement_line: int = 9) -> Mutant:
    return Mutant(id_, module, 0, line, statement_line, "f", "compare", "a < b -> a <= b")


def test_the_hook_serves_the_mutated_source_and_leaves_the_file_alone(tmp_path: Path) -> None:
    name = "ecm_mutation_probe"
    path = tmp_path / f"{name}.py"
    path.write_text("VALUE = 1\n", encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        hook.install(name, "VALUE = 2\n", str(path))
        module = importlib.import_module(name)
        assert module.VALUE == 2 and module.__file__ == str(path)
        assert path.read_text(encoding="utf-8") == "VALUE = 1\n"
        with pytest.raises(RuntimeError, match="already imported"):
            hook.install(name, "VALUE = 3\n", str(path))
    finally:
        sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, hook.MutantFinder)]
        sys.modules.pop(name, None)
        sys.path.remove(str(tmp_path))


def test_a_mutant_runs_only_the_tests_that_run_its_lines_own_tests_first() -> None:
    coverage = {"timing": {"9": ["tests/lifecycle/test_routing.py::t1"],
                           "10": ["tests/lifecycle/test_timing.py::t2", "tests/lifecycle/test_routing.py::t1"],
                           "11": ["tests/lifecycle/test_events.py::t3"]}}
    assert selected_tests(_mutant(), coverage, ROOT) == [["tests/lifecycle/test_routing.py::t1",
                                                     "tests/lifecycle/test_timing.py::t2"]]
    assert selected_tests(_mutant(line=20, statement_line=20), coverage, ROOT) == []


def test_a_line_run_at_import_time_runs_the_own_tests_then_the_whole_suite() -> None:
    coverage = {"drain_record": {"5": [IMPORT_TIME]}}
    own, everything = selected_tests(_mutant(module="drain_record", line=5, statement_line=5), coverage, ROOT)
    assert own[0] == "tests/lifecycle/test_pinned_drain_record.py"
    assert "tests/lifecycle/test_drain_record.py" in own and everything == ["tests/lifecycle"]


def test_equivalents_are_read_from_their_table_only(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "reliability.md").write_text(
        "| timing | `0000000b` | not a table we read |\n"
        f"{HEADING}\n\n| module | id | where | mutation | why |\n|---|---|---|---|---|\n"
        "| timing | `0000000a` | f | a < b -> a <= b | a == b cannot happen: b is odd |\n"
        "\n## Next section\n| timing | `0000000c` | f | x | y |\n", encoding="utf-8")
    assert equivalent_ids(tmp_path) == {"0000000a": "a == b cannot happen: b is odd"}


def test_the_score_sets_equivalents_aside_and_counts_timeouts_as_killed() -> None:
    results = [Result(_mutant("0000000a"), "survived", 1.0), Result(_mutant("0000000b"), "killed", 1.0),
               Result(_mutant("0000000c"), "timeout", 9.0), Result(_mutant("0000000d"), "survived", 1.0)]
    [score] = report.scores(results, {"0000000a"})
    assert (score.mutants, score.killed, score.equivalent, score.survived) == (4, 2, 1, 1)
    assert score.rate == pytest.approx(200 / 3) and score.raw_rate == 50.0
    assert report.survivor_lines(results, {"0000000a"}) == [
        "  0000000d  timing:10 in f: a < b -> a <= b"]
    assert report.stale_equivalents(results, {"0000000b", "0000000a", "ffffffff"}) == ["0000000b"]


@pytest.mark.slow
def test_a_worker_tells_killed_survived_and_timed_out_mutants_apart() -> None:
    path = ROOT / "src/ecs_cluster_manager/lifecycle/timing.py"
    source = path.read_text(encoding="utf-8")
    tests = ["tests/lifecycle/test_decide_terminate.py::test_heartbeat_once_per_interval_from_the_earliest_known_start"]
    broken = source.replace("now - reset_at >= heartbeat_interval_s", "now - reset_at < heartbeat_interval_s")
    worker = Worker(ROOT)
    try:
        outcomes = [worker.run(request_for("timing", text, ROOT, timeout, tests))["outcome"]
                    for text, timeout in ((source, 120), (broken, 120), ("while True:\n    pass\n", 2))]
    finally:
        worker.close()
    assert outcomes == ["survived", "killed", "timeout"]
