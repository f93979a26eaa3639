"""Simulated Amazon S3: buckets and objects, enough to hold deployment artefacts.

Operations follow the S3 API Reference pages of the same names
(https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html):
an object's ETag is the quoted MD5 of its bytes (single-part upload, no SSE-KMS, per "Object"
in the API reference, https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html), a
PutObject to an existing key replaces it, and GetObject returns a streaming body. Error codes
follow "Error responses" (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).

HEAD requests have no response body, so HeadBucket and HeadObject fail with the bare HTTP
status as botocore reports it (code "404" / "403", API_HeadBucket.html: "If the bucket does not
exist or you do not have permission to access it, the HEAD request returns a generic 400 Bad
Request, 403 Forbidden or 404 Not Found code"); a bucket name that exists in another account
(`foreign_buckets`) answers 403 and cannot be created (BucketAlreadyExists: the namespace is
global). Buckets live in a Region (API_CreateBucket.html: outside us-east-1 a
`LocationConstraint` naming the Region is required; in us-east-1 none may be given) and
GetBucketLocation answers None for us-east-1, as botocore parses it. Versioning, ACLs, multipart
upload and storage classes are not modelled.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.response import StreamingBody

from ecs_cluster_manager.sim.backend import Backend, Params, Response, paginate
from ecs_cluster_manager.sim.clock import VirtualClock
from ecs_cluster_manager.sim.errors import AwsError


@dataclass
class StoredObject:
    key: str
    data: bytes
    last_modified: float
    content_type: str = "binary/octet-stream"
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def etag(self) -> str:
        return '"' + hashlib.md5(self.data, usedforsecurity=False).hexdigest() + '"'

    def head(self) -> dict[str, Any]:
        return {
            "ETag": self.etag,
            "ContentLength": len(self.data),
            "ContentType": self.content_type,
            "LastModified": datetime.fromtimestamp(self.last_modified, tz=UTC),
            "Metadata": dict(self.metadata),
        }


@dataclass
class Bucket:
    name: str
    created: float
    region: str = "us-east-1"
    objects: dict[str, StoredObject] = field(default_factory=dict)


def _body_bytes(body: Any) -> bytes:
    """PutObject's Body as the caller gave it: bytes, str, or a readable file object."""
    if body is None:
        return b""
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    data = body.read()
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


