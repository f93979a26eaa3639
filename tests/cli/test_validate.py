"""`ecm validate`: one line per check, exit 1 when any fails, 2 for an unreadable file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecs_cluster_manager.cli.main import main
from ecs_cluster_manager.sim.project_stack import example_parameters


def parameter_file(tmp_path: Path, **changes: str) -> Path:
    entries = [{"ParameterKey": p["ParameterKey"],
                "ParameterValue": changes.get(p["ParameterKey"], p["ParameterValue"])}
               for p in example_parameters()]
    path = tmp_path / "parameters.json"
    path.write_text(json.dumps(entries))
    return path


def test_offline_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--offline", "--parameters", str(parameter_file(tmp_path))]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and all(line.startswith("ok ") for line in lines)


def test_offline_failure_says_what_to_do(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = parameter_file(tmp_path, ClusterSize="3", ClusterMaxSize="3")
    assert main(["validate", "--offline", "--parameters", str(path)]) == 1
    out = capsys.readouterr().out
    assert ("FAIL ClusterMaxSize > ClusterSize: ClusterMaxSize 3 is not above ClusterSize 3"
            in out)
    assert "-> set ClusterMaxSize to at least 4" in out


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = parameter_file(tmp_path, LambdaFunctionRole="team/lifecycle")
    assert main(["validate", "--offline", "--output", "json", "--parameters", str(path)]) == 1
    checks = {c["check"]: c for c in json.loads(capsys.readouterr().out)}
    assert checks["role and profile names"]["ok"] is False
    assert checks["parameter names"]["ok"] is True


@pytest.mark.parametrize(("content", "expected"), [
    ("{not json", "is not JSON"),
    ('[{"ParameterKey": "ClusterSize", "ParameterValue": 2}]', "0.ParameterValue"),
    ('[{"ParameterKey": "A", "ParameterValue": "1"}, {"ParameterKey": "A", '
     '"ParameterValue": "2"}]', "sets A twice"),
])
def test_unreadable_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          content: str, expected: str) -> None:
    path = tmp_path / "p.json"
    path.write_text(content)
    assert main(["validate", "--offline", "--parameters", str(path)]) == 2
    err = capsys.readouterr().err
    assert expected in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
