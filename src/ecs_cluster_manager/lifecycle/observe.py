"""Observe: the few targeted reads each gate needs for one instance, turned into observations.

Budget per instance per wake-up: one EC2 read, and ECS reads independent of cluster size
(DescribeContainerInstances, ListTasks, DescribeTasks; plus ListContainerInstances when the
container instance ARN is not yet remembered in the instance's tags, and one DescribeServices per
ten services the drain waits for). Only `cluster` scope lists the whole cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import ecs_reads
from .aws import Clients
from .config import Config
from .decide_launch import LaunchObservation
from .decide_terminate import NOTHING_TO_DRAIN, TerminateObservation
from .drain_record import CONTAINER_INSTANCE_TAG, record_from_tags
from .ec2_reads import describe_instance


@dataclass(frozen=True)
class Target:
    """One instance waiting on our hook, and what the trigger told us about it."""

    instance_id: str
    event_time: float | None = None
    destination: str | None = None
    from_sweep: bool = False


def observe_launch(clients: Clients, config: Config, target: Target, now: float) -> LaunchObservation:
    started = [t for t in (target.event_time,) if t is not None]
    if target.destination == "WarmPool":
        return LaunchObservation(target.instance_id, now, min(started or [now]), "pending", None,
                                 target.destination, target.from_sweep)
    ec2 = describe_instance(clients.ec2, target.instance_id)
    if ec2.launch_time is not None:
        started.append(ec2.launch_time)
    instance = None
    if ec2.exists:
        instance = ecs_reads.find_container_instance(
            clients.ecs, config.cluster, target.instance_id, include_health=True)
    return LaunchObservation(
        instance_id=target.instance_id,
        now=now,
        started_at=min(started or [now]),
        ec2_state=ec2.state if ec2.exists else None,
        container_instance=instance,
        destination=target.destination,
        from_sweep=target.from_sweep,
    )


def observe_terminate(clients: Clients, config: Config, target: Target, now: float) -> TerminateObservation:
    ec2 = describe_instance(clients.ec2, target.instance_id)
    base = TerminateObservation(target.instance_id, now, ec2.exists, None, None,
                                event_time=target.event_time, from_sweep=target.from_sweep)
    if not ec2.exists:
        return base
    record = record_from_tags(ec2.tags)
    hint = record.container_instance_arn if record else ec2.tags.get(CONTAINER_INSTANCE_TAG, "")
    instance = ecs_reads.find_container_instance(clients.ecs, config.cluster, target.instance_id, hint)
    if instance is None and hint:  # a remembered ARN that ECS no longer knows: look it up afresh
        instance = ecs_reads.find_container_instance(clients.ecs, config.cluster, target.instance_id)
    base = TerminateObservation(target.instance_id, now, True, instance, record,
                                event_time=target.event_time, from_sweep=target.from_sweep)
    if instance is None or instance.status in NOTHING_TO_DRAIN:
        return base
    live, complete = ecs_reads.live_tasks_on(clients.ecs, config.cluster, instance)
    services = None
    unsettled: tuple[str, ...] = ()
    if record is not None and complete and not live:
        if config.stability_scope == "cluster" or record.overflow:
            services = ecs_reads.all_services(clients.ecs, config.cluster)
            if config.stability_scope == "cluster":
                unsettled = ecs_reads.unsettled_cluster_tasks(clients.ecs, config.cluster)
        else:
            services = ecs_reads.describe_services(clients.ecs, config.cluster, record.services)
    return TerminateObservation(
        instance_id=target.instance_id, now=now, ec2_exists=True, container_instance=instance,
        record=record, live_tasks=live, tasks_complete=complete, services=services,
        unsettled_cluster_tasks=unsettled, event_time=target.event_time, from_sweep=target.from_sweep,
    )
