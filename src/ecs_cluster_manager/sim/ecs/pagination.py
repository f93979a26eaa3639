"""maxResults/nextToken paging for the List* operations.

List operations return at most `maxResults` items (1-100, default 100; ListServices defaults
to 10) and an opaque `nextToken` for the rest
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListContainerInstances.html).
The token here encodes an offset into the (insertion-ordered) result list.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any

from ecs_cluster_manager.sim.errors import AwsError


def page(
    items: Sequence[str], params: dict[str, Any], key: str, default_size: int = 100
) -> dict[str, Any]:
    size = params.get("maxResults", default_size)
    if not 1 <= size <= 100:
        raise AwsError(
            "InvalidParameterException", "maxResults can be between 1 and 100."
        )
    start = _decode(params["nextToken"]) if params.get("nextToken") else 0
    out: dict[str, Any] = {key: list(items[start : start + size])}
    if start + size < len(items):
        out["nextToken"] = _encode(start + size)
    return out


def _encode(offset: int) -> str:
    return base64.urlsafe_b64encode(f"sim-ecs:{offset}".encode()).decode()


def _decode(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
        prefix, offset = text.split(":", 1)
        if prefix != "sim-ecs":
            raise ValueError(prefix)
        return int(offset)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise AwsError("InvalidParameterException", "Invalid token.") from exc
