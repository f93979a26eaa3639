"""The group's scaling processes: launching up to and terminating down to desired capacity.

Follows "Amazon EC2 Auto Scaling instance lifecycle"; the instances a scale-in picks follow the
termination policies (`termination_policies.py`).

An instance whose launch action is ABANDONed is terminated and replaced. AWS's documentation does
not say whether that termination runs the group's termination hooks; by default it does here
(`abandoned_launch_runs_terminate_hooks`), which is the more demanding case for a drain function:
it must cope with an instance that never joined the cluster.
An instance terminated directly through EC2 bypasses the hooks (as on AWS) and is replaced only
once a health check notices it (`health.py`).
"""

from __future__ import annotations

from collections import Counter

from ecs_cluster_manager.sim.autoscaling.health import HealthChecks
from ecs_cluster_manager.sim.autoscaling.lifecycle import LifecycleActions
from ecs_cluster_manager.sim.autoscaling.model import (
    LAUNCHING,
    TERMINATING,
    Activity,
    Group,
    GroupInstance,
)
from ecs_cluster_manager.sim.autoscaling.termination_policies import choose_victims
from ecs_cluster_manager.sim.autoscaling.warm_keeper import WarmPoolKeeper
from ecs_cluster_manager.sim.autoscaling.warm_pool import TO_POOL, in_pool
from ecs_cluster_manager.sim.clock import Timer, VirtualClock
from ecs_cluster_manager.sim.ec2.backend import Ec2Backend
from ecs_cluster_manager.sim.ec2.instances import Instance
from ecs_cluster_manager.sim.errors import AwsError
from ecs_cluster_manager.sim.events.envelope import Publish, iso_time
from ecs_cluster_manager.sim.ids import IdFactory


