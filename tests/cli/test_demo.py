"""`ecm demo` (what `make demo` runs) end to end: exit 0, every invariant held, in seconds."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from ecs_cluster_manager.cli.main import main
from ecs_cluster_manager.demo.checks import DEMO_INVARIANTS
from ecs_cluster_manager.sim.scenario.invariants import INVARIANTS

ALL_INVARIANTS = len(INVARIANTS) + len(DEMO_INVARIANTS)


def test_demo_passes_with_every_invariant_held(capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert time.monotonic() - started < 60
    assert "ecm demo: PASSED" in out
    assert out.count("[held]") == ALL_INVARIANTS and "BROKEN" not in out
    for phase in ("deploy", "workloads", "ami-roll", "scale-out", "scale-in", "bad-ami"):
        assert f"[ok] {phase}" in out
    assert "Received 1 FAILURE signal(s) out of 1" in out  # the bad AMI's launch gate
    assert "UPDATE_ROLLBACK_COMPLETE" in out


def test_demo_json_report_has_phases_actions_and_invariants(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--output", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["passed"] is True
    assert [p["stack_status"] for p in report["phases"]] == [
        "CREATE_COMPLETE", "CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_COMPLETE",
        "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE"]
    results = {(a["phase"], a["hook"], a["result"]) for a in report["lifecycle_actions"]}
    assert ("bad-ami", "launch", "ABANDON") in results
    assert ("ami-roll", "terminate", "CONTINUE") in results
    assert all(i["held"] for i in report["invariants"]) and len(report["invariants"]) == ALL_INVARIANTS
    assert set(report["final_state"]["images"]) == {"ami-0a1b2c3d4e5f60002"}


def test_a_malformed_stack_scenario_is_a_usage_error(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "bad.yaml"
    scenario.write_text("phases:\n  - name: x\n    steps: [reboot_everything]\n"
                        "    expect: UPDATE_COMPLETE\n")
    assert main(["demo", "--scenario", str(scenario)]) == 2
    error = capsys.readouterr().err
    assert f"{scenario}:3:13: phases[0].steps[0]: Input should be 'create_stack'" in error
    assert '(got "reboot_everything")' in error
