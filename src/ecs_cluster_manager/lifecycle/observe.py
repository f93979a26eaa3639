"""Observe: the few targeted reads each gate needs for one instance, turned into observations.

Budget per instance per wake-up: one EC2 read, and ECS reads independent of cluster size
(DescribeContainerInstances, ListTasks, DescribeTasks; plus ListContainerInstances when the
container instance ARN is not yet remembered in the instance's tags, or the remembered one is no
longer ACTIVE/DRAINING, and one DescribeServices per ten services the drain waits for). Only
`cluster` scope lists the whole cluster. The launch gate reads tasks only while it abandons an
instance that joined ECS.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import ecs_reads
from .aws import Clients
from .config import SWEEP_PERIOD_S, Config
from .decide_launch import JOINED, LaunchObservation, launch_timed_out
from .decide_terminate import NOTHING_TO_DRAIN, TerminateObservation
from .drain_record import (
    CONTAINER_INSTANCE_TAG,
    DRAIN_STARTED_TAG,
    HEARTBEAT_TAG,
    LAUNCH_WAIT_TAG,
    SIGNAL_OWED_TAG,
    epoch_tag,
    record_from_tags,
)
from .ec2_reads import Ec2Instance, describe_instance
from .model import ContainerInstance, TaskView
from .timing import plausible_start

# A launch this recent is taken to have started its wait at its EC2 LaunchTime (two sweeps).
FRESH_LAUNCH_S = 2 * SWEEP_PERIOD_S


@dataclass(frozen=True)
class Target:
    """One instance waiting on our hook, and what the trigger told us about it."""

    instance_id: str
    event_time: float | None = None
    destination: str | None = None
    from_sweep: bool = False
    container_instance_arn: str = ""  # from an ECS event: a hint, checked like a remembered one
    # Auto Scaling said it waits on our hook (a lifecycle event's check, the sweep's own read).
    # An unverified target is checked only before an action Auto Scaling would not refuse by
    # itself for an instance that is not waiting (runtime.GUARDED).
    verified: bool = False


def _launch_wait_start(ec2: Ec2Instance, event_start: float | None, now: float) -> tuple[float, bool]:
    """The earliest known start of the launch wait, and whether our tag already holds it.

    EC2 LaunchTime only for an instance launched within the last FRESH_LAUNCH_S: a fresh launch's
    wait starts right after it (its lifecycle event is not looked at, see launch.py), while an
    instance leaving a running warm pool keeps a LaunchTime from when it entered the pool, and
    one that entered less than FRESH_LAUNCH_S ago makes the wait look that much older at most.
    A tag older than this action's event by more than a sweep period was left by an earlier action.
    """
    remembered = epoch_tag(ec2.tags, LAUNCH_WAIT_TAG)
    if remembered is not None and event_start is not None and remembered < event_start - SWEEP_PERIOD_S:
        remembered = None
    known = [t for t in (event_start, remembered) if t is not None]
    launched = ec2.launch_time
    if not known and launched is not None and 0 <= now - launched <= FRESH_LAUNCH_S:
        known.append(launched)
    return min([*known, now]), remembered is not None


def observe_launch(clients: Clients, config: Config, target: Target, now: float) -> LaunchObservation:
    if target.destination == "WarmPool":
        started = plausible_start(target.event_time, now, config) or now
        return LaunchObservation(target.instance_id, now, started, "pending", None, target.destination)
    ec2 = describe_instance(clients.ec2, target.instance_id)
    event_start = plausible_start(target.event_time, now, config, not_before=ec2.launch_time)
    started, remembered = _launch_wait_start(ec2, event_start, now)
    instance = None
    if ec2.exists:
        instance = _current_container_instance(clients, config, target.instance_id,
                                               target.container_instance_arn, include_health=True)
    live: tuple[TaskView, ...] = ()
    complete = False
    if instance is not None and instance.status in JOINED and launch_timed_out(now - started, config):
        live, complete = ecs_reads.live_tasks_on(clients.ecs, config.cluster, instance)
    return LaunchObservation(
        instance_id=target.instance_id,
        now=now,
        started_at=started,
        ec2_state=ec2.state if ec2.exists else None,
        container_instance=instance,
        destination=target.destination,
        wait_remembered=remembered,
        launch_time=ec2.launch_time,
        last_heartbeat_at=epoch_tag(ec2.tags, HEARTBEAT_TAG),
        stale_tags=tuple(k for k in (LAUNCH_WAIT_TAG, HEARTBEAT_TAG, DRAIN_STARTED_TAG)
                         if epoch_tag(ec2.tags, k) is not None),
        live_tasks=live,
        tasks_complete=complete,
        group=ec2.group,
        signal_owed=epoch_tag(ec2.tags, SIGNAL_OWED_TAG) is not None,
    )


def _current_container_instance(clients: Clients, config: Config, instance_id: str,
                                hint: str, include_health: bool = False) -> ContainerInstance | None:
    """A remembered ARN (or an event's) is a hint, never the truth: an agent that re-registered
    has a new one, so a hinted registration that is not ACTIVE or DRAINING is looked up afresh."""
    instance = ecs_reads.find_container_instance(clients.ecs, config.cluster, instance_id, hint,
                                                 include_health)
    if hint and (instance is None or instance.status not in JOINED):
        fresh = ecs_reads.find_container_instance(clients.ecs, config.cluster, instance_id,
                                                  include_health=include_health)
        instance = fresh or instance
    return instance


def observe_terminate(clients: Clients, config: Config, target: Target, now: float) -> TerminateObservation:
    ec2 = describe_instance(clients.ec2, target.instance_id)
    event_start = plausible_start(target.event_time, now, config, not_before=ec2.launch_time)
    base = TerminateObservation(target.instance_id, now, ec2.exists, None, None, event_time=event_start,
                                group=ec2.group)
    if not ec2.exists:
        return base
    record = record_from_tags(ec2.tags)
    hint = record.container_instance_arn if record else ec2.tags.get(CONTAINER_INSTANCE_TAG, "")
    instance = _current_container_instance(clients, config, target.instance_id, hint)
    heartbeat = epoch_tag(ec2.tags, HEARTBEAT_TAG)
    base = TerminateObservation(target.instance_id, now, True, instance, record, event_time=event_start,
                                last_heartbeat_at=heartbeat, group=ec2.group)
    if instance is None or instance.status in NOTHING_TO_DRAIN:
        return base
    live, complete = ecs_reads.live_tasks_on(clients.ecs, config.cluster, instance)
    services = None
    unsettled: tuple[str, ...] = ()
    if record is not None and complete and not live:
        if config.stability_scope == "cluster" or record.overflow:
            services = ecs_reads.all_services(clients.ecs, config.cluster, now)
            if config.stability_scope == "cluster":
                unsettled = ecs_reads.unsettled_cluster_tasks(clients.ecs, config.cluster)
        else:
            services = ecs_reads.describe_services(clients.ecs, config.cluster, record.services, now)
    return TerminateObservation(
        instance_id=target.instance_id, now=now, ec2_exists=True, container_instance=instance,
        record=record, live_tasks=live, tasks_complete=complete, services=services,
        unsettled_cluster_tasks=unsettled, event_time=event_start, last_heartbeat_at=heartbeat,
        group=ec2.group,
    )
