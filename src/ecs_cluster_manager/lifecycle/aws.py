"""boto3 clients for one runtime, and how to read AWS errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError


@dataclass(frozen=True)
class Clients:
    autoscaling: Any
    ecs: Any
    ec2: Any
    cloudformation: Any

    @classmethod
    def from_boto3(cls, max_attempts: int = 3) -> Clients:
        # Standard retry mode retries throttling with backoff; a few attempts keep a wake-up short.
        config = BotoConfig(retries={"mode": "standard", "max_attempts": max_attempts})
        make = boto3.client
        return cls(
            autoscaling=make("autoscaling", config=config),
            ecs=make("ecs", config=config),
            ec2=make("ec2", config=config),
            cloudformation=make("cloudformation", config=config),
        )


def error_code(error: BaseException) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code", ""))
    return ""


def error_message(error: BaseException) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Message", ""))
    return str(error)


def is_no_active_action(error: BaseException) -> bool:
    """Auto Scaling's answer when the action was already completed or timed out.

    Amazon EC2 Auto Scaling User Guide, "Complete a lifecycle action": the call fails with
    ValidationError "No active Lifecycle Action found with instance ID i-...".
    """
    return error_code(error) == "ValidationError" and "No active Lifecycle Action" in error_message(error)


def is_instance_not_found(error: BaseException) -> bool:
    return error_code(error) in ("InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed")
