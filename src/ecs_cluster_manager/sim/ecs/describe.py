"""The shape every ECS Describe* call shares: at most `limit` references, each found one
rendered, each unknown one reported as a MISSING failure with its full ARN (Amazon ECS API
Reference, DescribeContainerInstances / DescribeServices / DescribeTasks, `failures`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ecs_cluster_manager.sim.errors import AwsError

from .state import ClusterIndex, EcsState

T = TypeVar("T")


def describe_each(
    state: EcsState,
    index: ClusterIndex,
    refs: list[str],
    *,
    member: str,
    kind: str,
    limit: int,
    lookup: Callable[[str], T | None],
    render: Callable[[T], dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    if len(refs) > limit:
        raise AwsError("InvalidParameterException", f"{member} can have at most {limit} items.")
    found, failures = [], []
    for ref in refs:
        item = lookup(ref)
        if item is None:
            arn = ref if ref.startswith("arn:") else state.arn(f"{kind}/{index.cluster.name}/{ref}")
            failures.append({"arn": arn, "reason": "MISSING"})
        else:
            found.append(render(item))
    return found, failures
