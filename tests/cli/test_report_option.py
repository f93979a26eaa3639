"""`--report FILE.html` on `ecm simulate`: the page is written, and a bad path is a one-line
error before anything runs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ecs_cluster_manager.cli.main import main

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
