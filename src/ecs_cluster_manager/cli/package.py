"""`ecm package`: write the two Lambda zips and print their sha256 (sha256sum format)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ecs_cluster_manager.packaging import write_packages


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "package",
        help="build the lifecycle function zips",
        description=(
            "Build ecs-lifecycle-hook-launch.zip and ecs-lifecycle-hook-terminate.zip. "
            "The same sources always give byte-identical zips."
        ),
    )
    parser.add_argument(
        "--output-dir", required=True, type=Path, help="directory to write the zips into"
    )
    parser.add_argument(
        "--content-addressed",
        action="store_true",
        help="name each zip <name>-<sha256 prefix>.zip, so a code change gets a new S3 key "
        "and a stack update really replaces the function code",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    for built in write_packages(args.output_dir, content_addressed=args.content_addressed):
        print(f"{built.sha256}  {built.path}")
    return 0
