"""Deregister the container instances ECS leaves behind when their EC2 instance terminated.

"Stopped container instances or instances with disconnected agents are not automatically
deregistered when terminated" (Amazon ECS Developer Guide, "Deregister an Amazon ECS container
instance"); the launch gate's ABANDON of an instance whose agent never connected leaves exactly
these, and ECS refuses to delete a cluster that still has any (DeleteCluster,
ClusterContainsContainerInstancesException), so a stack delete or a create rollback fails.

The terminate function's sweep cleans them up after the fact, in a bounded number of calls:
ListContainerInstances with the cluster-query-language filter `agentConnected == false`
("Cluster query language"; one page of up to 100), one DescribeContainerInstances, one
DescribeInstances filtered by instance id (an id EC2 no longer knows is simply absent rather
than failing the whole call), then DeregisterContainerInstance with force for at most
MAX_PER_SWEEP of them; the next sweep takes the rest.

Only after the fact: an instance is deregistered only once EC2 says it is `terminated`, never
while it runs or is still shutting down (deregistering inside the terminate hook left instances
stuck for others: widdix/aws-cf-templates PR #276 removed it). EC2 keeps describing a terminated
instance for about an hour (Amazon EC2 User Guide, "Terminate Amazon EC2 instances"); one it no
longer describes counts as terminated only when its container instance registered more than
that hour ago, since DescribeInstances is eventually consistent for new instances.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .aws import Clients, error_code, error_message
from .config import Config
from .logs import log_line

MAX_PER_SWEEP = 5
LIST_PAGE = 100  # also DescribeContainerInstances' limit
EC2_FORGETS_AFTER_S = 3600


@dataclass(frozen=True)
class Leftover:
    arn: str
    ec2_instance_id: str
    registered_at: float | None


@dataclass(frozen=True)
class LeftoverObservation:
    now: float
    disconnected: tuple[Leftover, ...]
    ec2_states: Mapping[str, str]  # instance id -> state name, for the ids EC2 still describes


def decide_leftovers(obs: LeftoverObservation) -> tuple[str, ...]:
    """The container instances to deregister: their EC2 instance is terminated, for sure."""
    chosen: list[str] = []
    for leftover in obs.disconnected:
        state = obs.ec2_states.get(leftover.ec2_instance_id)
        forgotten = (state is None and leftover.registered_at is not None
                     and obs.now - leftover.registered_at > EC2_FORGETS_AFTER_S)
        if state == "terminated" or forgotten:
            chosen.append(leftover.arn)
    return tuple(chosen[:MAX_PER_SWEEP])


def _timestamp(value: Any) -> float | None:
    return value.timestamp() if isinstance(value, datetime) else None


def observe_leftovers(clients: Clients, config: Config, now: float) -> LeftoverObservation:
    listed = clients.ecs.list_container_instances(
        cluster=config.cluster, filter="agentConnected == false", maxResults=LIST_PAGE)
    arns = listed.get("containerInstanceArns", [])
    if not arns:
        return LeftoverObservation(now, (), {})
    described = clients.ecs.describe_container_instances(cluster=config.cluster, containerInstances=arns)
    disconnected = tuple(
        Leftover(raw["containerInstanceArn"], raw["ec2InstanceId"], _timestamp(raw.get("registeredAt")))
        for raw in described.get("containerInstances", [])
        if raw.get("ec2InstanceId") and not raw.get("agentConnected")
    )
    ids = sorted({leftover.ec2_instance_id for leftover in disconnected})
    states: dict[str, str] = {}
    if ids:
        reservations = clients.ec2.describe_instances(
            Filters=[{"Name": "instance-id", "Values": ids}]).get("Reservations", [])
        states = {raw["InstanceId"]: raw.get("State", {}).get("Name", "")
                  for reservation in reservations for raw in reservation.get("Instances", [])}
    return LeftoverObservation(now, disconnected, states)


def clean_leftovers(clients: Clients, config: Config, now: float) -> None:
    """One bounded clean-up, logged in one line; a failure is logged and left to the next sweep."""
    done: list[str] = []
    notes: list[str] = []
    try:
        for arn in decide_leftovers(observe_leftovers(clients, config, now)):
            try:
                clients.ecs.deregister_container_instance(cluster=config.cluster, containerInstance=arn,
                                                          force=True)
                done.append(f"deregistered {arn.rsplit('/', 1)[-1]}")
            except Exception as error:
                notes.append(f"could not deregister {arn.rsplit('/', 1)[-1]}: {error_code(error) or error}")
    except Exception as error:
        notes.append(f"{error_code(error) or type(error).__name__}: {error_message(error)}")
    if done or notes:
        log_line({"function": "terminate", "asg": config.asg_name, "decision": "leftovers",
                  "reason": "container instances of terminated EC2 instances", "actions": done,
                  "notes": notes, "trigger": "sweep"})