class Scaler:
    def __init__(self, clock: VirtualClock, ids: IdFactory, ec2: Ec2Backend, publish: Publish,
                 reconcile_delay_s: float = 2.0) -> None:
        self.clock = clock
        self.ids = ids
        self.ec2 = ec2
        self.reconcile_delay_s = reconcile_delay_s
        self.abandoned_launch_runs_terminate_hooks = True
        self.lifecycle = LifecycleActions(clock, ids, publish, self._wait_over)
        self.health = HealthChecks(clock, ec2, self._replace_unhealthy)
        self.warm = WarmPoolKeeper(self)
        self.owner: dict[str, Group] = {}  # instance id -> its group
        self.launch_order: list[tuple[str, str]] = []  # (group, instance id), oldest first
        self._pending: dict[str, Timer] = {}
        ec2.listeners.append(self._ec2_changed)

    # -- reconciling capacity -----------------------------------------------------------

    def schedule(self, group: Group) -> None:
        if group.name not in self._pending:
            self._pending[group.name] = self.clock.call_later(
                self.reconcile_delay_s, lambda: self.reconcile(group))

    def reconcile(self, group: Group) -> None:
        self._pending.pop(group.name, None)
        if group.deleting:
            return
        self.health.schedule(group)
        have = len(group.counted())
        if have < group.desired and "Launch" not in group.suspended:
            for _ in range(group.desired - have):
                cause = (f"At {self._now()} an instance was started in response to a difference "
                         f"between desired and actual capacity, increasing the capacity from "
                         f"{have} to {group.desired}.")
                if not self.warm.take(group, cause):
                    self.launch(group, cause)
        elif have > group.desired and "Terminate" not in group.suspended:
            for victim in self.choose_victims(group, have - group.desired):
                cause = (f"At {self._now()} an instance was taken out of service in response to "
                         f"a difference between desired and actual capacity, shrinking the "
                         f"capacity from {have} to {group.desired}.  At {self._now()} instance "
                         f"{victim.instance_id} was selected for termination.")
                self.begin_terminate(group, victim, cause)
        self.warm.fill(group)

    def current_version(self, group: Group) -> tuple[str, str, int, str]:
        """(template id, name, resolved version number, version as the group names it)."""
        spec = group.launch_template
        template = self.ec2.templates.find(spec.get("LaunchTemplateId"),
                                           spec.get("LaunchTemplateName"))
        named = spec.get("Version", "$Default")
        return template.template_id, template.name, template.resolve(named).number, named

    def launch(self, group: Group, cause: str, *, into_pool: bool = False) -> GroupInstance | None:
        """Launch an instance into the group, or into its warm pool."""
        template_id, template_name, number, named = self.current_version(group)
        data = self.ec2.templates.by_id[template_id].versions[number - 1].data
        zone = self._emptiest_zone(group)
        subnet = group.subnets[group.zones.index(zone)] if group.subnets else ""
        tags = {t["Key"]: t.get("Value", "") for t in group.tags if t.get("PropagateAtLaunch")}
        tags.update({"aws:autoscaling:groupName": group.name,
                     "aws:ec2launchtemplate:id": template_id,
                     "aws:ec2launchtemplate:version": str(number)})
        activity_id = self.ids.uuid()
        try:
            instance = self.ec2.launch(
                image_id=data.get("ImageId", ""), instance_type=data.get("InstanceType", ""),
                availability_zone=zone, user_data=data.get("UserData", ""), tags=tags,
                subnet_id=subnet, launch_template=(template_id, template_name, str(number)))
        except AwsError as error:
            failed = Activity(activity_id, group.name, "Launching a new EC2 instance.  "
                              f"Status Reason: {error.message}", cause, self.clock.now())
            failed.finish(self.clock.now(), "Failed", error.message)
            group.activities.append(failed)
            return None
        member = GroupInstance(instance.instance_id, instance.instance_type, zone,
                               (template_id, template_name, named), self.clock.now(),
                               protected=group.protect_new, activity_id=activity_id,
                               version_number=number,
                               state="Warmed:Pending" if into_pool else "Pending")
        group.instances[member.instance_id] = member
        self.owner[member.instance_id] = group
        self.launch_order.append((group.name, member.instance_id))
        where = " into warm pool" if into_pool else ""
        group.activities.append(Activity(
            activity_id, group.name, f"Launching a new EC2 instance{where}: {member.instance_id}",
            cause, self.clock.now()))
        pool = group.warm_pool
        self.ec2.set_target_lifecycle_state(
            instance, pool.settled_state() if into_pool and pool else "InService")
        if self.lifecycle.start(group, member, LAUNCHING, TO_POOL if into_pool else None):
            member.state = "Warmed:Pending:Wait" if into_pool else "Pending:Wait"
        elif into_pool:
            member.state = "Warmed:Pending:Proceed"
        return member

    def begin_terminate(self, group: Group, member: GroupInstance, cause: str) -> Activity:
        self.lifecycle.cancel_all(group, member, "terminate-requested")
        activity = Activity(self.ids.uuid(), group.name,
                            f"Terminating EC2 instance: {member.instance_id}", cause,
                            self.clock.now())
        group.activities.append(activity)
        member.activity_id = activity.activity_id
        member.state = "Terminating"
        instance = self.ec2.instances.get(member.instance_id)
        if instance is not None:
            self.ec2.set_target_lifecycle_state(instance, "Terminated")
        if self.lifecycle.start(group, member, TERMINATING):
            member.state = "Terminating:Wait"
        else:
            self._proceed_to_terminate(group, member)
        self.schedule(group)
        return activity

    def _proceed_to_terminate(self, group: Group, member: GroupInstance) -> None:
        member.state = "Terminating:Proceed"
        instance = self.ec2.instances.get(member.instance_id)
        if instance is not None and instance.state != "terminated":
            self.ec2.terminate(instance, "User initiated")
        elif instance is None or instance.state == "terminated":
            self.gone(group, member)  # EC2 got there first (terminated outside the group)

    def gone(self, group: Group, member: GroupInstance) -> None:
        member.state = "Warmed:Terminated" if in_pool(member) else "Terminated"
        done = self.activity(group, member.activity_id)
        if done is not None:
            done.finish(self.clock.now())
        group.instances.pop(member.instance_id, None)
        self.owner.pop(member.instance_id, None)
        self.schedule(group)

    # -- reactions ----------------------------------------------------------------------

    def _wait_over(self, group: Group, member: GroupInstance, transition: str,
                   result: str) -> None:
        if transition == TERMINATING:
            self._proceed_to_terminate(group, member)
        elif in_pool(member):
            if result == "CONTINUE":
                self.warm.proceed(group, member)
            else:
                self.warm.discard(group, member)
        elif result == "CONTINUE":
            member.state = "Pending:Proceed"
            if member.running:
                self.in_service(group, member)
        else:
            self._abandon_launch(group, member)

    def _abandon_launch(self, group: Group, member: GroupInstance) -> None:
        launch = self.activity(group, member.activity_id)
        if launch is not None:
            launch.finish(self.clock.now(), "Cancelled",
                          "Instance failed to complete user's Lifecycle Action: Lifecycle Action "
                          "Completed with ABANDON Result")
        member.abandoned = True
        cause = (f"At {self._now()} an instance was taken out of service in response to a "
                 f"launch failure: the lifecycle action was abandoned.")
        if self.abandoned_launch_runs_terminate_hooks:
            self.begin_terminate(group, member, cause)
        else:
            group.activities.append(Activity(self.ids.uuid(), group.name,
                                             f"Terminating EC2 instance: {member.instance_id}",
                                             cause, self.clock.now()))
            member.activity_id = group.activities[-1].activity_id
            self._proceed_to_terminate(group, member)
            self.schedule(group)

    def in_service(self, group: Group, member: GroupInstance) -> None:
        member.state = "InService"
        launch = self.activity(group, member.activity_id)
        if launch is not None:
            launch.finish(self.clock.now())

    def _ec2_changed(self, instance: Instance, previous: str) -> None:
        group = self.owner.get(instance.instance_id)
        member = group.instances.get(instance.instance_id) if group else None
        if group is None or member is None:
            return
        member.running = instance.state == "running"
        if instance.state == "running":
            if member.state in ("Pending", "Pending:Proceed"):
                self.in_service(group, member)
            elif member.state == "Warmed:Pending:Proceed":
                self.warm.settle(group, member)
        elif instance.state == "stopped" and member.state == "Warmed:Pending:Proceed":
            self.warm.stopped(group, member)
        elif instance.state == "terminated" and member.state.endswith("Terminating:Proceed"):
            self.gone(group, member)
        elif not instance.alive:
            self.health.schedule(group)  # noticed at the next health check, not now

    def _replace_unhealthy(self, group: Group, member: GroupInstance) -> None:
        """A health check found the instance stopped or terminated outside the group: its
        lifecycle actions end as cancelled, no hook runs, and a replacement launches."""
        self.lifecycle.cancel_all(group, member, "instance-terminated")
        cause = (f"At {self._now()} an instance was taken out of service in response to an EC2 "
                 "health check indicating it has been terminated or stopped.")
        activity = Activity(self.ids.uuid(), group.name,
                            f"Terminating EC2 instance: {member.instance_id}", cause,
                            self.clock.now())
        group.activities.append(activity)
        member.activity_id = activity.activity_id
        self._proceed_to_terminate(group, member)
        self.schedule(group)

    # -- termination policies -----------------------------------------------------------

    def choose_victims(self, group: Group, count: int) -> list[GroupInstance]:
        return choose_victims(group, count, self.current_version(group)[2])

    def _emptiest_zone(self, group: Group) -> str:
        counts = Counter(m.availability_zone for m in group.counted())
        return min(group.zones, key=lambda zone: (counts[zone], group.zones.index(zone)))

    @staticmethod
    def activity(group: Group, activity_id: str) -> Activity | None:
        for activity in reversed(group.activities):
            if activity.activity_id == activity_id:
                return activity
        return None

    def _now(self) -> str:
        return iso_time(self.clock.now())
