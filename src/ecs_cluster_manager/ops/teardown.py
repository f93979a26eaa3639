"""Cancel an update, delete a stack, and the container instances ECS leaves behind.

"Stopped container instances or instances with disconnected agents are not automatically
deregistered when terminated" (ECS Developer Guide, "Deregister an Amazon ECS container
instance"), and a cluster that still has container instances cannot be deleted
(DeleteCluster: ClusterContainsContainerInstancesException). So before (and, if the delete
failed on them, after) deleting the stack, the container instances whose EC2 instance is gone
are deregistered with force. One still running is never touched.
"""

from __future__ import annotations

from ecs_cluster_manager.ops import cluster_reads
from ecs_cluster_manager.ops.failures import OperationFailed
from ecs_cluster_manager.ops.session import Clients
from ecs_cluster_manager.ops.stack import StackRefs, read_stack

GONE_STATES = frozenset({"shutting-down", "terminated"})


def leftover_container_instances(clients: Clients, cluster: str | None) -> list[dict[str, str]]:
    """Container instances whose EC2 instance is terminated (or no longer described)."""
    containers = cluster_reads.container_instances(clients, cluster)
    ids = [c["ec2InstanceId"] for c in containers if c.get("ec2InstanceId")]
    described = cluster_reads.ec2_instances(clients, ids)
    return [{"arn": c["containerInstanceArn"], "instance_id": c.get("ec2InstanceId", "")}
            for c in containers
            if described.get(c.get("ec2InstanceId", ""), {}).get("State", {}).get("Name",
                                                                                  "terminated")
            in GONE_STATES]


def deregister_leftovers(clients: Clients, refs: StackRefs) -> list[dict[str, str]]:
    """Deregister (force) every leftover container instance of the stack's cluster."""
    leftovers = leftover_container_instances(clients, refs.cluster)
    for leftover in leftovers:
        clients("ecs").deregister_container_instance(
            cluster=refs.cluster, containerInstance=leftover["arn"], force=True)
    return leftovers


def start_delete(clients: Clients, stack: str) -> tuple[StackRefs, list[dict[str, str]]]:
    refs = read_stack(clients, stack)
    cleaned = deregister_leftovers(clients, refs)
    clients("cloudformation").delete_stack(StackName=refs.stack_id)
    return refs, cleaned


def start_cancel(clients: Clients, stack: str) -> StackRefs:
    refs = read_stack(clients, stack)
    if refs.status != "UPDATE_IN_PROGRESS":
        raise OperationFailed(f"stack {refs.name} is {refs.status}; only an update in progress "
                              "can be cancelled.")
    clients("cloudformation").cancel_update_stack(StackName=refs.stack_id)
    return refs
