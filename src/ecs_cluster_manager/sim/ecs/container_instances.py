"""Container instances: registration, List/Describe, DRAINING, deregistration, termination.

API behaviour follows the API reference pages ListContainerInstances (status defaults to every
status but INACTIVE), DescribeContainerInstances (up to 100, failures for unknown ones),
UpdateContainerInstancesState ("A container instance can't be changed to DRAINING until it has
reached an ACTIVE status") and DeregisterContainerInstance
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateContainerInstancesState.html,
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-draining.html,
https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeregisterContainerInstance.html).

Termination: "If you terminate a running container instance, Amazon ECS automatically
deregisters the instance from your cluster (stopped container instances or instances with
disconnected agents aren't automatically deregistered when terminated)"
(API_DeregisterContainerInstance.html). So an instance whose agent was connected goes INACTIVE;
one whose agent was disconnected (killed, flapping, never finished registering) stays ACTIVE or
DRAINING with agentConnected false until someone deregisters it, and keeps its cluster from
being deleted. Either way its tasks go STOPPED ("When you stop or terminate the container
instance, the tasks that are running on it are transitioned to the STOPPED status",
ecs_task_events.html). `EcsState.deregister_on_termination = False` models the harsher reading
that no terminated instance is deregistered for you.

A forced deregistration leaves the instance's tasks running, orphaned (see `tasks.orphan`).
"""

from __future__ import annotations

from typing import Any

from ecs_cluster_manager.sim.errors import AwsError

from . import events, pagination, query, serialize, tasks
from .describe import describe_each
from .model import STOPPED, ContainerInstance, StopCause
from .state import EcsState

MAX_DESCRIBE = 100
MAX_UPDATE = 10


def register(
    state: EcsState, ec2_id: str, cluster: str, *, failed: bool, runtime_health: str = "OK"
) -> ContainerInstance | None:
    existing = state.instances_by_ec2.get(ec2_id)
    if existing is not None and existing.status != "INACTIVE":
        return None  # the agent kept its state: it is the same registration
    index = state.ensure_cluster(cluster)
    cpu, memory = state.ec2.instance_resources(ec2_id)
    ci_id = state.new_hex_id()
    ci = ContainerInstance(
        id=ci_id,
        arn=state.arn(f"container-instance/{cluster}/{ci_id}"),
        cluster=cluster,
        ec2_instance_id=ec2_id,
        registered_cpu=cpu,
        registered_memory=memory,
        registered_at=state.now(),
        attributes=_attributes(state, ec2_id),
        version=0,
        runtime_health=runtime_health,
        runtime_health_changed_at=state.now(),
    )
    if failed:
        ci.status = "REGISTRATION_FAILED"
        ci.agent_connected = False
        ci.status_reason = "Container instance registration failed (simulated agent fault)."
    index.instances[ci_id] = ci
    state.instances_by_ec2[ec2_id] = ci
    state.registrations_by_ec2.setdefault(ec2_id, []).append(ci)
    events.container_instance_changed(state, ci)
    state.on_instance_changed(ci)
    return ci


def _attributes(state: EcsState, ec2_id: str) -> list[dict[str, str]]:
    values = {
        "ecs.ami-id": state.ec2.image_id(ec2_id),
        "ecs.instance-type": state.ec2.instance_type(ec2_id),
        "ecs.availability-zone": state.ec2.availability_zone(ec2_id),
        "ecs.os-type": "linux",
        "ecs.os-family": "LINUX",
        "ecs.cpu-architecture": "x86_64",
    }
    return [{"name": k, "value": v} for k, v in values.items() if v]


def list_instances(state: EcsState, params: dict[str, Any]) -> dict[str, Any]:
    index = state.cluster(params.get("cluster"))
    wanted = params.get("status")
    q = query.parse(params["filter"]) if params.get("filter") else None
    ec2_ids = q.ec2_ids() if q is not None else None
    if ec2_ids is not None:  # use the index instead of scanning the cluster
        found = (state.instances_by_ec2.get(i) for i in sorted(ec2_ids))
        candidates = [ci for ci in found if ci is not None and ci.cluster == index.cluster.name]
    else:
        candidates = list(index.instances.values())
    arns = [
        ci.arn
        for ci in candidates
        if (ci.status == wanted if wanted else ci.status != "INACTIVE")
        and (q is None or q.matches(ci))
    ]
    return pagination.page(arns, params, "containerInstanceArns")


