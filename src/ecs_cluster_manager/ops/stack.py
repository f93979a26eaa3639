"""What a deployed stack knows, read from its outputs and resources (never from naming rules).

Outputs exist only once a create has completed; while it runs (or after it failed) the physical
ids come from the stack's resources, found by resource type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from ecs_cluster_manager.ops.failures import OperationFailed
from ecs_cluster_manager.ops.session import Clients


class StackNotFound(OperationFailed):
    """No stack of that name (or id) in the account and Region."""


@dataclass(frozen=True)
class StackRefs:
    name: str
    stack_id: str
    status: str
    reason: str
    cluster: str | None
    group: str | None
    launch_function: str | None
    terminate_function: str | None
    log_groups: tuple[str, ...]
    parameters: dict[str, str] = field(default_factory=dict)
    resolved: dict[str, str] = field(default_factory=dict)  # SSM-typed parameters' values


def describe_stack(clients: Clients, stack: str) -> dict[str, Any] | None:
    """DescribeStacks for one stack name or id; None when there is no such stack."""
    try:
        stacks = clients("cloudformation").describe_stacks(StackName=stack)["Stacks"]
    except ClientError as error:
        # CloudFormation answers a missing stack with ValidationError "... does not exist".
        if "does not exist" in str(error.response.get("Error", {}).get("Message", "")):
            return None
        raise
    return dict(stacks[0]) if stacks else None


def _by_type(clients: Clients, stack_id: str) -> dict[str, list[str]]:
    pages = clients("cloudformation").get_paginator("list_stack_resources").paginate(
        StackName=stack_id)
    found: dict[str, list[str]] = {}
    for page in pages:
        for resource in page["StackResourceSummaries"]:
            if resource.get("PhysicalResourceId"):
                found.setdefault(resource["ResourceType"], []).append(
                    resource["PhysicalResourceId"])
    return found


def _function_name(arn: str | None) -> str | None:
    return None if arn is None else arn.rsplit(":", 1)[-1]


def read_stack(clients: Clients, stack: str) -> StackRefs:
    """The stack's status and the names of what it deployed; StackNotFound if it is gone."""
    described = describe_stack(clients, stack)
    if described is None:
        raise StackNotFound(f"no stack {stack!r} in {clients.region}: check --stack-name "
                            "(or ECM_STACK_NAME) and --region.")
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}
    resources = _by_type(clients, described["StackId"])

    def one(output: str, resource_type: str) -> str | None:
        if output in outputs:
            return str(outputs[output])
        candidates = resources.get(resource_type, [])
        return candidates[0] if len(candidates) == 1 else None

    log_groups = tuple(outputs[k] for k in ("LaunchLogGroupName", "TerminateLogGroupName")
                       if k in outputs) or tuple(resources.get("AWS::Logs::LogGroup", []))
    parameters = described.get("Parameters", [])
    return StackRefs(
        name=described["StackName"], stack_id=described["StackId"],
        status=described["StackStatus"], reason=described.get("StackStatusReason", ""),
        cluster=one("ClusterName", "AWS::ECS::Cluster"),
        group=one("AutoScalingGroupName", "AWS::AutoScaling::AutoScalingGroup"),
        launch_function=_function_name(outputs.get("LaunchFunctionArn")),
        terminate_function=_function_name(outputs.get("TerminateFunctionArn")),
        log_groups=log_groups,
        parameters={p["ParameterKey"]: p.get("ParameterValue", "") for p in parameters},
        resolved={p["ParameterKey"]: p["ResolvedValue"] for p in parameters
                  if "ResolvedValue" in p},
    )
