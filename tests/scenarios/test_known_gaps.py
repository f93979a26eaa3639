"""Scenarios the project's functions fail today, kept so the gap stays visible: each is
expected to fail (strictly: the day a gap is closed this test fails, and the scenario moves up
to tests/scenarios/ with the others). docs/reliability.md lists them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecs_cluster_manager.sim.scenario import report, runner, spec

GAPS = sorted((Path(__file__).parent / "gaps").glob("*.yaml"))
WHY = {
}


@pytest.mark.slow
@pytest.mark.parametrize("path", GAPS, ids=[p.stem for p in GAPS])
def test_known_gap_still_fails(path: Path) -> None:
    result = report.build(runner.run(spec.load(path)))
    if result["passed"]:
        pytest.fail(f"{path.stem} passes now: move it to tests/scenarios/ and out of "
                    "docs/reliability.md's gaps")
    assert result["problems"], WHY[path.stem]


def test_every_gap_says_why() -> None:
    assert {p.stem for p in GAPS} == set(WHY)
