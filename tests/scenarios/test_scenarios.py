"""The project's lifecycle functions pass every scenario; unsafe functions are caught."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ecs_cluster_manager.cli.main import main
from ecs_cluster_manager.sim.scenario import report, runner, spec
from ecs_cluster_manager.sim.scenario.provision import LAUNCH_FUNCTION, TERMINATE_FUNCTION

HERE = Path(__file__).parent
SCENARIOS = sorted(HERE.glob("*.yaml"))
NAIVE = "tests.scenarios.naive_handlers"


@pytest.mark.slow
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_our_functions_keep_every_invariant(scenario: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["simulate", str(scenario), "--output", "json"])
    report = json.loads(capsys.readouterr().out)
    broken = [(i["name"], i["violations"][:2]) for i in report["invariants"] if i["violations"]]
    assert broken == []
    assert report["finished"]
    assert code == 0
    assert report["lifecycle_actions"]
    assert all(a["completed_by"] != "timeout" for a in report["lifecycle_actions"])
    assert all(s["steady"] for s in report["final_state"]["services"])


def test_faults_in_the_fault_scenarios_really_fire(capsys: pytest.CaptureFixture[str]) -> None:
    fired = {}
    for name in ("fault-crash-invocation", "fault-drop-lifecycle-event", "fault-throttle"):
        main(["simulate", str(HERE / f"{name}.yaml"), "--output", "json"])
        report = json.loads(capsys.readouterr().out)
        fired[name] = [e["event"] for e in report["timeline"] if "fault fired" in e["event"]]
    assert sum("'crash'" in e for e in fired["fault-crash-invocation"]) == 4
    assert sum("drop-event" in e for e in fired["fault-drop-lifecycle-event"]) == 2
    assert any("throttle" in e for e in fired["fault-throttle"])


def test_functions_that_complete_at_once_break_the_invariants(
        capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["simulate", str(HERE / "replace-3.yaml"), "--output", "json",
                 "--launch-handler", f"{NAIVE}:launch",
                 "--terminate-handler", f"{NAIVE}:terminate"])
    report = json.loads(capsys.readouterr().out)
    broken = {i["name"] for i in report["invariants"] if i["violations"]}
    assert code == 1
    assert not report["passed"]
    assert {"launch-continue-before-ready", "terminate-continue-with-live-tasks",
            "task-stopped-by-termination"} <= broken


def test_a_bad_scenario_or_handler_is_a_usage_error(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("timeline:\n  - at: 5\n    explode: {}\n")
    assert main(["simulate", str(bad)]) == 2
    assert "timeline[0]" in capsys.readouterr().err
    assert main(["simulate", str(HERE / "scale-out.yaml"),
                 "--launch-handler", "no_such_module:handler"]) == 2
    assert "cannot load a handler" in capsys.readouterr().err


def _timeout_run(expected: int) -> dict[str, Any]:
    scenario = spec.parse({
        "name": "functions that never answer", "duration": "2h",
        "lifecycle": {"parameters": {"LifecycleHookHeartbeatTimeout": 300}},
        "cluster": {"instances": 1, "services": [{"name": "web", "count": 1}]},
        "expect": {"timeouts": expected}})
    handlers = {LAUNCH_FUNCTION: f"{NAIVE}.ignore", TERMINATE_FUNCTION: f"{NAIVE}.ignore"}
    return report.build(runner.run(scenario, handlers))


def test_actions_that_time_out_break_invariant_5_unless_expected() -> None:
    strict = _timeout_run(expected=0)
    timed_out = [a for a in strict["lifecycle_actions"] if a["completed_by"] == "timeout"]
    assert timed_out
    assert all(a["end"] - a["start"] == pytest.approx(300) for a in timed_out)
    assert all(a["result"] == "ABANDON" for a in timed_out)  # the template's DefaultResult
    broken = {i["name"]: len(i["violations"]) for i in strict["invariants"] if i["violations"]}
    assert broken == {"action-timed-out": len(timed_out)}
    lenient = _timeout_run(expected=1000)
    assert all(not i["violations"] for i in lenient["invariants"])
