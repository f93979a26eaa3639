"""Build the two Lambda zips reproducibly: same sources in, byte-identical zips out.

A zip normally records file times, the builder's umask and directory order; any of those would
change the bytes (and so the sha256) without a code change. Here every entry gets the same
timestamp (1980-01-01, the earliest a zip can hold), mode 0o644 and Unix origin, and entries
are sorted. Only the lifecycle package and the top-level `__init__.py` go in: the functions need
nothing else, and boto3 comes with the Lambda runtime.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import ecs_cluster_manager
from ecs_cluster_manager.errors import UserError

# The spec's names; the template's default S3 keys use them too.
ZIP_NAMES = {
    "launch": "ecs-lifecycle-hook-launch.zip",
    "terminate": "ecs-lifecycle-hook-terminate.zip",
}
PACKAGE = "ecs_cluster_manager"
# The handler modules named in the template (ecs_cluster_manager.lifecycle.<kind>.handler).
REQUIRED_MODULES = (
    f"{PACKAGE}/__init__.py",
    f"{PACKAGE}/lifecycle/__init__.py",
    f"{PACKAGE}/lifecycle/launch.py",
    f"{PACKAGE}/lifecycle/terminate.py",
)
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o644
HASH_PREFIX_LENGTH = 12


@dataclass(frozen=True)
class BuiltZip:
    kind: str  # "launch" or "terminate"
    path: Path
    sha256: str


def source_root() -> Path:
    """The directory that contains the `ecs_cluster_manager` package (src/ in a checkout)."""
    return Path(ecs_cluster_manager.__file__).resolve().parent.parent


def collect_sources(root: Path) -> list[str]:
    """Archive names (POSIX, relative to root) of the files that go into each zip, sorted."""
    package = root / PACKAGE
    names = [f"{PACKAGE}/__init__.py"]
    names += [
        path.relative_to(root).as_posix()
        for path in (package / "lifecycle").rglob("*.py")
        if "__pycache__" not in path.parts
    ]
    missing = [name for name in REQUIRED_MODULES if not (root / name).is_file()]
    if missing:
        raise UserError(
            f"cannot package from {root}: missing {', '.join(missing)}; "
            "run from a checkout with the lifecycle package in place."
        )
    return sorted(set(names))


def build_zip_bytes(root: Path, names: list[str]) -> bytes:
    """One deterministic zip holding `names` (read from root) in the given order."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so external_attr carries a Unix mode on every OS
            info.external_attr = (0o100000 | FILE_MODE) << 16  # regular file, rw-r--r--
            archive.writestr(info, (root / name).read_bytes(), compresslevel=9)
    return buffer.getvalue()


def zip_name(kind: str, digest: str, content_addressed: bool) -> str:
    """`ecs-lifecycle-hook-launch.zip`, or `ecs-lifecycle-hook-launch-<sha256 prefix>.zip`.

    A new S3 key per content is what makes CloudFormation update the function's code: with
    an unchanged key it sees no property change and keeps the old code.
    """
    name = ZIP_NAMES[kind]
    if not content_addressed:
        return name
    stem = name.removesuffix(".zip")
    return f"{stem}-{digest[:HASH_PREFIX_LENGTH]}.zip"


def write_packages(
    output_dir: Path, *, content_addressed: bool = False, root: Path | None = None
) -> list[BuiltZip]:
    """Write both zips into output_dir (created if needed) and return their paths and sha256."""
    root = source_root() if root is None else root
    if output_dir.exists() and not output_dir.is_dir():
        raise UserError(f"--output-dir {output_dir} exists and is not a directory; pick another.")
    output_dir.mkdir(parents=True, exist_ok=True)
    names = collect_sources(root)
    built: list[BuiltZip] = []
    for kind in ZIP_NAMES:
        data = build_zip_bytes(root, names)
        digest = hashlib.sha256(data).hexdigest()
        path = output_dir / zip_name(kind, digest, content_addressed)
        path.write_bytes(data)
        built.append(BuiltZip(kind=kind, path=path, sha256=digest))
    return built
