"""Waiting for resource signals (CreationPolicy, and rolling-update batches).

"CreationPolicy attribute"
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-creationpolicy.html):
the resource is complete once `Count` SUCCESS signals arrive within `Timeout`; a FAILURE signal
that makes MinSuccessfulInstancesPercent unreachable, or the timeout, fails it. Signals are
counted once per UniqueId (SignalResource,
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_SignalResource.html).
"""

from __future__ import annotations

import math
import re

from ecs_cluster_manager.sim.cloudformation.model import Signals, StackResource
from ecs_cluster_manager.sim.cloudformation.process import Step, Wait
from ecs_cluster_manager.sim.cloudformation.providers.base import ResourceFailed

_DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$")


def duration_s(text: str) -> float:
    """An ISO 8601 duration as CloudFormation accepts it (PT#H#M#S)."""
    match = _DURATION.match(str(text))
    if not match:
        raise ResourceFailed(f"Invalid duration {text}; use the format PT#H#M#S")
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600.0 + minutes * 60.0 + seconds


def _needed(signals: Signals, min_percent: int) -> int:
    return math.ceil(signals.expected * min_percent / 100)


def settled(signals: Signals, min_percent: int) -> bool:
    """Enough SUCCESS signals, or so many FAILUREs that enough can no longer come."""
    needed = _needed(signals, min_percent)
    return (len(signals.success) >= needed
            or len(signals.failure) > signals.expected - needed)


def await_signals(resource: StackResource, expected: int, timeout_s: float, min_percent: int,
                  timeout_reason: str) -> Step[None]:
    """Open the resource to SignalResource, wait, close it; ResourceFailed unless enough came."""
    signals = resource.signals = Signals(expected=expected)
    try:
        arrived = yield Wait(lambda: settled(signals, min_percent), timeout_s, poll_s=60.0)
    finally:
        resource.signals = None
    if len(signals.success) >= _needed(signals, min_percent):
        return
    if not arrived:
        raise ResourceFailed(timeout_reason.format(missing=expected - len(signals.success)))
    raise ResourceFailed(
        f"Received {len(signals.failure)} FAILURE signal(s) out of {expected}. Unable to "
        f"satisfy {min_percent}% MinSuccessfulInstancesPercent requirement")
