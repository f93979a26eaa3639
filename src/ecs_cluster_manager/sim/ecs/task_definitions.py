"""Task definitions: RegisterTaskDefinition, DescribeTaskDefinition, List, Deregister.

The reservation a task makes on an EC2 instance is the task-level cpu/memory when given,
otherwise the sum over containers of `cpu` and of `memory` (or `memoryReservation`); on EC2
each container needs one of those two when the task has no task-level memory
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html).
`stopTimeout` defaults to 30 s (ECS_CONTAINER_STOP_TIMEOUT,
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-agent-config.html).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from ecs_cluster_manager.sim.errors import AwsError

from . import pagination, serialize
from .model import TaskDefinition
from .state import EcsState

_UNITS = re.compile(r"^\s*([0-9.]+)\s*(vcpu|gb)?\s*$", re.IGNORECASE)


def register(state: EcsState, params: dict[str, Any]) -> dict[str, Any]:
    family = params["family"]
    containers = params["containerDefinitions"]
    if not containers:
        raise AwsError("ClientException", "Container list cannot be empty.")
    task_memory = _amount(params.get("memory"), 1024)
    if task_memory is None:
        for c in containers:
            if "memory" not in c and "memoryReservation" not in c:
                raise AwsError(
                    "ClientException",
                    f"Invalid setting for container '{c.get('name')}'. At least one of 'memory' "
                    "or 'memoryReservation' must be specified.",
                )
    cpu = _amount(params.get("cpu"), 1024)
    if cpu is None:
        cpu = sum(int(c.get("cpu", 0)) for c in containers)
    memory = task_memory
    if memory is None:
        memory = sum(int(c.get("memory", c.get("memoryReservation", 0))) for c in containers)
    revisions = state.task_definitions.setdefault(family, [])
    revision = len(revisions) + 1
    body = copy.deepcopy(params)
    body.pop("tags", None)
    definition = TaskDefinition(
        family=family,
        revision=revision,
        arn=state.arn(f"task-definition/{family}:{revision}"),
        cpu=cpu,
        memory=memory,
        stop_timeout_s=float(
            max(c.get("stopTimeout", state.timings.default_stop_timeout_s) for c in containers)
        ),
        registered_at=state.now(),
        body=body,
    )
    revisions.append(definition)
    return {"taskDefinition": as_dict(definition), "tags": params.get("tags", [])}


def _amount(raw: str | None, per_unit: int) -> int | None:
    """'256', '1 vCPU', '2 GB' -> CPU units or MiB."""
    if raw is None:
        return None
    match = _UNITS.match(str(raw))
    if match is None:
        raise AwsError("ClientException", f"Invalid cpu or memory value: {raw}.")
    number = float(match.group(1))
    return int(number * per_unit) if match.group(2) else int(number)


def as_dict(definition: TaskDefinition) -> dict[str, Any]:
    out = copy.deepcopy(definition.body)
    out.update({
        "taskDefinitionArn": definition.arn,
        "family": definition.family,
        "revision": definition.revision,
        "status": definition.status,
        "compatibilities": ["EC2"],
        "registeredAt": serialize.as_datetime(definition.registered_at),
    })
    out.setdefault("networkMode", "bridge")
    out.setdefault("volumes", [])
    out.setdefault("placementConstraints", [])
    out.setdefault("requiresAttributes", [])
    return out


def resolve(state: EcsState, ref: str) -> TaskDefinition:
    """'family', 'family:3' or an ARN; a bare family means its latest ACTIVE revision."""
    name = ref.split("task-definition/", 1)[-1]
    family, _, revision = name.partition(":")
    revisions = state.task_definitions.get(family, [])
    if revision:
        if revision.isdigit() and 1 <= int(revision) <= len(revisions):
            return revisions[int(revision) - 1]
    else:
        active = [d for d in revisions if d.status == "ACTIVE"]
        if active:
            return active[-1]
    raise AwsError("ClientException", "Unable to describe task definition.")


def describe(state: EcsState, params: dict[str, Any]) -> dict[str, Any]:
    definition = resolve(state, params["taskDefinition"])
    return {"taskDefinition": as_dict(definition), "tags": []}


def deregister(state: EcsState, params: dict[str, Any]) -> dict[str, Any]:
    definition = resolve(state, params["taskDefinition"])
    definition.status = "INACTIVE"
    return {"taskDefinition": as_dict(definition)}


def list_definitions(state: EcsState, params: dict[str, Any]) -> dict[str, Any]:
    status = params.get("status", "ACTIVE")
    prefix = params.get("familyPrefix")
    arns = [
        d.arn
        for family, revisions in state.task_definitions.items()
        if prefix is None or family.startswith(prefix)
        for d in revisions
        if d.status == status
    ]
    if params.get("sort") == "DESC":
        arns.reverse()
    return pagination.page(arns, params, "taskDefinitionArns")
