"""The Lambda zips are byte-identical on every rebuild and hold only the lifecycle package."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ecs_cluster_manager.errors import UserError
from ecs_cluster_manager.packaging import (
    FIXED_DATE_TIME,
    ZIP_NAMES,
    source_root,
    write_packages,
)


def copy_sources(destination: Path) -> Path:
    """A copy of the package tree whose files have other times, modes and build litter."""
    root = destination / "src"
    shutil.copytree(source_root() / "ecs_cluster_manager", root / "ecs_cluster_manager")
    for path in sorted(root.rglob("*")):
        if path.is_file():
            os.utime(path, (1_700_000_000, 1_700_000_000))
            path.chmod(0o755)
    litter = root / "ecs_cluster_manager" / "lifecycle" / "__pycache__"
    litter.mkdir(exist_ok=True)
    (litter / "launch.cpython-311.pyc").write_bytes(b"\x00compiled")
    (root / "ecs_cluster_manager" / "lifecycle" / "notes.txt").write_text("not code")
    return root


def build(tmp_path: Path, name: str, root: Path | None = None) -> dict[str, bytes]:
    built = write_packages(tmp_path / name, root=root)
    return {b.kind: b.path.read_bytes() for b in built}


def test_rebuilds_are_byte_identical_whatever_the_file_metadata(tmp_path: Path) -> None:
    first = build(tmp_path, "one")
    again = build(tmp_path, "two")
    elsewhere = build(tmp_path, "three", root=copy_sources(tmp_path / "copy"))
    assert first == again == elsewhere
    assert set(first) == set(ZIP_NAMES)


def test_a_code_change_changes_the_hash(tmp_path: Path) -> None:
    root = copy_sources(tmp_path / "copy")
    before = write_packages(tmp_path / "before", root=root)[0].sha256
    launch = root / "ecs_cluster_manager" / "lifecycle" / "launch.py"
    launch.write_text(launch.read_text() + "\n# changed\n")
    after = write_packages(tmp_path / "after", root=root)[0].sha256
    assert before != after


def test_zip_holds_only_the_lifecycle_package_with_fixed_metadata(tmp_path: Path) -> None:
    lifecycle = source_root() / "ecs_cluster_manager" / "lifecycle"
    modules = [p.relative_to(source_root()).as_posix() for p in lifecycle.rglob("*.py")]
    expected = ["ecs_cluster_manager/__init__.py", *modules]
    for built in write_packages(tmp_path, root=copy_sources(tmp_path / "copy")):
        assert built.sha256 == hashlib.sha256(built.path.read_bytes()).hexdigest()
        with zipfile.ZipFile(built.path) as archive:
            infos = archive.infolist()
            assert [i.filename for i in infos] == sorted(expected)
            for info in infos:
                assert info.date_time == FIXED_DATE_TIME
                assert info.external_attr >> 16 == 0o100644
                assert info.create_system == 3
            assert archive.testzip() is None


def test_unzipped_handlers_import_from_the_zip_alone(tmp_path: Path) -> None:
    built = write_packages(tmp_path / "zips")
    target = tmp_path / "task"
    with zipfile.ZipFile(built[0].path) as archive:
        archive.extractall(target)
    # Import the handlers in a fresh interpreter that sees the unzipped tree first; every
    # ecs_cluster_manager module it loads must come from there (nothing outside the zip).
    script = (
        "import sys, json; sys.path.insert(0, sys.argv[1]);"
        "import ecs_cluster_manager.lifecycle.launch as l, ecs_cluster_manager.lifecycle.terminate as t;"
        "assert callable(l.handler) and callable(t.handler);"
        "print(json.dumps({n: getattr(m, '__file__', '') or '' for n, m in sys.modules.items()"
        " if n.split('.')[0] == 'ecs_cluster_manager'}))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, str(target)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    files = json.loads(completed.stdout)
    assert "ecs_cluster_manager.lifecycle.launch" in files
    outside = {n: f for n, f in files.items() if not f.startswith(str(target))}
    assert outside == {}


def test_content_addressed_names_carry_the_hash_prefix(tmp_path: Path) -> None:
    plain = write_packages(tmp_path / "plain")
    addressed = write_packages(tmp_path / "addressed", content_addressed=True)
    for a, b in zip(plain, addressed, strict=True):
        assert a.path.name == ZIP_NAMES[a.kind]
        assert b.path.name == ZIP_NAMES[b.kind].replace(".zip", f"-{b.sha256[:12]}.zip")
        assert a.path.read_bytes() == b.path.read_bytes()


def test_missing_handler_module_is_a_clear_error(tmp_path: Path) -> None:
    root = copy_sources(tmp_path / "copy")
    (root / "ecs_cluster_manager" / "lifecycle" / "terminate.py").unlink()
    with pytest.raises(UserError, match=r"missing ecs_cluster_manager/lifecycle/terminate\.py"):
        write_packages(tmp_path / "out", root=root)


def test_output_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    occupied = tmp_path / "occupied"
    occupied.write_text("")
    with pytest.raises(UserError, match="is not a directory"):
        write_packages(occupied)
