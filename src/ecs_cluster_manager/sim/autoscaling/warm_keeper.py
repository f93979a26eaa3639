"""Keeping a group's warm pool: filling it, settling instances in it, handing them to the group.

The behaviour and its AWS pages are described in `warm_pool.py`; this module moves instances.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_cluster_manager.sim.autoscaling.model import LAUNCHING, Activity, Group, GroupInstance
from ecs_cluster_manager.sim.autoscaling.warm_pool import FROM_POOL, in_pool, pool_members, ready
from ecs_cluster_manager.sim.events.envelope import iso_time

if TYPE_CHECKING:
    from ecs_cluster_manager.sim.autoscaling.scaling import Scaler


class WarmPoolKeeper:
    def __init__(self, scaler: Scaler) -> None:
        self.scaler = scaler

    def fill(self, group: Group) -> None:
        """Launch into the pool up to its size, or let go of ready instances beyond it."""
        pool = group.warm_pool
        if pool is None or "Launch" in group.suspended:
            return
        members = pool_members(group)
        wanted = pool.wanted(group)
        now = iso_time(self.scaler.clock.now())
        for _ in range(wanted - len(members)):
            cause = (f"At {now} an instance was launched into the warm pool in response to a "
                     f"difference between the warm pool's desired and actual size, increasing "
                     f"it from {len(members)} to {wanted}.")
            self.scaler.launch(group, cause, into_pool=True)
        excess = len(members) - wanted
        # Beyond its size the pool lets its newest ready instances go; a deleted pool, all.
        leaving = members if pool.deleting else list(reversed(ready(group)))
        for member in leaving[:max(0, excess)]:
            self.discard(group, member)
        if pool.deleting and not any(in_pool(m) for m in group.instances.values()):
            group.warm_pool = None  # its last instance is gone

    def proceed(self, group: Group, member: GroupInstance) -> None:
        """The warm-pool launch actions ended with CONTINUE."""
        member.state = "Warmed:Pending:Proceed"
        if member.running:
            self.settle(group, member)

    def settle(self, group: Group, member: GroupInstance) -> None:
        """The instance runs and its actions are over: stop it, or keep it running."""
        pool = group.warm_pool
        instance = self.scaler.ec2.instances.get(member.instance_id)
        if pool is None or instance is None:
            return
        if pool.pool_state == "Running":
            member.state = "Warmed:Running"
        else:
            self.scaler.ec2.stop(instance, "User initiated")

    def stopped(self, group: Group, member: GroupInstance) -> None:
        pool = group.warm_pool
        member.state = pool.settled_state() if pool is not None else "Warmed:Stopped"
        activity = self.scaler.activity(group, member.activity_id)
        if activity is not None:
            activity.finish(self.scaler.clock.now())

    def discard(self, group: Group, member: GroupInstance) -> None:
        """Terminate a pool instance (abandoned, beyond the pool's size, or the pool deleted)."""
        self.scaler.lifecycle.cancel_all(group, member, "warm-pool")
        member.state = "Warmed:Terminating:Proceed"
        instance = self.scaler.ec2.instances.get(member.instance_id)
        if instance is not None and instance.state != "terminated":
            self.scaler.ec2.set_target_lifecycle_state(instance, "Warmed:Terminated")
            self.scaler.ec2.terminate(instance, "User initiated")
        else:
            self.scaler.gone(group, member)
        self.scaler.schedule(group)

    def take(self, group: Group, cause: str) -> bool:
        """Move the oldest ready pool instance into the group; False when none is ready."""
        candidates = ready(group)
        if not candidates:
            return False
        member = candidates[0]
        instance = self.scaler.ec2.instances[member.instance_id]
        activity = Activity(self.scaler.ids.uuid(), group.name,
                            f"Launching a new EC2 instance from warm pool: {member.instance_id}",
                            cause, self.scaler.clock.now())
        group.activities.append(activity)
        member.activity_id = activity.activity_id
        member.state = "Pending"
        self.scaler.ec2.set_target_lifecycle_state(instance, "InService")
        if instance.state == "stopped":
            member.running = False
            self.scaler.ec2.start(instance)
        if self.scaler.lifecycle.start(group, member, LAUNCHING, FROM_POOL):
            member.state = "Pending:Wait"
        elif member.running:
            self.scaler.in_service(group, member)
        return True
