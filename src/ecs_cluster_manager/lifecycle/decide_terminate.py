"""The drain gate's decision: a pure function of what one wake-up observed.

Draining follows the Amazon ECS Developer Guide, "Draining Amazon ECS container instances":
DRAINING can only be set from ACTIVE; service tasks are replaced by the service scheduler within
the deployment configuration; standalone tasks (RunTask/StartTask) are NOT stopped by draining.
A task holds the instance until its lastStatus is STOPPED ("Amazon ECS task lifecycle"), which is
why tasks already stopping (desiredStatus STOPPED) count too.
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import Config
from .model import (
    Action,
    Complete,
    ContainerInstance,
    Decision,
    DrainRecord,
    Heartbeat,
    RecordDrainStart,
    ServiceView,
    SetDraining,
    StopTasks,
    TaskView,
)
from .timing import heartbeat_due

# Nothing can run on a container instance in these states, so there is nothing to drain.
NOTHING_TO_DRAIN = frozenset({"INACTIVE", "DEREGISTERING", "REGISTRATION_FAILED", "REGISTERING"})
MAX_BLOCKING = 20


@dataclass(frozen=True)
class TerminateObservation:
    instance_id: str
    now: float
    ec2_exists: bool
    container_instance: ContainerInstance | None
    record: DrainRecord | None
    live_tasks: tuple[TaskView, ...] = ()  # tasks on the instance whose lastStatus is not STOPPED
    tasks_complete: bool = False  # the view includes tasks already stopping (desiredStatus STOPPED)
    services: tuple[ServiceView, ...] | None = None  # observed only once no task is left
    unsettled_cluster_tasks: tuple[str, ...] = ()  # `cluster` scope only
    event_time: float | None = None  # the lifecycle event's time, when plausible (timing.py)
    last_heartbeat_at: float | None = None
    group: str | None = None  # the instance's aws:autoscaling:groupName tag, when EC2 read it

    @property
    def started_at(self) -> float:
        """The earliest known start of the action: the drain timeout and heartbeats count from it."""
        known = [self.now]
        if self.record is not None:
            known.append(self.record.started_at)
        if self.event_time is not None:
            known.append(self.event_time)
        return min(known)

    @property
    def waited_s(self) -> float:
        return max(0.0, self.now - self.started_at)


def _service_label(s: ServiceView) -> str:
    return (f"service {s.name}: running {s.running}/{s.desired}, pending {s.pending}, "
            f"deployments {s.deployments}" + (", tasks still starting or stopping" if s.settling else ""))


def _blocking(obs: TerminateObservation) -> tuple[str, ...]:
    labels = [t.label for t in obs.live_tasks]
    labels += [_service_label(s) for s in obs.services or () if not s.steady]
    labels += [f"cluster task {t} not settled" for t in obs.unsettled_cluster_tasks]
    if not labels and not obs.tasks_complete:
        labels.append("tasks already stopping not yet checked")
    return tuple(labels[:MAX_BLOCKING])


def _standalone_to_stop(obs: TerminateObservation, config: Config) -> tuple[str, ...]:
    if config.standalone_policy != "stop-after-grace" or obs.waited_s < config.standalone_grace_s:
        return ()
    return tuple(t.arn for t in obs.live_tasks if t.service is None and t.desired_status == "RUNNING")


def _wait(obs: TerminateObservation, config: Config, reason: str, actions: list[Action]) -> Decision:
    if heartbeat_due(obs.now, obs.started_at, obs.last_heartbeat_at, config):
        actions.insert(0, Heartbeat(obs.now))  # first: a later action's failure must not cost it
    starting = obs.record is None or any(isinstance(a, SetDraining) for a in actions)
    decision = "drain-started" if starting else "wait"
    return Decision(decision, reason, tuple(actions), _blocking(obs))


def _start(obs: TerminateObservation, ci: ContainerInstance) -> list[Action]:
    """Record the services on the instance, then drain it.

    A task placed while the drain was being started (between our ListTasks and DRAINING) belongs
    to a service the record may lack: any live task of an unrecorded service extends the record.
    An agent that re-registered has a new container instance: the record follows it.
    """
    actions: list[Action] = []
    seen = frozenset(t.service for t in obs.live_tasks if t.service)
    record = obs.record
    if record is None:
        actions.append(RecordDrainStart(DrainRecord(obs.started_at, seen, ci.arn)))
    elif record.container_instance_arn != ci.arn or not (record.overflow or seen <= record.services):
        services = frozenset() if record.overflow else record.services | seen
        actions.append(RecordDrainStart(DrainRecord(record.started_at, services, ci.arn, record.overflow)))
    if ci.status == "ACTIVE":
        actions.append(SetDraining(ci.arn))
    return actions


def decide_terminate(obs: TerminateObservation, config: Config) -> Decision:
    ci = obs.container_instance
    if not obs.ec2_exists:
        return Decision("continue", "EC2 instance already gone", (Complete("CONTINUE"),))
    if ci is None:
        return Decision("continue", "not registered with the cluster", (Complete("CONTINUE"),))
    if ci.status in NOTHING_TO_DRAIN:
        return Decision("continue", f"container instance {ci.status}", (Complete("CONTINUE"),))
    if obs.waited_s >= config.drain_timeout_s:
        result = config.drain_timeout_result
        reason = f"drain timeout {config.drain_timeout_s}s passed"
        return Decision(result.lower(), reason, (Complete(result),), _blocking(obs))
    actions = _start(obs, ci)
    if obs.record is None or any(isinstance(a, SetDraining) for a in actions):
        return _wait(obs, config, "drain started", actions)
    if obs.live_tasks or not obs.tasks_complete:
        stop = _standalone_to_stop(obs, config)
        if stop:
            actions.append(StopTasks(stop, f"standalone task past {config.standalone_grace_s}s grace"))
        return _wait(obs, config, f"{len(obs.live_tasks)} task(s) not STOPPED", actions)
    if obs.services is None:
        return _wait(obs, config, "services not observed yet", actions)
    unsteady = [s for s in obs.services if not s.steady]
    if unsteady or obs.unsettled_cluster_tasks:
        return _wait(obs, config, f"{len(unsteady)} service(s) not steady", actions)
    return Decision("continue", "drained and services steady", (Complete("CONTINUE"),))
