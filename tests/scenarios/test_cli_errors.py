"""No traceback for a user's mistake: one line, the right exit code, and nothing read from the
user's AWS configuration by simulated commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ecs_cluster_manager.cli.main import main

HERE = Path(__file__).parent
SMALL = HERE / "scale-out.yaml"


def test_a_handler_with_a_syntax_error_is_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "my_broken_gate.py").write_text("def handler(event, context)\n    pass\n")
    monkeypatch.chdir(tmp_path)
    code = main(["simulate", str(SMALL), "--launch-handler", "my_broken_gate:handler"])
    error = capsys.readouterr().err.strip()
    assert code == 2
    assert error.startswith("ecm: cannot load handler my_broken_gate:handler: SyntaxError: ")
    assert error.endswith("my_broken_gate.py, line 1)")
    assert "\n" not in error


def test_a_missing_handler_module_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(SMALL), "--launch-handler", "no_such_module:handler"]) == 2
    error = capsys.readouterr().err.strip()
    assert error == ("ecm: cannot load handler no_such_module:handler: ImportError: "
                     "No module named 'no_such_module'")


def test_a_malformed_handler_flag_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["simulate", str(SMALL), "--launch-handler", "no-colon"])
    assert exited.value.code == 2
    assert "expected MODULE:FUNCTION" in capsys.readouterr().err


def _ecm(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ecs_cluster_manager.cli.main", *args],
                          capture_output=True, text=True, env=env, check=False, timeout=300)


def test_simulate_ignores_the_users_aws_profile(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "AWS_PROFILE": "no-such-profile",
           "AWS_CONFIG_FILE": str(tmp_path / "missing-config"), "HOME": str(tmp_path)}
    done = _ecm("simulate", str(SMALL), env=env)
    assert done.stderr == ""
    assert done.returncode == 0
    assert "Result: PASSED" in done.stdout


def test_output_into_a_closed_pipe_ends_quietly() -> None:
    """As `ecm simulate ... | head -1` does once head has exited."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run([sys.executable, "-m", "ecs_cluster_manager.cli.main", "simulate",
                               str(SMALL), "--output", "json"], stdout=write_end,
                              stderr=subprocess.PIPE, text=True, check=False, timeout=300)
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 1


def test_an_unwritable_output_directory_is_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    code = main(["package", "--output-dir", str(a_file / "zips")])
    error = capsys.readouterr().err.strip()
    assert code == 1
    assert error.startswith(f"ecm: cannot use {a_file}")
    assert error.endswith("check the path and its permissions")
    assert "\n" not in error
