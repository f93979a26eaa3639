"""CreateCluster, DescribeClusters, ListClusters and DeleteCluster.

Counts in DescribeClusters follow the Cluster data type
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Cluster.html): registered
container instances are the ACTIVE and DRAINING ones. CreateCluster is idempotent; the
`default` cluster is created when an agent registers into it, as the agent does.

DeleteCluster (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteCluster.html):
"You must deregister all container instances from this cluster before you may delete it", so
any container instance not INACTIVE (also one whose registration failed, the harsher reading of
"all") refuses it with ClusterContainsContainerInstancesException ("You can't delete a cluster
that has registered container instances"; the message is the one AWS returns); a service not
INACTIVE with ClusterContainsServicesException. (ClusterContainsTasksException needs a task
without a registered instance, which only Fargate, not modelled, has.)
"""

from __future__ import annotations

from typing import Any

from ecs_cluster_manager.sim.errors import AwsError

from . import pagination
from .state import ClusterIndex, EcsState


def as_dict(index: ClusterIndex) -> dict[str, Any]:
    instances = [ci for ci in index.instances.values() if ci.status in ("ACTIVE", "DRAINING")]
    return {
        "clusterArn": index.cluster.arn,
        "clusterName": index.cluster.name,
        "status": index.cluster.status,
        "registeredContainerInstancesCount": len(instances),
        "runningTasksCount": sum(ci.running_tasks for ci in instances),
        "pendingTasksCount": sum(ci.pending_tasks for ci in instances),
        "activeServicesCount": sum(1 for s in index.services.values() if s.status == "ACTIVE"),
        "statistics": [],
        "tags": index.cluster.tags,
        "settings": [{"name": "containerInsights", "value": "disabled"}],
        "capacityProviders": [],
        "defaultCapacityProviderStrategy": [],
    }


def create(state: EcsState, params: dict[str, Any]) -> dict[str, Any]:
    index = state.ensure_cluster(params.get("clusterName") or "default")
    if params.get("tags"):
        index.cluster.tags = list(params["tags"])
    return {"cluster": as_dict(index)}


def describe(state: EcsState, params: dict[str, Any]) -> dict[str, Any]:
    found, failures = [], []
    for ref in params.get("clusters") or ["default"]:
        index = state.clusters.get(ref.rsplit("/", 1)[-1])
        if index is None:
            arn = ref if ref.startswith("arn:") else state.arn(f"cluster/{ref}")
            failures.append({"arn": arn, "reason": "MISSING"})
        else:
            found.append(as_dict(index))
    return {"clusters": found, "failures": failures}


def list_clusters(state: EcsState, params: dict[str, Any]) -> dict[str, Any]:
    arns = [i.cluster.arn for i in state.clusters.values() if i.cluster.status == "ACTIVE"]
    return pagination.page(arns, params, "clusterArns")


def delete(state: EcsState, params: dict[str, Any]) -> dict[str, Any]:
    index = state.cluster(params["cluster"])
    if any(ci.status != "INACTIVE" for ci in index.instances.values()):
        raise AwsError(
            "ClusterContainsContainerInstancesException",
            "The Cluster cannot be deleted while Container Instances are active or draining.",
        )
    if any(s.status != "INACTIVE" for s in index.services.values()):
        raise AwsError(
            "ClusterContainsServicesException",
            "The Cluster cannot be deleted while Services are active.",
        )
    index.cluster.status = "INACTIVE"
    return {"cluster": as_dict(index)}
