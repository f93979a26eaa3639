"""Task lifecycle: placement, the transitional states, stopping, and how long each step takes.

Follows "Amazon ECS task lifecycle"
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle-explanation.html):
a task goes PROVISIONING -> PENDING -> ACTIVATING -> RUNNING, and when stopped
DEACTIVATING (load balancer deregistration) -> STOPPING (containers get SIGTERM, then SIGKILL
after stopTimeout) -> DEPROVISIONING -> STOPPED. The agent reports each step, so while the
instance's agent is disconnected the task does not move (it is "parked" until it reconnects);
only the instance's termination ends it at once. Resources stay reserved until STOPPED. Events:
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html.
"""

from __future__ import annotations

from . import events
from .model import (
    RUNNING,
    STARTING_STATES,
    STOPPED,
    ContainerInstance,
    StopCause,
    Task,
    TaskDefinition,
    TaskStop,
)
from .state import ClusterIndex, EcsState

_NEXT_START = {"PROVISIONING": "PENDING", "PENDING": "ACTIVATING", "ACTIVATING": RUNNING}
_NEXT_STOP = {"DEACTIVATING": "STOPPING", "STOPPING": "DEPROVISIONING", "DEPROVISIONING": STOPPED}


def place(
    state: EcsState,
    index: ClusterIndex,
    ci: ContainerInstance,
    definition: TaskDefinition,
    *,
    group: str,
    started_by: str | None,
    service: str | None = None,
    deployment_id: str | None = None,
) -> Task:
    """Reserve resources on `ci` and start the task's lifecycle."""
    task_id = state.new_hex_id()
    task = Task(
        id=task_id,
        arn=state.arn(f"task/{index.cluster.name}/{task_id}"),
        cluster=index.cluster.name,
        task_definition=definition,
        container_instance_id=ci.id,
        ec2_instance_id=ci.ec2_instance_id,
        availability_zone=state.ec2.availability_zone(ci.ec2_instance_id) or f"{state.region}a",
        group=group,
        started_by=started_by,
        created_at=state.now(),
        service=service,
        deployment_id=deployment_id,
        version=0,
        container_ids=[state.new_uuid() for _ in definition.body.get("containerDefinitions", [])],
    )
    ci.used_cpu += definition.cpu
    ci.used_memory += definition.memory
    ci.pending_tasks += 1
    index.tasks[task_id] = task
    state.tasks_by_instance.setdefault(ci.id, {})[task_id] = task
    retally(state, task)
    events.task_changed(state, task)
    events.container_instance_changed(state, ci)  # available CPU and memory changed
    _schedule(state, task, state.timings.provisioning_s)
    return task


def request_stop(
    state: EcsState, task: Task, cause: StopCause, reason: str, stop_code: str | None,
    *, caller: str | None = None,
) -> None:
    """Set desiredStatus STOPPED and let the task wind down; a no-op if already stopping."""
    if task.desired_status == STOPPED or task.orphaned:
        return
    _record_stop(state, task, cause, reason, caller)
    task.stop_code = stop_code
    if cause is StopCause.TASK_EXITED:  # its containers are gone already: nothing to wait for
        task.stop_plan = (0.0, 0.0, state.timings.deprovisioning_s)
    elif task.last_status == RUNNING:
        delay, stop_time = _stop_times(state, task)
        task.stop_plan = (delay, stop_time, state.timings.deprovisioning_s)
    else:  # never started serving: nothing to deregister, containers barely started
        task.stop_plan = (0.0, 0.0, state.timings.deprovisioning_s)
    if task.timer is not None:
        state.clock.cancel(task.timer)
        task.timer = None
    ci = _instance(state, task)
    if ci is not None and not ci.agent_connected:
        events.task_changed(state, task)  # desiredStatus changed; the agent will act later
        if task.id not in ci.parked:
            ci.parked.append(task.id)
        if task.service is not None:
            state.on_service_task_changed(task)
        return
    _enter(state, task, "DEACTIVATING")


def kill(state: EcsState, task: Task, cause: StopCause, reason: str) -> None:
    """The host is gone: the task is STOPPED now, with no transitional states."""
    if task.last_status == STOPPED:
        return
    if task.desired_status != STOPPED:
        _record_stop(state, task, cause, reason)
    else:  # it was already winding down; the log still shows what cut it short
        _log_stop(state, task, cause, reason, None)
    if task.timer is not None:
        state.clock.cancel(task.timer)
        task.timer = None
    _enter(state, task, STOPPED)