class S3Backend(Backend):
    service = "s3"

    def __init__(self, clock: VirtualClock, region: str) -> None:
        self.clock = clock
        self.region = region
        self.buckets: dict[str, Bucket] = {}
        self.foreign_buckets: set[str] = set()  # names other accounts own

    # -- the Python API (for tests and the demo) ------------------------------------------

    def object_bytes(self, bucket: str, key: str) -> bytes:
        return self._object(bucket, key).data

    def add_bucket(self, name: str, region: str) -> Bucket:
        """A bucket of this account in any Region (the API only creates them in its own)."""
        self.buckets[name] = Bucket(name, self.clock.now(), region)
        return self.buckets[name]

    def _bucket(self, name: str) -> Bucket:
        bucket = self.buckets.get(name)
        if bucket is None:
            if name in self.foreign_buckets:
                raise AwsError("AccessDenied", "Access Denied", 403)
            raise AwsError("NoSuchBucket", "The specified bucket does not exist", 404)
        return bucket

    def _object(self, bucket: str, key: str) -> StoredObject:
        found = self._bucket(bucket).objects.get(key)
        if found is None:
            raise AwsError("NoSuchKey", "The specified key does not exist.", 404)
        return found

    # -- operations -----------------------------------------------------------------------

    def CreateBucket(self, params: Params) -> Response:
        name = params["Bucket"]
        if name in self.buckets:
            raise AwsError("BucketAlreadyOwnedByYou",
                           "Your previous request to create the named bucket succeeded and you "
                           "already own it.", 409)
        if name in self.foreign_buckets:
            raise AwsError("BucketAlreadyExists",
                           "The requested bucket name is not available. The bucket namespace "
                           "is shared by all users of the system. Please select a different "
                           "name and try again.", 409)
        constraint = params.get("CreateBucketConfiguration", {}).get("LocationConstraint")
        if self.region == "us-east-1" and constraint is not None:
            raise AwsError("InvalidLocationConstraint",
                           "The specified location-constraint is not valid")
        if self.region not in ("us-east-1", constraint):
            raise AwsError("IllegalLocationConstraintException",
                           "The unspecified location constraint is incompatible for the "
                           "region specific endpoint this request was sent to."
                           if constraint is None else
                           f"The {constraint} location constraint is incompatible for the "
                           "region specific endpoint this request was sent to.")
        self.add_bucket(name, self.region)
        return {"Location": f"/{name}"}

    def HeadBucket(self, params: Params) -> Response:
        try:
            bucket = self._bucket(params["Bucket"])
        except AwsError as error:
            raise _bare_status(error) from None
        return {"BucketRegion": bucket.region}

    def GetBucketLocation(self, params: Params) -> Response:
        region = self._bucket(params["Bucket"]).region
        return {"LocationConstraint": None if region == "us-east-1" else region}

    def ListBuckets(self, params: Params) -> Response:
        return {"Buckets": [
            {"Name": b.name, "CreationDate": datetime.fromtimestamp(b.created, tz=UTC)}
            for b in self.buckets.values()]}

    def PutObject(self, params: Params) -> Response:
        bucket = self._bucket(params["Bucket"])
        stored = StoredObject(
            key=params["Key"], data=_body_bytes(params.get("Body")),
            last_modified=self.clock.now(),
            content_type=params.get("ContentType", "binary/octet-stream"),
            metadata=dict(params.get("Metadata", {})))
        bucket.objects[stored.key] = stored
        return {"ETag": stored.etag}

    def HeadObject(self, params: Params) -> Response:
        try:
            return self._object(params["Bucket"], params["Key"]).head()
        except AwsError as error:
            raise _bare_status(error) from None

    def GetObject(self, params: Params) -> Response:
        stored = self._object(params["Bucket"], params["Key"])
        response = stored.head()
        response["Body"] = StreamingBody(io.BytesIO(stored.data), len(stored.data))
        return response

    def DeleteObject(self, params: Params) -> Response:
        self._bucket(params["Bucket"]).objects.pop(params["Key"], None)
        return {}

    def ListObjectsV2(self, params: Params) -> Response:
        bucket = self._bucket(params["Bucket"])
        prefix = params.get("Prefix", "")
        keys = sorted(k for k in bucket.objects if k.startswith(prefix))
        limit = params.get("MaxKeys")
        page, token = paginate(keys, params.get("ContinuationToken"), limit, default=1000,
                               maximum=1000, bad_token=_bad_token)
        response: Response = {
            "Name": bucket.name, "Prefix": prefix, "KeyCount": len(page),
            "MaxKeys": 1000 if limit is None else limit, "IsTruncated": token is not None,
            "Contents": [_listing(bucket.objects[k]) for k in page],
        }
        if token:
            response["NextContinuationToken"] = token
        return response


def _listing(stored: StoredObject) -> dict[str, Any]:
    return {"Key": stored.key, "Size": len(stored.data), "ETag": stored.etag,
            "LastModified": datetime.fromtimestamp(stored.last_modified, tz=UTC),
            "StorageClass": "STANDARD"}


def _bad_token() -> AwsError:
    return AwsError("InvalidArgument", "The continuation token provided is incorrect")


def _bare_status(error: AwsError) -> AwsError:
    """A HEAD response has no body: botocore reports only the status ("404", "Not Found")."""
    reason = {403: "Forbidden", 404: "Not Found"}.get(error.http_status, "Bad Request")
    return AwsError(str(error.http_status), reason, error.http_status)
