"""`ecm package`: write the two Lambda zips and print their sha256 (sha256sum format), or
upload them under content-addressed keys and print the parameters that point at them."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ecs_cluster_manager.cli import render
from ecs_cluster_manager.cli.aws_options import add_aws_options, aws_command, clients
from ecs_cluster_manager.errors import UserError
from ecs_cluster_manager.ops.upload import parameter_overrides, parse_s3_url, upload_packages
from ecs_cluster_manager.packaging import write_packages


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "package",
        help="build the lifecycle function zips (and upload them)",
        description=(
            "Build ecs-lifecycle-hook-launch.zip and ecs-lifecycle-hook-terminate.zip. "
            "The same sources always give byte-identical zips. With --upload, put them in S3 "
            "under content-addressed keys (an existing key is skipped) and print the "
            "parameters that point the stack at them."
        ),
    )
    parser.add_argument("--output-dir", type=Path, help="directory to write the zips into")
    parser.add_argument(
        "--content-addressed",
        action="store_true",
        help="name each zip <name>-<sha256 prefix>.zip, so a code change gets a new S3 key "
        "and a stack update really replaces the function code",
    )
    parser.add_argument("--upload", metavar="s3://BUCKET[/PREFIX]",
                        help="upload the zips there (content-addressed keys)")
    add_aws_options(parser, stack=False)
    parser.set_defaults(func=aws_command(run))


def run(args: argparse.Namespace) -> int:
    if args.upload is None and args.output_dir is None:
        raise UserError("say where the zips go: --output-dir DIR or --upload s3://BUCKET.")
    if args.output_dir is not None:
        for built in write_packages(args.output_dir, content_addressed=args.content_addressed):
            print(f"{built.sha256}  {built.path}")
    if args.upload is not None:
        bucket, prefix = parse_s3_url(args.upload)
        uploaded = upload_packages(clients(args), bucket, prefix)
        for item in uploaded:
            verb = "already there" if item.skipped else "uploaded"
            render.progress(f"{verb}: s3://{bucket}/{item.key} (sha256 {item.sha256[:12]})")
        overrides = parameter_overrides(uploaded, bucket)
        if args.output == "json":
            render.print_json([{"ParameterKey": k, "ParameterValue": v}
                               for k, v in overrides.items()])
        else:
            for key, value in overrides.items():
                print(f"ParameterKey={key},ParameterValue={value}")
    return 0
