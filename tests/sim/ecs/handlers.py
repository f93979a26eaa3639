"""Lambda handlers the simulated account runs in the ECS tests."""

from __future__ import annotations

from typing import Any

import boto3


def drain(event: dict[str, Any], context: Any) -> None:
    """Set the container instance in the event to DRAINING."""
    boto3.client("ecs").update_container_instances_state(
        cluster=event["cluster"], containerInstances=[event["arn"]], status="DRAINING")
