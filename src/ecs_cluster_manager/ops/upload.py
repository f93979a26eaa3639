"""Package the two zips and upload them under content-addressed keys.

A key named by the zip's sha256 never changes content, so an existing key is skipped (S3
HeadObject) and a code change always gets a new key, which is what makes CloudFormation update
the functions. Returns the parameter overrides that point the stack at the keys.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import ClientError

from ecs_cluster_manager.errors import UserError
from ecs_cluster_manager.ops.session import Clients
from ecs_cluster_manager.packaging import write_packages

ZIP_PARAMETERS = {"launch": "LifecycleLaunchFunctionZip",
                  "terminate": "LifecycleTerminateFunctionZip"}


@dataclass(frozen=True)
class Uploaded:
    kind: str
    key: str
    sha256: str
    skipped: bool  # the key was there already


def parse_s3_url(url: str) -> tuple[str, str]:
    """`s3://bucket[/prefix]` -> (bucket, prefix without slashes at either end)."""
    if not url.startswith("s3://") or not url[5:].split("/", 1)[0]:
        raise UserError(f"--upload {url!r} is not an S3 location; write s3://BUCKET[/PREFIX].")
    bucket, _, prefix = url[5:].partition("/")
    return bucket, prefix.strip("/")


def _exists(clients: Clients, bucket: str, key: str) -> bool:
    try:
        clients("s3").head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    return True


def upload_packages(clients: Clients, bucket: str, prefix: str = "") -> list[Uploaded]:
    """Build both zips and put each under `prefix/<name>-<sha256 prefix>.zip` unless present."""
    uploaded = []
    with tempfile.TemporaryDirectory(prefix="ecm-package-") as directory:
        for built in write_packages(Path(directory), content_addressed=True):
            key = f"{prefix}/{built.path.name}" if prefix else built.path.name
            skipped = _exists(clients, bucket, key)
            if not skipped:
                # One PutObject: the zips are a few kB, far below multipart sizes.
                clients("s3").put_object(Bucket=bucket, Key=key, Body=built.path.read_bytes(),
                                         ContentType="application/zip")
            uploaded.append(Uploaded(built.kind, key, built.sha256, skipped))
    return uploaded


def parameter_overrides(uploaded: list[Uploaded], bucket: str) -> dict[str, str]:
    overrides = {"DeploymentS3Bucket": bucket}
    overrides.update({ZIP_PARAMETERS[u.kind]: u.key for u in uploaded})
    return overrides
