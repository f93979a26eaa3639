"""`ecm package` writes both zips and prints sha256sum-style lines; bad input exits 2."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ecs_cluster_manager.cli.main import main


def printed(capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    lines = capsys.readouterr().out.splitlines()
    return {Path(path).name: digest for digest, path in (line.split("  ", 1) for line in lines)}


def test_package_writes_both_zips_and_prints_their_sha256(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["package", "--output-dir", str(tmp_path / "out")]) == 0
    hashes = printed(capsys)
    assert set(hashes) == {"ecs-lifecycle-hook-launch.zip", "ecs-lifecycle-hook-terminate.zip"}
    for name, digest in hashes.items():
        assert hashlib.sha256((tmp_path / "out" / name).read_bytes()).hexdigest() == digest


def test_content_addressed_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["package", "--output-dir", str(tmp_path), "--content-addressed"]) == 0
    for name, digest in printed(capsys).items():
        assert name.endswith(f"-{digest[:12]}.zip")
        assert (tmp_path / name).is_file()


def test_output_dir_that_is_a_file_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    occupied = tmp_path / "file"
    occupied.write_text("")
    assert main(["package", "--output-dir", str(occupied)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("ecm: --output-dir") and error.count("\n") == 1


def test_output_dir_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["package"])
    assert exit_info.value.code == 2
    assert "--output-dir" in capsys.readouterr().err
