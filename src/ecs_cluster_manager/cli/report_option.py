"""`--report FILE.html`, shared by simulate, demo, watch and report: where to write the picture.

The path is checked before anything runs, so a typo costs nothing: a missing directory, a
directory given as the file or a place we may not write is a one-line error, exit 2.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ecs_cluster_manager.errors import UserError


def add_report_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--report", type=Path, metavar="FILE.html",
                        help=f"also write {what} as one self-contained HTML page (opens offline; "
                             "see docs/report.md)")


def writable_report(path: Path | None, option: str = "--report",
                    example: str = "report.html") -> Path | None:
    """`path` if the page (or another file `option` names) can be written there (None stays
    None); else a UserError."""
    if path is None:
        return None
    directory = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UserError(f"{option} {path}: is a directory; give a file name such as "
                        f"{path / example}")
    if not directory.is_dir():
        raise UserError(f"{option} {path}: directory {directory} does not exist; create it "
                        "or choose another path")
    if not os.access(directory, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UserError(f"{option} {path}: not writable; check its permissions or choose "
                        "another path")
    return path


def report_written(path: Path) -> str:
    return f"report: {path} (open it in a browser; it loads nothing from the network)"