def orphan(state: EcsState, task: Task) -> None:
    """ECS forgets the task (its container instance was deregistered with force, or its agent
    registered anew): "these tasks remain running until you terminate the instance or the tasks
    stop through some other means, but they're orphaned (no longer monitored or accounted for
    by Amazon ECS). If an orphaned task ... is part of an Amazon ECS service, then the service
    scheduler starts another copy of that task"
    (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeregisterContainerInstance.html).
    The API stops showing it (the harsher reading of "not accounted for": List/DescribeTasks
    no longer know it); the harness still sees it on its EC2 instance."""
    if task.last_status == STOPPED or task.orphaned:
        return
    if task.timer is not None:
        state.clock.cancel(task.timer)
        task.timer = None
    ci = _instance(state, task)
    if ci is not None:
        _count(ci, task.last_status, -1)
        ci.used_cpu -= task.task_definition.cpu
        ci.used_memory -= task.task_definition.memory
        state.tasks_by_instance.get(ci.id, {}).pop(task.id, None)
    task.orphaned = True
    index = state.clusters.get(task.cluster)
    if index is not None:
        index.tasks.pop(task.id, None)
        svc = index.services.get(task.service) if task.service else None
        if svc is not None:
            svc.task_ids.pop(task.id, None)
    state.orphans_by_ec2.setdefault(task.ec2_instance_id, {})[task.id] = task
    if task.service is not None:
        retally(state, task)  # no longer counted: the scheduler starts a copy
        state.on_service_task_changed(task)


def end_orphans(state: EcsState, ec2_id: str) -> None:
    """The host is gone, and with it the orphaned tasks' containers. ECS reports nothing (it
    no longer monitors them); the stop log records the loss for the harness."""
    for task in state.orphans_by_ec2.pop(ec2_id, {}).values():
        _log_stop(state, task, StopCause.ORPHAN_TERMINATED,
                  f"Host EC2 (instance {ec2_id}) terminated.", None)


def _log_stop(state: EcsState, task: Task, cause: StopCause, reason: str, caller: str | None) -> None:
    state.stop_log.append(
        TaskStop(state.now(), task.arn, task.cluster, task.ec2_instance_id, task.service,
                 task.group, cause, reason, task.last_status, caller)
    )


def _record_stop(
    state: EcsState, task: Task, cause: StopCause, reason: str, caller: str | None = None
) -> None:
    _log_stop(state, task, cause, reason, caller)
    task.caller = caller
    task.desired_status = STOPPED
    task.stop_cause = cause
    task.stopped_reason = reason
    task.stopping_at = state.now()
    retally(state, task)


def retally(state: EcsState, task: Task) -> None:
    """Keep the service's running/pending counts current, so DescribeServices is O(1)."""
    if task.service is None or task.deployment_id is None:
        return
    index = state.clusters.get(task.cluster)
    svc = index.services.get(task.service) if index else None
    if svc is None:
        return
    key: tuple[str, int] | None = None
    if task.orphaned:
        pass
    elif task.desired_status == RUNNING and task.last_status == RUNNING:
        key = (task.deployment_id, 0)
    elif task.desired_status == RUNNING and task.last_status in STARTING_STATES:
        key = (task.deployment_id, 1)
    if key == task.tally_key:
        return
    if task.tally_key is not None:
        svc.tally[task.tally_key[0]][task.tally_key[1]] -= 1
    if key is not None:
        svc.tally.setdefault(key[0], [0, 0])[key[1]] += 1
    task.tally_key = key


def resume_parked(state: EcsState, ci: ContainerInstance) -> None:
    """The agent reconnected: every task it owes a step to moves on."""
    parked, ci.parked = ci.parked, []
    for task_id in parked:
        task = state.tasks_by_instance.get(ci.id, {}).get(task_id)
        if task is None or task.last_status == STOPPED:
            continue
        if task.desired_status == STOPPED and task.last_status not in _NEXT_STOP:
            _enter(state, task, "DEACTIVATING")
        else:
            _advance(state, task)


