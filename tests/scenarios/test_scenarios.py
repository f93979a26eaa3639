"""The project's functions pass every scenario; what a scenario declares is checked, not trusted."""

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


def _simulate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["simulate", *args, "--output", "json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.slow
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_our_functions_pass_every_scenario(scenario: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, result = _simulate(capsys, str(scenario))
    assert result["problems"] == []
    assert code == 0
    assert result["passed"] and result["lifecycle_actions"]
    unexpected = [i["name"] for i in result["invariants"]
                  if not i["held"] and not i["expected_break"]]
    assert unexpected == []
    assert all(f["fired"] > 0 for f in result["faults"])


def _quick(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "name": "two instances, one replaced", "duration": "2h",
        "cluster": {"instances": 2, "services": [{"name": "web", "count": 2,
                                                  "minimum_healthy_percent": 50}]},
        "timeline": [{"at": 10, "replace_all": {}}]}
    document.update(changes)
    return document


def _run(document: dict[str, Any], handlers: dict[str, str] | None = None) -> dict[str, Any]:
    return report.build(runner.run(spec.parse(document), handlers))


def test_a_declared_fault_that_never_fires_fails_the_run() -> None:
    result = _run(_quick(timeline=[
        {"at": 0, "throttle": {"operation": "ecs:DeleteCluster", "calls": 1}},
        {"at": 10, "replace_all": {}}]))
    assert not result["passed"]
    assert result["problems"] == ["fault never fired: throttle operation=ecs:DeleteCluster "
                                  "calls=1"]
    assert result["faults"][0]["fired"] == 0


def test_the_throttle_scenario_really_throttles_complete_lifecycle_action(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, result = _simulate(capsys, str(HERE / "fault-throttle.yaml"))
    fired = {f["step"]: f["fired"] for f in result["faults"]}
    assert fired["throttle operation=autoscaling:CompleteLifecycleAction calls=2"] == 2
    assert fired["throttle operation=ecs:ListTasks calls=5"] == 5
    assert code == 0


def test_functions_that_complete_at_once_break_the_invariants(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, result = _simulate(capsys, str(HERE / "replace-3.yaml"),
                             "--launch-handler", f"{NAIVE}:launch",
                             "--terminate-handler", f"{NAIVE}:terminate")
    broken = {i["name"] for i in result["invariants"] if not i["held"]}
    assert code == 1
    assert not result["passed"]
    assert {"launch-continue-before-ready", "terminate-continue-with-live-tasks",
            "task-stopped-by-termination"} <= broken


def _never_answering(expect: dict[str, Any]) -> dict[str, Any]:
    document = _quick(lifecycle={"parameters": {"LifecycleHookHeartbeatTimeout": 300}},
                      cluster={"instances": 1, "services": [{"name": "web", "count": 1}]},
                      timeline=[], expect=expect)
    ignore = f"{NAIVE}.ignore"
    return _run(document, {LAUNCH_FUNCTION: ignore, TERMINATE_FUNCTION: ignore})


def test_actions_that_time_out_fail_unless_the_scenario_expects_them() -> None:
    strict = _never_answering({})
    timed_out = [a for a in strict["lifecycle_actions"] if a["completed_by"] == "timeout"]
    assert timed_out
    assert all(a["end"] - a["start"] == pytest.approx(300) for a in timed_out)
    assert all(a["result"] == "ABANDON" for a in timed_out)  # the template's DefaultResult
    broken = {i["name"]: len(i["violations"]) for i in strict["invariants"] if not i["held"]}
    assert broken == {"action-timed-out": len(timed_out)}
    assert not strict["passed"]
    reason = "functions that never answer leave every action to the hook's timeout"
    expected = _never_answering({"finished": False, "breaks": [
        {"invariant": "action-timed-out", "count": len(timed_out), "reason": reason}]})
    assert expected["passed"], expected["problems"]
    assert expected["expected_breaks"][0]["met"]
    inverted = _never_answering({"finished": False, "breaks": [
        {"invariant": "action-timed-out", "count": 99, "reason": reason}]})
    assert inverted["problems"] == [f"expected action-timed-out to break 99 time(s) ({reason}); "
                                    f"it broke {len(timed_out)} time(s)"]


def test_an_expected_break_that_does_not_happen_fails_the_run() -> None:
    result = _run(_quick(expect={"breaks": [
        {"invariant": "task-stopped-by-termination", "reason": "claimed but never happens"}]}))
    assert result["problems"] == ["expected task-stopped-by-termination to break at least "
                                  "once (claimed but never happens); it broke 0 time(s)"]


def test_a_handler_that_raises_shows_why_in_text_and_json(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(json.dumps(_quick(cluster={"instances": 1}, timeline=[])))
    code, result = _simulate(capsys, str(scenario), "--launch-handler", f"{NAIVE}:broken")
    errors = result["handler_errors"]
    assert code == 1
    assert [e["error"] for e in errors] == ["KeyError: 'no-such-key'"]
    assert errors[0]["count"] >= 1
    assert any("naive_handlers.py" in line for line in errors[0]["traceback"])
    assert main(["simulate", str(scenario), "--launch-handler", f"{NAIVE}:broken"]) == 1
    text = capsys.readouterr().out
    assert "Handler errors (first 1 distinct):" in text
    assert "KeyError: 'no-such-key'" in text
    assert "naive_handlers.py" in text


def test_an_action_cut_short_by_an_out_of_band_termination_shows_as_cancelled(
        capsys: pytest.CaptureFixture[str]) -> None:
    # a launch gate that never completes: the operator's termination is what ends the action
    # (Auto Scaling's health check skips Terminating:* instances, so only a launch is cut short)
    code, result = _simulate(capsys, str(HERE / "launch-out-of-band-termination.yaml"),
                             "--launch-handler", f"{NAIVE}:ignore")
    terminated = [entry["event"].split()[0] for entry in result["timeline"]
                  if "terminated through EC2" in entry["event"]]
    rows = [row for row in result["lifecycle_actions"] if row["instance"] in terminated]
    assert [(row["result"], row["completed_by"]) for row in rows] == [
        ("CANCELLED", "instance-terminated")]
    assert {"hook": "launch", "result": "CANCELLED", "by": "instance-terminated",
            "count": 1} in result["lifecycle_summary"]
    assert code == 1  # the other actions time out: nothing completes them


def test_an_instance_is_named_by_launch_order() -> None:
    result = _run(_quick(timeline=[
        {"at": 10, "terminate_instance": {"instance": {"launched": 2}}}],
        expect={"breaks": [{"invariant": "task-stopped-by-termination",
                            "reason": "terminated outside Auto Scaling"}]}))
    launched = [row["instance"] for row in result["lifecycle_actions"] if row["hook"] == "launch"]
    assert "terminate_instance instance=launched:2" in [f["step"] for f in result["faults"]]
    assert any(f"{launched[1]} terminated through EC2" in entry["event"]
               for entry in result["timeline"])
    assert result["passed"]


def test_launch_order_zero_is_refused() -> None:
    with pytest.raises(spec.ScenarioError, match=r"timeline\[0\]\.terminate_instance\.instance"):
        spec.parse(_quick(timeline=[{"at": 0, "terminate_instance": {
            "instance": {"launched": 0}}}]))
