"""What a service reports: counts, deployments, its `events` list and Service Action events.

Service event messages follow "Amazon ECS service event messages"
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages.html,
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages-list.html):
newest first, e.g. "(service web) has reached a steady state.", at most 100, and "duplicate
event messages are omitted until either the cause is resolved or six hours passes" (the
simulator sends SERVICE_TASK_PLACEMENT_FAILURE at the same times, the harsher reading of an
undocumented cadence). A placement failure names the closest matching container instance and
what it lacks; a deployment held by its minimumHealthyPercent/maximumPercent says so. Steady
state means one
deployment whose running count equals the desired count with nothing pending; it is reported
with SERVICE_STEADY_STATE (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_events.html)
each time the service becomes steady (AWS also repeats it periodically; the simulator does not).
"""

from __future__ import annotations

from . import events, placement
from .model import RUNNING, Service, Task
from .state import ClusterIndex, EcsState

MAX_EVENTS = 100


def counts(svc: Service, deployment_id: str | None = None) -> tuple[int, int]:
    """(runningCount, pendingCount) over tasks whose desired status is RUNNING."""
    if deployment_id is not None:
        running, pending = svc.tally.get(deployment_id, (0, 0))
        return running, pending
    return (sum(t[0] for t in svc.tally.values()), sum(t[1] for t in svc.tally.values()))


def add_event(state: EcsState, svc: Service, message: str) -> None:
    svc.events.insert(0, {"id": state.new_uuid(), "createdAt": state.now(), "message": message})
    del svc.events[MAX_EVENTS:]


def note_started(state: EcsState, svc: Service, task: Task) -> None:
    svc.steady = False
    add_event(state, svc, f"(service {svc.name}) has started 1 tasks: (task {task.id}).")


def note_stopped(state: EcsState, svc: Service, task: Task) -> None:
    svc.steady = False
    add_event(state, svc, f"(service {svc.name}) has stopped 1 running tasks: (task {task.id}).")


_LACKS = {
    "RESOURCE:CPU": "has insufficient CPU units available",
    "RESOURCE:MEMORY": "has insufficient memory available",
    "AGENT": 'encountered error "AGENT"',
}
DEPLOYMENT_BLOCKED = (
    "was unable to stop or start tasks during a deployment because of the service deployment "
    "configuration. Update the minimumHealthyPercent or maximumPercent value and try again."
)


def placement_message(svc: Service, index: ClusterIndex) -> tuple[str, str]:
    """(the failure reason, the service event message) for a task that cannot be placed."""
    definition = svc.primary.task_definition
    reason = placement.shortfall_reason(index.instances.values(), definition)
    message = (f"(service {svc.name}) was unable to place a task because no container instance "
               "met all of its requirements.")
    ci = placement.closest(index.instances.values(), reason)
    if ci is not None and reason in _LACKS:
        message += (f" The closest matching (container-instance {ci.id}) {_LACKS[reason]}. "
                    "For more information, see the Troubleshooting section.")
    return reason, message


def placement_failed(state: EcsState, svc: Service, index: ClusterIndex, reason: str,
                     message: str) -> None:
    add_event(state, svc, message)
    arns = [ci.arn for ci in index.instances.values() if ci.status == "ACTIVE"][:10]
    events.service_action(
        state, svc, "ERROR", "SERVICE_TASK_PLACEMENT_FAILURE", containerInstanceArns=arns, reason=reason
    )


def deployment_blocked(state: EcsState, svc: Service) -> None:
    add_event(state, svc, f"(service {svc.name}) {DEPLOYMENT_BLOCKED}")


def settle(state: EcsState, svc: Service, index: ClusterIndex) -> None:
    """After a scheduler run: retire drained deployments, then report a new steady state."""
    live_deployments = {index.tasks[i].deployment_id for i in svc.task_ids if i in index.tasks}
    now = state.now()
    for old in svc.deployments[1:]:
        if old.id not in live_deployments:
            svc.deployments.remove(old)
            svc.tally.pop(old.id, None)
            svc.primary.updated_at = now
    if svc.status == "DRAINING":
        if not svc.task_ids:
            svc.status = "INACTIVE"
        return
    running, pending = counts(svc)
    draining = any(
        (ci := index.instances.get(index.tasks[i].container_instance_id)) is None
        or ci.status != "ACTIVE"
        for i in svc.task_ids
        if i in index.tasks and index.tasks[i].desired_status == RUNNING
    )
    steady = (
        len(svc.deployments) == 1 and running == svc.desired_count and pending == 0 and not draining
    )
    if steady and not svc.steady:
        primary = svc.primary
        if primary.rollout_state != "COMPLETED":
            primary.rollout_state = "COMPLETED"
            primary.rollout_state_reason = f"ECS deployment {primary.id} completed."
            primary.updated_at = now
            add_event(state, svc, f"(service {svc.name}) (deployment {primary.id}) deployment completed.")
            events.deployment_changed(state, svc, primary, "SERVICE_DEPLOYMENT_COMPLETED")
        add_event(state, svc, f"(service {svc.name}) has reached a steady state.")
        events.service_action(state, svc, "INFO", "SERVICE_STEADY_STATE")
    svc.steady = steady