def _stop_times(state: EcsState, task: Task) -> tuple[float, float]:
    """Deregistration delay (services only) and the containers' stop time."""
    index = state.clusters.get(task.cluster)
    svc = index.services.get(task.service) if index and task.service else None
    profile = svc.stop_profile if svc is not None else None
    delay = profile.deregistration_delay_s if profile is not None else 0.0
    for balancer in svc.load_balancers if svc is not None else ():
        # ECS deregisters the task from each of its target groups and waits for the longest
        group_delay = state.target_group_delay(str(balancer.get("targetGroupArn", "")))
        delay = max(delay, group_delay or 0.0)
    if profile is not None and profile.stop_timeout_s is not None:
        return delay, profile.stop_timeout_s
    return delay, task.task_definition.stop_timeout_s


def _instance(state: EcsState, task: Task) -> ContainerInstance | None:
    index = state.clusters.get(task.cluster)
    return index.instances.get(task.container_instance_id) if index else None


def _schedule(state: EcsState, task: Task, delay: float) -> None:
    task.timer = state.later(delay, lambda: _advance(state, task))


def _advance(state: EcsState, task: Task) -> None:
    task.timer = None
    ci = _instance(state, task)
    if ci is not None and not ci.agent_connected:
        ci.parked.append(task.id)  # the agent reports this step once it is back
        return
    following = _NEXT_START.get(task.last_status) or _NEXT_STOP.get(task.last_status)
    if following is not None:
        _enter(state, task, following)


def _enter(state: EcsState, task: Task, status: str) -> None:
    ci = _instance(state, task)
    before = task.last_status
    task.last_status = status
    now = state.now()
    if status == "PENDING":
        task.pull_started_at = now
    elif status == "ACTIVATING":
        task.pull_stopped_at = now
    elif status == RUNNING:
        task.started_at = task.connectivity_at = now
        _exit_later(state, task)
    elif status == "DEPROVISIONING":
        task.execution_stopped_at = now
    elif status == STOPPED:
        task.execution_stopped_at = task.execution_stopped_at or now
        task.stopped_at = now
    if ci is not None:
        _count(ci, before, -1)
        _count(ci, status, +1)
        if status == STOPPED:
            ci.used_cpu -= task.task_definition.cpu
            ci.used_memory -= task.task_definition.memory
    events.task_changed(state, task)
    if status == STOPPED:
        if ci is not None and ci.status != "INACTIVE":
            events.container_instance_changed(state, ci)  # resources released
        state.later(state.timings.stopped_task_retention_s, lambda: _purge(state, task))
    else:
        _schedule_next(state, task)
    if task.service is not None:
        retally(state, task)
        state.on_service_task_changed(task)


def _exit_later(state: EcsState, task: Task) -> None:
    """A standalone task whose family has a set lifetime exits when it is over."""
    lifetime = state.task_lifetimes.get(task.task_definition.family)
    if task.service is not None or lifetime is None:
        return

    def exit_now() -> None:
        if task.last_status == RUNNING and task.desired_status == RUNNING:
            request_stop(state, task, StopCause.TASK_EXITED,
                         "Essential container in task exited", "EssentialContainerExited")

    state.later(lifetime, exit_now)


def _schedule_next(state: EcsState, task: Task) -> None:
    t = state.timings
    delays = {
        "PROVISIONING": t.provisioning_s,
        "PENDING": t.pending_s,
        "ACTIVATING": t.activating_s,
        "DEACTIVATING": task.stop_plan[0],
        "STOPPING": task.stop_plan[1],
        "DEPROVISIONING": task.stop_plan[2],
    }
    if task.last_status in delays:
        _schedule(state, task, delays[task.last_status])


def _count(ci: ContainerInstance, status: str, delta: int) -> None:
    if status == RUNNING:
        ci.running_tasks += delta
    elif status in STARTING_STATES:
        ci.pending_tasks += delta


def _purge(state: EcsState, task: Task) -> None:
    """Stopped tasks disappear from List/DescribeTasks after the retention time."""
    index = state.clusters.get(task.cluster)
    if index is not None:
        index.tasks.pop(task.id, None)
    on_instance = state.tasks_by_instance.get(task.container_instance_id)
    if on_instance is not None:
        on_instance.pop(task.id, None)
