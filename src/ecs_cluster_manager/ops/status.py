"""`status`: one snapshot of the stack, its group, every instance and every service.

What blocks a held instance comes from the drain record the terminate function keeps in the
instance's tags (`ecm:drain-started`, `ecm:drain-services`) and from the functions' last decision
line in their logs (`decisions`, filled by the logs reader when the caller passes it).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from ecs_cluster_manager.ops import cluster_reads
from ecs_cluster_manager.ops.logs import last_decisions
from ecs_cluster_manager.ops.session import Clients
from ecs_cluster_manager.ops.stack import StackRefs, read_stack
from ecs_cluster_manager.ops.stack_status import classify

WAIT_STATES = ("Pending:Wait", "Terminating:Wait", "Warmed:Pending:Wait")
DRAIN_STARTED_TAG = "ecm:drain-started"  # written by the terminate function (drain_record.py)


@dataclass(frozen=True)
class InstanceRow:
    instance_id: str
    zone: str
    state: str
    image_id: str | None
    template_version: str | None
    container_status: str | None
    agent_connected: bool | None
    running_tasks: int | None
    waiting_s: float | None
    blocked_by: str | None


@dataclass(frozen=True)
class ServiceRow:
    name: str
    running: int
    desired: int
    steady: bool


@dataclass(frozen=True)
class Snapshot:
    stack: str
    status: str
    outcome: str
    reason: str
    last_event: str | None
    group: str | None
    sizes: dict[str, int] | None  # min, desired, max
    instances: list[InstanceRow] = field(default_factory=list)
    services: list[ServiceRow] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def held(self) -> list[InstanceRow]:
        return [i for i in self.instances if i.state in WAIT_STATES]


def last_event_text(clients: Clients, stack_id: str) -> str | None:
    events = clients("cloudformation").describe_stack_events(StackName=stack_id)["StackEvents"]
    if not events:
        return None
    event = events[0]  # newest first
    reason = event.get("ResourceStatusReason")
    return (f"{event['LogicalResourceId']} {event['ResourceStatus']}"
            + (f": {reason}" if reason else ""))


def _seconds_since(clients: Clients, when: Any) -> float | None:
    if isinstance(when, datetime):
        return max(0.0, clients.now() - when.timestamp())
    return None


def _blocked(state: str, tags: dict[str, str], container: dict[str, Any] | None,
             decision: str | None) -> str | None:
    if decision:
        return decision
    if state.startswith("Pending"):
        if container is None:
            return "not registered with ECS yet"
        if not container.get("agentConnected"):
            return "ECS agent not connected"
        return None
    if state.startswith("Terminating") and container is not None:
        running = int(container.get("runningTasksCount", 0))
        pending = int(container.get("pendingTasksCount", 0))
        if running or pending:
            return f"{running + pending} task(s) still on it"
        if DRAIN_STARTED_TAG in tags:
            return "waiting for its services to be steady"
    return None


def instance_rows(clients: Clients, refs: StackRefs, group: dict[str, Any],
                  decisions: dict[str, str]) -> list[InstanceRow]:
    members = group.get("Instances", [])
    ids = [m["InstanceId"] for m in members]
    ec2 = cluster_reads.ec2_instances(clients, ids)
    containers = {c.get("ec2InstanceId"): c
                  for c in cluster_reads.container_instances(clients, refs.cluster)}
    starts = cluster_reads.activity_starts(clients, group["AutoScalingGroupName"]) if any(
        m["LifecycleState"] in WAIT_STATES for m in members) else {}
    rows = []
    for member in members:
        instance_id = member["InstanceId"]
        described = ec2.get(instance_id, {})
        tags = {t["Key"]: t["Value"] for t in described.get("Tags", [])}
        container = containers.get(instance_id)
        state = member["LifecycleState"]
        waiting = state in WAIT_STATES
        rows.append(InstanceRow(
            instance_id=instance_id, zone=member["AvailabilityZone"], state=state,
            image_id=described.get("ImageId"),
            template_version=member.get("LaunchTemplate", {}).get("Version"),
            container_status=container.get("status") if container else None,
            agent_connected=container.get("agentConnected") if container else None,
            running_tasks=container.get("runningTasksCount") if container else None,
            waiting_s=_seconds_since(clients, starts.get(instance_id)) if waiting else None,
            blocked_by=_blocked(state, tags, container, decisions.get(instance_id))
            if waiting else None))
    return sorted(rows, key=lambda r: (r.state, r.instance_id))


def snapshot(clients: Clients, stack: str, *, read_logs: bool = True) -> Snapshot:
    """The stack right now; with `read_logs`, what blocks a held instance includes the
    functions' last decision about it."""
    refs = read_stack(clients, stack)
    described_group = cluster_reads.group(clients, refs.group)
    sizes = rows = None
    if described_group is not None:
        sizes = {"min": described_group["MinSize"], "desired": described_group["DesiredCapacity"],
                 "max": described_group["MaxSize"]}
        held = any(m["LifecycleState"] in WAIT_STATES for m in described_group["Instances"])
        decisions = last_decisions(clients, refs) if read_logs and held else {}
        rows = instance_rows(clients, refs, described_group, decisions)
    services = [ServiceRow(s["serviceName"], s["runningCount"], s["desiredCount"],
                           cluster_reads.is_steady(s))
                for s in cluster_reads.services(clients, refs.cluster)]
    return Snapshot(stack=refs.name, status=refs.status, outcome=classify(refs.status).value,
                    reason=refs.reason, last_event=last_event_text(clients, refs.stack_id),
                    group=refs.group, sizes=sizes, instances=rows or [], services=services)
