"""RunTask, StartTask, StopTask, ListTasks and DescribeTasks.

Standalone tasks (RunTask/StartTask) belong to no service: draining their instance does not
stop them ("A standalone task ... that is in the PENDING or RUNNING state remains unaffected",
container-instance-draining.html). Their group defaults to `family:NAME`
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html). ListTasks filters
on desiredStatus, RUNNING by default, so tasks that are already stopping are listed only with
desiredStatus=STOPPED; stopped tasks stay listed for a while
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ecs_cluster_manager.sim.errors import AwsError

from . import pagination, placement, serialize, task_definitions, tasks
from .describe import describe_each
from .model import StopCause, Task
from .state import EcsState

MAX_COUNT = 10
MAX_DESCRIBE = 100


def run_task(state: EcsState, params: dict[str, Any]) -> dict[str, Any]:
    index = state.cluster(params.get("cluster"))
    definition = task_definitions.resolve(state, params["taskDefinition"])
    count = params.get("count", 1)
    if not 1 <= count <= MAX_COUNT:
        raise AwsError("InvalidParameterException", "count must be between 1 and 10.")
    instances = [ci for ci in index.instances.values() if ci.status != "INACTIVE"]
    if not instances:
        raise AwsError("InvalidParameterException", "No Container Instances were found in your cluster.")
    group = params.get("group") or f"family:{definition.family}"
    strategy = params.get("placementStrategy", [])
    placed: list[Task] = []
    failures: list[dict[str, str]] = []
    for _ in range(count):
        ci = placement.choose(instances, definition, strategy, {})
        if ci is None:
            failures.append({"reason": placement.shortfall_reason(instances, definition)})
            continue
        placed.append(tasks.place(state, index, ci, definition, group=group,
                                  started_by=params.get("startedBy")))
    return {"tasks": [serialize.api_task(state, t) for t in placed], "failures": failures}


def start_task(state: EcsState, params: dict[str, Any]) -> dict[str, Any]:
    index = state.cluster(params.get("cluster"))
    definition = task_definitions.resolve(state, params["taskDefinition"])
    refs = params["containerInstances"]
    if len(refs) > MAX_COUNT:
        raise AwsError("InvalidParameterException", "containerInstances can have at most 10 items.")
    group = params.get("group") or f"family:{definition.family}"
    placed, failures = [], []
    for ref in refs:
        ci = state.container_instance(index, ref)
        if ci is None:
            failures.append({"arn": ref, "reason": "MISSING"})
        elif not ci.can_place():
            failures.append({"arn": ci.arn, "reason": "AGENT" if ci.status == "ACTIVE" else ci.status})
        elif not ci.fits(definition.cpu, definition.memory):
            failures.append({"arn": ci.arn, "reason": placement.shortfall_reason([ci], definition)})
        else:
            placed.append(tasks.place(state, index, ci, definition, group=group,
                                      started_by=params.get("startedBy")))
    return {"tasks": [serialize.api_task(state, t) for t in placed], "failures": failures}


def stop_task(state: EcsState, params: dict[str, Any]) -> dict[str, Any]:
    index = state.cluster(params.get("cluster"))
    task = state.task(index, params["task"])
    if task is None:
        raise AwsError("InvalidParameterException", "The referenced task was not found.")
    reason = params.get("reason") or "Task stopped by user"
    state.record_action("StopTask", index.cluster.name, task.arn, task.ec2_instance_id, reason)
    tasks.request_stop(state, task, StopCause.USER, reason, "UserInitiated", caller=state.caller())
    return {"task": serialize.api_task(state, task)}


def list_tasks(state: EcsState, params: dict[str, Any]) -> dict[str, Any]:
    index = state.cluster(params.get("cluster"))
    desired = params.get("desiredStatus", "RUNNING")
    source: Iterable[Task] = index.tasks.values()
    if params.get("containerInstance"):
        ci = state.container_instance(index, params["containerInstance"])
        source = state.tasks_by_instance.get(ci.id, {}).values() if ci is not None else []
    elif params.get("serviceName") and desired != "STOPPED":
        svc = state.service(index, params["serviceName"])
        source = [index.tasks[i] for i in svc.task_ids if i in index.tasks] if svc else []
    service = params.get("serviceName", "").rsplit("/", 1)[-1] or None
    family, started_by = params.get("family"), params.get("startedBy")
    arns = [
        t.arn
        for t in source
        if t.desired_status == desired
        and (service is None or t.service == service)
        and (family is None or t.task_definition.family == family)
        and (started_by is None or t.started_by == started_by)
    ]
    return pagination.page(arns, params, "taskArns")


def describe_tasks(state: EcsState, params: dict[str, Any]) -> dict[str, Any]:
    index = state.cluster(params.get("cluster"))
    found, failures = describe_each(
        state, index, params["tasks"], member="tasks", kind="task", limit=MAX_DESCRIBE,
        lookup=lambda ref: state.task(index, ref),
        render=lambda task: serialize.api_task(state, task),
    )
    return {"tasks": found, "failures": failures}
