"""Health checks: how Auto Scaling notices an instance that EC2 took away behind its back.

Follows "Health checks for instances in an Auto Scaling group"
(https://docs.aws.amazon.com/autoscaling/ec2/userguide/healthcheck.html) and
"About the health checks" (https://docs.aws.amazon.com/autoscaling/ec2/userguide/health-checks-overview.html):
the EC2 status check finds an instance in any state other than `running` unhealthy, and Auto
Scaling then replaces it ("instances are usually terminated within a few minutes after failing
their health check"). An operator's TerminateInstances or a Spot interruption is therefore noticed
only at a health check, and no lifecycle hook runs for it. With the HealthCheck process suspended
nothing is noticed; with ReplaceUnhealthy suspended the instance is marked Unhealthy but stays
(https://docs.aws.amazon.com/autoscaling/ec2/userguide/understand-how-suspending-processes-affects-other-processes.html,
https://docs.aws.amazon.com/autoscaling/ec2/userguide/suspend-resume-considerations.html). A
CloudFormation rolling update typically suspends both, so a lost instance waits for the update.

AWS documents no check period. Harsher reading: the simulator notices a lost instance only at
the first check `interval_s` (60 s, settable) after EC2 changed its state, and again after a
resume; until then the instance still counts toward capacity and its lifecycle actions stay
active, as Auto Scaling does not know better.
"""

from __future__ import annotations

from collections.abc import Callable

from ecs_cluster_manager.sim.autoscaling.model import Group, GroupInstance
from ecs_cluster_manager.sim.clock import Timer, VirtualClock
from ecs_cluster_manager.sim.ec2.backend import Ec2Backend

INTERVAL_S = 60.0
Replace = Callable[[Group, GroupInstance], None]


class HealthChecks:
    def __init__(self, clock: VirtualClock, ec2: Ec2Backend, replace: Replace) -> None:
        self.clock = clock
        self.ec2 = ec2
        self.replace = replace
        self.interval_s = INTERVAL_S
        self._timers: dict[str, Timer] = {}

    def failing(self, group: Group) -> list[GroupInstance]:
        """Members EC2 no longer runs that Auto Scaling has not yet taken out of service (warm
        pool instances are stopped on purpose: their checks are out of scope here)."""
        return [m for m in group.instances.values()
                if not m.state.startswith(("Terminating", "Terminated", "Warmed:"))
                and self._lost(m.instance_id)]

    def _lost(self, instance_id: str) -> bool:
        instance = self.ec2.instances.get(instance_id)
        return instance is None or instance.state not in ("pending", "running")

    def schedule(self, group: Group) -> None:
        """Check the group's health at the next check (once it has a failing member)."""
        if group.name in self._timers or not self.failing(group):
            return
        self._timers[group.name] = self.clock.call_later(self.interval_s,
                                                          lambda: self.check(group))

    def check(self, group: Group) -> None:
        self._timers.pop(group.name, None)
        if group.deleting or "HealthCheck" in group.suspended:
            return
        for member in self.failing(group):
            member.health = "Unhealthy"
            if "ReplaceUnhealthy" not in group.suspended:
                self.replace(group, member)
