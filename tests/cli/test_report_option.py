"""`--report FILE.html` on `ecm simulate` and `ecm watch`, and `ecm report`: the page is written,
and a bad path is a one-line error before anything runs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ecs_cluster_manager.cli.main import main
from ecs_cluster_manager.picture.as_json import iso
from ecs_cluster_manager.sim.project_stack import ProjectStack
from tests.cli.harness import SECOND_AMI, Ecm

ROLL = Path(__file__).parents[1] / "picture" / "roll-two.yaml"


def test_simulate_writes_the_page_and_says_where(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "roll.html"
    assert main(["simulate", str(ROLL), "--report", str(page)]) == 0
    out = capsys.readouterr().out
    assert f"report: {page}" in out
    text = page.read_text(encoding="utf-8")
    assert "a two-instance roll" in text and "completed by launch function" in text


def test_with_json_output_stdout_stays_json(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "roll.html"
    assert main(["simulate", str(ROLL), "--output", "json", "--report", str(page)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["passed"] is True
    assert f"report: {page}" in captured.err
    assert page.is_file()


@pytest.mark.parametrize(("name", "expected"), [
    ("missing/roll.html", "does not exist"),
    (".", "is a directory"),
])
def test_a_bad_report_path_is_one_line_exit_2_before_the_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, expected: str) -> None:
    assert main(["simulate", str(ROLL), "--report", str(tmp_path / name)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing ran
    (line,) = captured.err.splitlines()
    assert line.startswith("ecm: --report ") and expected in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_directory_is_refused(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert main(["simulate", str(ROLL), "--report", str(locked / "r.html")]) == 2
    finally:
        locked.chmod(0o700)
    assert "not writable" in capsys.readouterr().err


def test_watch_writes_the_rollout_page_from_history(ecm: Ecm, project: ProjectStack,
                                                    tmp_path: Path) -> None:
    """The window opens with the update being watched, before the watch started."""
    before = set(project.account.autoscaling.groups["ecm-dev-ecs"].instances)
    project.publish_ami(SECOND_AMI)
    project.update()
    project.account.clock.run_for(30)  # the roll is under way when the watch starts
    page = tmp_path / "watched.html"
    ran = ecm("watch", "--stack-name", "ecm-dev", "--poll", "5", "--report", str(page))
    assert ran.code == 0, ran.err
    assert f"report: {page}" in ran.err
    text = page.read_text(encoding="utf-8")
    after = set(project.account.autoscaling.groups["ecm-dev-ecs"].instances)
    for instance in before | after:  # the drained ones and their replacements
        assert instance in text
    assert "ecm-dev UPDATE_IN_PROGRESS" in text and "completed by terminate function" in text


def test_report_text_output_and_a_bad_path(ecm: Ecm, project: ProjectStack,
                                           tmp_path: Path) -> None:
    ran = ecm("report", "--stack-name", "ecm-dev", "--since", "2h")
    assert ran.code == 0, ran.err
    lines = ran.out.splitlines()
    assert lines[0].startswith("ecm-dev: rollout history from ") and "2 instances" in lines[0]
    assert "  launch CONTINUE by launch function: 2" in lines
    bad = ecm("report", "--stack-name", "ecm-dev", "--report", str(tmp_path / "no" / "r.html"))
    assert bad.code == 2 and bad.out == ""
    assert bad.err.startswith("ecm: --report ") and len(bad.err.splitlines()) == 1


def test_report_names_a_missing_stack_in_one_line(ecm: Ecm, project: ProjectStack) -> None:
    ran = ecm("report", "--stack-name", "nope")
    assert ran.code != 0 and len(ran.err.splitlines()) == 1 and "nope" in ran.err


def test_demo_writes_the_page_with_stack_events_phases_and_the_abandon(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "demo.html"
    scenario = Path(__file__).parents[1] / "picture" / "bad-ami-stack.yaml"
    assert main(["demo", "--scenario", str(scenario), "--output", "json",
                 "--report", str(page)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["passed"] is True
    assert f"report: {page}" in captured.err
    text = page.read_text(encoding="utf-8")
    assert "launch hook on i-" in text and ": ABANDON by launch function" in text
    assert "phase bad-ami" in text and "ecm-dev UPDATE_ROLLBACK_COMPLETE" in text
    assert "service web" in text and "launch timeout 1800s passed" in text


def test_demo_refuses_a_bad_path_before_running(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--report", str(tmp_path / "missing" / "demo.html")]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "does not exist" in captured.err


def test_report_window_opens_with_the_latest_operation(ecm: Ecm, project: ProjectStack) -> None:
    """After an update, the default window is the update: the old instances' launches are
    before it, so their lanes open in service and end drained."""
    old = set(project.account.autoscaling.groups["ecm-dev-ecs"].instances)
    project.account.clock.run_for(3600)
    project.publish_ami(SECOND_AMI)
    updated_at = project.account.clock.now()
    project.update()
    assert project.wait() == "UPDATE_COMPLETE"
    project.account.clock.run_for(900)  # the drains end after the stack does
    ran = ecm("report", "--stack-name", "ecm-dev", "--output", "json")
    assert ran.code == 0, ran.err
    data = json.loads(ran.out)
    lanes = {lane["instance_id"]: lane for lane in data["lanes"]}
    assert old < set(lanes) and len(lanes) == 4
    for instance in old:
        kinds = [i["kind"] for i in lanes[instance]["intervals"]]
        assert kinds[0] == "in-service" and kinds[-1] == "terminated"
        assert [a["hook"] for a in lanes[instance]["actions"]] == ["terminate"]
    assert all(a["start"] >= iso(updated_at) for lane in data["lanes"]
               for a in lane["actions"])
