"""The service scheduler: keeps each service at its desired count within its deployment limits.

Replica services follow "Draining Amazon ECS container instances"
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-draining.html)
and the deployment configuration parameters
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_definition_parameters.html):
service tasks on a DRAINING instance that are not yet RUNNING are stopped at once; RUNNING ones
are replaced by starting new tasks elsewhere while the service stays at or below maximumPercent
of desiredCount, and stopped while at least minimumHealthyPercent stay RUNNING. So
minimumHealthyPercent = maximumPercent = 100 blocks a drain, as documented. Tasks of an older
deployment (forceNewDeployment, new task definition) are replaced the same way.

Daemon services follow "Daemon scheduling strategy"
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service-options.html): one
task on each ACTIVE instance, none on DRAINING ones, and "If a container instance transitions
to DRAINING, the daemon tasks on it are stopped."

Runs are coalesced on the virtual clock: at most one pending run per service.
"""

from __future__ import annotations

import math

from . import placement, service_status, tasks
from .model import (
    RUNNING,
    STARTING_STATES,
    STOPPED,
    ContainerInstance,
    Service,
    StopCause,
    Task,
)
from .state import ClusterIndex, EcsState


class Scheduler:
    def __init__(self, state: EcsState) -> None:
        self.state = state

    def request(self, svc: Service) -> None:
        if svc.scheduled is None and svc.status != "INACTIVE":
            svc.scheduled = self.state.later(self.state.timings.scheduler_delay_s, lambda: self._run(svc))

    def request_cluster(self, cluster: str) -> None:
        index = self.state.clusters.get(cluster)
        # Daemons first: runs due at the same time go in request order, so a new instance
        # gets its daemon tasks before replica tasks fill it.
        for svc in sorted(index.services.values() if index else (),
                          key=lambda s: s.scheduling_strategy != "DAEMON"):
            self.request(svc)

    def task_changed(self, task: Task) -> None:
        index = self.state.clusters.get(task.cluster)
        if index is None or task.service is None:
            return
        svc = index.services.get(task.service)
        if svc is not None:
            if task.last_status == STOPPED:
                svc.task_ids.pop(task.id, None)
            self.request(svc)
        if task.last_status == STOPPED:  # capacity freed: retry services that could not place
            for other in index.services.values():
                if other.last_placement_failure is not None:
                    self.request(other)

    def _run(self, svc: Service) -> None:
        svc.scheduled = None
        index = self.state.clusters.get(svc.cluster)
        if index is None or svc.status == "INACTIVE":
            return
        if svc.scheduling_strategy == "DAEMON":
            self._run_daemon(svc, index)
        else:
            self._run_replica(svc, index)
        service_status.settle(self.state, svc, index)

    # --- replica ------------------------------------------------------------------------
    def _run_replica(self, svc: Service, index: ClusterIndex) -> None:
        active = self._active_tasks(svc, index)
        for t in [t for t in active if self._outgoing(svc, index, t) and t.last_status != RUNNING]:
            self._stop(svc, index, t)  # PENDING tasks on a DRAINING instance stop at once
        active = [t for t in active if t.desired_status == RUNNING]
        keepers = [t for t in active if not self._outgoing(svc, index, t)]
        desired = svc.desired_count
        room = math.floor(desired * svc.maximum_percent / 100) - len(active)
        if len(keepers) < desired:
            self._start(svc, index, min(desired - len(keepers), room), active)
        elif len(keepers) > desired:
            surplus = sorted(keepers, key=lambda t: (t.last_status == RUNNING, t.created_at))
            for t in surplus[: len(keepers) - desired]:
                self._stop(svc, index, t)
            active = [t for t in active if t.desired_status == RUNNING]
        healthy = sum(1 for t in active if t.last_status == RUNNING)
        spare = healthy - math.ceil(desired * svc.minimum_healthy_percent / 100)
        outgoing = [t for t in active if self._outgoing(svc, index, t)]
        # Neither a start (maximumPercent) nor a stop (minimumHealthyPercent) is allowed.
        held = spare <= 0 and room <= 0 and any(t.deployment_id != svc.primary.id for t in outgoing)
        self._note_held_deployment(svc, held)
        for t in outgoing:
            if spare <= 0:
                break
            self._stop(svc, index, t)
            spare -= 1

    # --- daemon -------------------------------------------------------------------------
    def _run_daemon(self, svc: Service, index: ClusterIndex) -> None:
        if svc.status == "DRAINING":  # deleted: stop everything, place nothing
            for t in self._active_tasks(svc, index):
                self._stop(svc, index, t)
            return
        for t in self._active_tasks(svc, index):
            ci = index.instances.get(t.container_instance_id)
            if ci is None or ci.status != "ACTIVE":
                self._stop(svc, index, t)
        live_hosts = {t.container_instance_id for t in self._live_tasks(svc, index)}
        covered = {t.container_instance_id: t for t in self._active_tasks(svc, index)}
        eligible = [ci for ci in index.instances.values() if ci.status == "ACTIVE"]
        svc.desired_count = len(eligible)
        outdated = [t for t in covered.values() if t.deployment_id != svc.primary.id]
        healthy = sum(1 for t in covered.values() if t.last_status == RUNNING)
        spare = healthy - math.ceil(svc.desired_count * svc.minimum_healthy_percent / 100)
        for t in outdated:
            if spare <= 0:
                break
            self._stop(svc, index, t)
            spare -= 1
        missing = [ci for ci in eligible if ci.id not in live_hosts and ci.can_place()]
        failed = False
        for ci in missing:
            if ci.fits(svc.primary.task_definition.cpu, svc.primary.task_definition.memory):
                self._place(svc, index, ci)
            else:
                failed = True
        self._note_placement(svc, index, failed)

    # --- helpers ------------------------------------------------------------------------
    def _live_tasks(self, svc: Service, index: ClusterIndex) -> list[Task]:
        return [index.tasks[i] for i in svc.task_ids if i in index.tasks]

    def _active_tasks(self, svc: Service, index: ClusterIndex) -> list[Task]:
        return [t for t in self._live_tasks(svc, index) if t.desired_status == RUNNING]

    @staticmethod
    def _outgoing(svc: Service, index: ClusterIndex, t: Task) -> bool:
        ci = index.instances.get(t.container_instance_id)
        return ci is None or ci.status != "ACTIVE" or t.deployment_id != svc.primary.id

    def _start(self, svc: Service, index: ClusterIndex, count: int, active: list[Task]) -> None:
        counts: dict[str, int] = {}
        for t in active:
            counts[t.container_instance_id] = counts.get(t.container_instance_id, 0) + 1
        definition = svc.primary.task_definition
        strategy = svc.placement_strategy or placement.SPREAD
        # distinctInstance: no instance that still holds a task of the service (the harsher
        # reading counts tasks still stopping too)
        taken = {t.container_instance_id for t in self._live_tasks(svc, index)} \
            if placement.distinct_instance(svc.placement_constraints) else None
        failed = False
        for _ in range(max(0, count)):
            ci = placement.choose(index.instances.values(), definition, strategy, counts,
                                  exclude=taken or frozenset())
            if ci is None:
                failed = True
                break
            self._place(svc, index, ci)
            counts[ci.id] = counts.get(ci.id, 0) + 1
            if taken is not None:
                taken.add(ci.id)
        self._note_placement(svc, index, failed)

    def _place(self, svc: Service, index: ClusterIndex, ci: ContainerInstance) -> None:
        task = tasks.place(self.state, index, ci, svc.primary.task_definition,
                           group=f"service:{svc.name}", started_by=svc.primary.id,
                           service=svc.name, deployment_id=svc.primary.id)
        svc.task_ids[task.id] = None
        service_status.note_started(self.state, svc, task)

    def _stop(self, svc: Service, index: ClusterIndex, t: Task) -> None:
        ci = index.instances.get(t.container_instance_id)
        scaling = f"Scaling activity initiated by (deployment {svc.primary.id})"
        if svc.status == "DRAINING":
            cause, reason = StopCause.SERVICE_DELETED, scaling
        elif ci is None or ci.status != "ACTIVE":
            cause = StopCause.DRAINING
            reason = f"Service {svc.name}: container instance is in DRAINING state"
        elif t.deployment_id != svc.primary.id:
            cause, reason = StopCause.DEPLOYMENT, scaling
        else:
            cause, reason = StopCause.SCALE_IN, scaling
        was_running = t.last_status == RUNNING or t.last_status not in STARTING_STATES
        tasks.request_stop(self.state, t, cause, reason, "ServiceSchedulerInitiated")
        if was_running:
            service_status.note_stopped(self.state, svc, t)

    def _note_placement(self, svc: Service, index: ClusterIndex, failed: bool) -> None:
        if not failed:  # the cause is resolved: a new failure is reported at once
            svc.last_placement_failure = svc.last_placement_message = None
            return
        reason, message = service_status.placement_message(svc, index)
        if self._due(svc.last_placement_failure) or message != svc.last_placement_message:
            service_status.placement_failed(self.state, svc, index, reason, message)
            svc.last_placement_failure = self.state.now()
            svc.last_placement_message = message

    def _note_held_deployment(self, svc: Service, held: bool) -> None:
        if not held:
            svc.deployment_blocked_at = None
        elif self._due(svc.deployment_blocked_at):
            service_status.deployment_blocked(self.state, svc)
            svc.deployment_blocked_at = self.state.now()

    def _due(self, last_reported: float | None) -> bool:
        """A repeated message waits for the reporting interval (six hours on AWS)."""
        return (last_reported is None
                or self.state.now() - last_reported >= self.state.timings.placement_failure_report_s)