def describe(state: EcsState, params: dict[str, Any]) -> dict[str, Any]:
    index = state.cluster(params.get("cluster"))
    include = set(params.get("include", []))
    found, failures = describe_each(
        state, index, params["containerInstances"], member="containerInstances",
        kind="container-instance", limit=MAX_DESCRIBE,
        lookup=lambda ref: state.container_instance(index, ref),
        render=lambda ci: serialize.container_instance(
            ci, include_health="CONTAINER_INSTANCE_HEALTH" in include, include_tags="TAGS" in include),
    )
    return {"containerInstances": found, "failures": failures}


def update_state(state: EcsState, params: dict[str, Any]) -> dict[str, Any]:
    index = state.cluster(params.get("cluster"))
    refs, status = params["containerInstances"], params["status"]
    if len(refs) > MAX_UPDATE:
        raise AwsError("InvalidParameterException", "instanceIds can have at most 10 items.")
    if status not in ("ACTIVE", "DRAINING"):
        raise AwsError(
            "InvalidParameterException", "Container instances can only be set to ACTIVE or DRAINING."
        )
    changed, failures = [], []
    for ref in refs:
        ci = state.container_instance(index, ref)
        if ci is None:
            failures.append({"arn": _arn_of(state, index.cluster.name, ref), "reason": "MISSING"})
            continue
        if ci.status not in ("ACTIVE", "DRAINING"):
            failures.append({
                "arn": ci.arn,
                "reason": "INVALID_STATUS",
                "detail": f"Container instance is {ci.status}; only ACTIVE or DRAINING can change.",
            })
            continue
        state.record_action("UpdateContainerInstancesState", index.cluster.name, ci.arn,
                            ci.ec2_instance_id, status)
        if ci.status != status:
            ci.status = status
            # Unverified whether AWS emits this for DRAINING; the simulator does.
            events.container_instance_changed(state, ci)
            state.on_instance_changed(ci)
        changed.append(serialize.container_instance(ci, include_health=False, include_tags=False))
    return {"containerInstances": changed, "failures": failures}


def deregister(state: EcsState, params: dict[str, Any]) -> dict[str, Any]:
    index = state.cluster(params.get("cluster"))
    ci = state.container_instance(index, params["containerInstance"])
    if ci is None or ci.status == "INACTIVE":
        raise AwsError("InvalidParameterException", "Container instance not found.")
    force = bool(params.get("force"))
    live = [t for t in state.tasks_by_instance.get(ci.id, {}).values() if t.last_status != STOPPED]
    if live and not force:
        raise AwsError("InvalidParameterException", "Found running tasks on the instance.")
    state.record_action("DeregisterContainerInstance", index.cluster.name, ci.arn,
                        ci.ec2_instance_id, "force" if force else "no force")
    deregister_now(state, ci)
    return {"containerInstance": serialize.container_instance(ci, include_health=False, include_tags=False)}


def deregister_now(state: EcsState, ci: ContainerInstance) -> None:
    """INACTIVE at once; tasks still on it are orphaned: they keep running on the host."""
    for task in list(state.tasks_by_instance.get(ci.id, {}).values()):
        tasks.orphan(state, task)
    _go_inactive(state, ci)


def instance_terminated(state: EcsState, ec2_id: str) -> None:
    tasks.end_orphans(state, ec2_id)
    ci = state.instances_by_ec2.get(ec2_id)
    if ci is None or ci.status == "INACTIVE":
        return
    deregistered = ci.agent_connected and state.deregister_on_termination
    if ci.agent_connected:
        ci.agent_connected = False
        events.container_instance_changed(state, ci)
    reason = f"Host EC2 (instance {ec2_id}) terminated."
    for task in list(state.tasks_by_instance.get(ci.id, {}).values()):
        tasks.kill(state, task, StopCause.INSTANCE_TERMINATED, reason)
    if deregistered:
        _go_inactive(state, ci)
    else:
        state.on_instance_changed(ci)


def _go_inactive(state: EcsState, ci: ContainerInstance) -> None:
    ci.status = "INACTIVE"
    ci.agent_connected = False
    ci.parked.clear()
    events.container_instance_changed(state, ci)
    state.on_instance_changed(ci)


def _arn_of(state: EcsState, cluster: str, ref: str) -> str:
    return ref if ref.startswith("arn:") else state.arn(f"container-instance/{cluster}/{ref}")
