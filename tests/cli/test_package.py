"""`ecm package` writes both zips and prints sha256sum-style lines; bad input exits 2."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ecs_cluster_manager.cli.main import main
from ecs_cluster_manager.demo.clients import simulated_factory
from ecs_cluster_manager.sim.account import SimAccount
from ecs_cluster_manager.sim.project_stack import ProjectStack


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


def test_upload_puts_content_addressed_keys_once(capsys: pytest.CaptureFixture[str]) -> None:
    project = ProjectStack(SimAccount())
    project.s3.create_bucket(Bucket="deploy-bucket")
    factory = simulated_factory(project.account)
    argv = ["package", "--upload", "s3://deploy-bucket/lambda/"]
    assert main(argv, clients_factory=factory) == 0
    first = capsys.readouterr()
    overrides = dict(line.removeprefix("ParameterKey=").split(",ParameterValue=")
                     for line in first.out.splitlines())
    assert overrides["DeploymentS3Bucket"] == "deploy-bucket"
    for key in ("LifecycleLaunchFunctionZip", "LifecycleTerminateFunctionZip"):
        assert overrides[key].startswith("lambda/ecs-lifecycle-hook-")
        body = project.s3.get_object(Bucket="deploy-bucket", Key=overrides[key])["Body"].read()
        assert overrides[key].endswith(f"-{hashlib.sha256(body).hexdigest()[:12]}.zip")
    assert first.err.count("uploaded: s3://deploy-bucket/lambda/") == 2
    assert main(argv, clients_factory=factory) == 0
    assert capsys.readouterr().err.count("already there: ") == 2


def test_upload_needs_an_s3_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["package", "--upload", "deploy-bucket"]) == 2
    assert "is not an S3 location; write s3://BUCKET[/PREFIX]" in capsys.readouterr().err


def test_package_needs_a_destination(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["package"]) == 2
    assert "--output-dir DIR or --upload s3://BUCKET" in capsys.readouterr().err
