"""Stack scenarios: the project's template deployed with given parameters, then stack updates
(`ecm demo --scenario FILE`); every invariant must hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecs_cluster_manager.cli.main import main

SCENARIOS = sorted(Path(__file__).parent.glob("*.yaml"))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_stack_scenario_keeps_every_invariant(scenario: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["demo", "--scenario", str(scenario), "--output", "json"])
    report = json.loads(capsys.readouterr().out)
    broken = [(i["name"], i["violations"][:2]) for i in report["invariants"] if not i["held"]]
    assert broken == []
    assert [p["stack_status"] for p in report["phases"]] == \
        [p["expected_status"] for p in report["phases"]]
    assert code == 0
