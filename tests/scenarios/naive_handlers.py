"""Deliberately unsafe lifecycle functions: they complete every action at once.

A scenario run with these must break the invariants (the runner would be useless otherwise).
"""

from __future__ import annotations

from typing import Any

import boto3


def _complete(event: Any) -> None:
    detail = event.get("detail", {})
    if "LifecycleActionToken" not in detail:
        return  # sweeps and ECS events: nothing to do for a function this naive
    boto3.client("autoscaling").complete_lifecycle_action(
        AutoScalingGroupName=detail["AutoScalingGroupName"],
        LifecycleHookName=detail["LifecycleHookName"],
        LifecycleActionToken=detail["LifecycleActionToken"],
        LifecycleActionResult="CONTINUE")


def launch(event: Any, context: Any) -> None:
    _complete(event)


def terminate(event: Any, context: Any) -> None:
    _complete(event)


def ignore(event: Any, context: Any) -> None:
    """Never completes anything: every action ends by its timeout."""


def broken(event: Any, context: Any) -> None:
    """Raises on every event, as a customized function with a bug would."""
    _ = {"detail": event}["no-such-key"]
