"""What a gate is (the launch and the terminate function differ only in it), the runtime it wakes
up in, and the one Auto Scaling look both make: which of these instances wait on our hook.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import boto3
from botocore.config import Config as BotoConfig

from .aws import Clients
from .config import Config
from .events import InstanceTrigger, LifecycleTrigger
from .logs import log_line
from .model import Decision
from .observe import Target

WARM_POOL = "WarmPool"
# Both hooks hold an instance entering (launch) or returning to (terminate) a warm pool in this
# state (Amazon EC2 Auto Scaling User Guide, "Use lifecycle hooks with a warm pool").
WARM_POOL_WAIT = "Warmed:Pending:Wait"
IN_SERVICE = "InService"


class Observation(Protocol):
    @property
    def waited_s(self) -> float: ...


@dataclass(frozen=True)
class Gate:
    """What differs between the launch and the terminate function."""

    name: str
    transition: str
    wait_state: str
    hook_of: Callable[[Config], str]
    # Cheap filter on ECS events before any API call: (event, config, now) -> worth a look.
    relevant: Callable[[InstanceTrigger, Config, float], bool]
    observe: Callable[[Clients, Config, Target, float], Any]
    decide: Callable[[Any, Config], Decision]
    on_sweep: Callable[[Clients, Config, float], None] | None = None  # bounded housekeeping
    # Why a lifecycle event cannot be decided yet (no call is made for it), or None to look.
    too_early: Callable[[LifecycleTrigger], str | None] | None = None
    # Instances the sweep hands to a finishing chain (given the group's lifecycle states), and
    # what a finishing link decides for one: the launch gate's owed signals (owed_signals.py).
    owed: Callable[[Clients, Config, dict[str, str]], list[str]] | None = None
    finish: Callable[[Any, Config], Decision] | None = None

    @property
    def wait_states(self) -> tuple[str, str]:
        return (self.wait_state, WARM_POOL_WAIT)


def _now() -> float:
    return time.time()  # looked up per call, so a patched clock (the simulator's) is honoured


def fan_out_client() -> Any:
    """The Lambda client the sweep fans out with. entry.py makes one per runtime, at the cold
    start, as it does the other clients: AWS advises creating SDK clients outside the handler
    (Lambda Developer Guide, "Best practices for working with AWS Lambda functions")."""
    return boto3.client("lambda", config=BotoConfig(
        retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5, read_timeout=10))


def self_invoker(client: Any) -> Callable[[list[dict[str, Any]]], bool]:
    """The sweep's fan-out: queue asynchronous invocations of the running function.

    The invoker answers False when not running in Lambda (a direct call, a test): the caller
    then works in place.
    """
    def invoke_self(payloads: list[dict[str, Any]]) -> bool:
        name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        if not name:
            return False
        for payload in payloads:
            client.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps(payload).encode())
        return True
    return invoke_self


def work_in_place(payloads: list[dict[str, Any]]) -> bool:
    """No fan-out (a runtime built by hand, as tests do): the caller works in place."""
    return False


@dataclass(frozen=True)
class Runtime:
    config: Config
    clients: Clients
    clock: Callable[[], float] = _now
    invoke: Callable[[list[dict[str, Any]]], bool] = field(default=work_in_place)


def ignore(gate: Gate, runtime: Runtime, trigger: str, reason: str) -> None:
    log_line({"function": gate.name, "asg": runtime.config.asg_name, "hook": gate.hook_of(runtime.config),
              "decision": "ignored", "reason": reason, "trigger": trigger})


def wait_states(runtime: Runtime, instance_ids: Sequence[str]) -> dict[str, str]:
    """Lifecycle state of each of these instances that belongs to our group (one call, ≤ 50 ids)."""
    found = runtime.clients.autoscaling.describe_auto_scaling_instances(InstanceIds=list(instance_ids))
    return {item["InstanceId"]: str(item.get("LifecycleState", ""))
            for item in found.get("AutoScalingInstances", [])
            if item.get("AutoScalingGroupName") == runtime.config.asg_name}


def sweep_target(instance_id: str, state: str) -> Target:
    """An instance Auto Scaling just said waits in `state`."""
    return Target(instance_id, destination=WARM_POOL if state == WARM_POOL_WAIT else None, from_sweep=True,
                  verified=True)


def checked(gate: Gate, runtime: Runtime, instance_id: str, trigger: str) -> list[Target]:
    """The instance as a verified sweep target, if Auto Scaling says it waits on our hook."""
    state = wait_states(runtime, [instance_id]).get(instance_id)
    if state not in gate.wait_states:
        ignore(gate, runtime, trigger, f"{instance_id} is {state or 'not in our group'}, "
                f"not waiting on the {gate.name} hook")
        return []
    return [sweep_target(instance_id, state)]
