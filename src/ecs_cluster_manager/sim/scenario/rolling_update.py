"""`rolling_update`: the project stack's AutoScalingRollingUpdate, played on a provisioned group
the way simulated CloudFormation plays it (sim/cloudformation/providers/rolling_update.py), for
scenarios and forecasts that have no stack.

Follows "UpdatePolicy attribute"
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatepolicy.html)
with the template's policy: MinInstancesInService is the desired capacity (ClusterSize) and
MaxBatchSize the batch. A new launch template version; the group grows by up to a batch (within
MaxSize) and waits for the new instances; then old instances are terminated a batch at a time,
each batch replaced by as many new ones. As with CloudFormation, an old instance counts as
replaced once it leaves service for Terminating:Wait: the next batch does not wait for its drain
(awslabs/amazon-eks-ami#66), so drains can overlap. A new instance counts once InService (the
launch gate continues the action and signals SUCCESS right after). Unlike `replace_all`, which
waits for every old instance to be gone, this is what a stack update does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ecs_cluster_manager.sim.autoscaling.model import GroupInstance
from ecs_cluster_manager.sim.errors import AwsError

if TYPE_CHECKING:
    from ecs_cluster_manager.sim.scenario.actions import Timeline

IN_SERVICE = ("Pending", "Pending:Wait", "Pending:Proceed", "InService")
POLL_S = 5.0  # as CloudFormation's provider polls the group


class _RollingUpdate:
    def __init__(self, timeline: Timeline, version: int, batch: int) -> None:
        self.timeline = timeline
        self.version = version
        self.batch = max(1, batch)
        group = timeline.group
        self.desired, self.min_size, self.max_size = group.desired, group.min_size, group.max_size
        self.autoscaling = timeline.account.autoscaling
        self.total = 0

    def _members(self) -> list[GroupInstance]:
        return sorted((m for m in self.timeline.group.instances.values()
                       if m.state in IN_SERVICE), key=lambda m: m.launched)

    def _old(self) -> list[str]:
        return [m.instance_id for m in self._members() if m.version_number < self.version]

    def _new_in_service(self) -> int:
        return sum(1 for m in self._members()
                   if m.state == "InService" and m.version_number >= self.version)

    def _update(self, **settings: int) -> None:
        self.autoscaling.handle("UpdateAutoScalingGroup", {
            "AutoScalingGroupName": self.timeline.group.name, **settings})

    def _when(self, done: Callable[[], bool], then: Callable[[], None]) -> None:
        def poll() -> None:
            if done():
                then()
            else:
                self.timeline.account.clock.call_later(POLL_S, poll)
        poll()

    def start(self) -> None:
        self.total = len(self._old())
        if self.desired >= self.max_size:
            self._finish("MinInstancesInService must be less than the autoscaling group's "
                         "MaxSize")
            return
        extra = max(0, min(self.batch, self.max_size - self.desired))
        size = self.desired + extra
        self._update(MinSize=size, DesiredCapacity=size)
        self._when(lambda: self._new_in_service() >= extra, self._next_batch)

    def _next_batch(self) -> None:
        old = self._old()
        if not old:
            self._update(MinSize=self.min_size, MaxSize=self.max_size,
                         DesiredCapacity=self.desired)
            self._finish(f"rolling update to version {self.version} finished")
            return
        victims = old[: self.batch]
        new_now = len(self._members()) - len(old)
        replacements = min(len(victims), max(0, self.desired - new_now))
        if replacements < len(victims):
            self._update(MinSize=self.min_size)
        for index, victim in enumerate(victims):
            try:
                self.autoscaling.handle("TerminateInstanceInAutoScalingGroup", {
                    "InstanceId": victim,
                    "ShouldDecrementDesiredCapacity": index >= replacements})
            except AwsError as error:
                self.timeline.note(f"could not retire {victim}: {error.message}")
        target = self._new_in_service() + replacements
        self._when(lambda: not set(victims) & {m.instance_id for m in self._members()},
                   lambda: self._when(lambda: self._new_in_service() >= target,
                                      self._next_batch))

    def _finish(self, text: str) -> None:
        self.timeline.note(text)
        self.timeline.busy -= 1


def rolling_update(timeline: Timeline, batch: int = 1, ami: str | None = None,
                   instance_type: str | None = None, agent: str = "ok") -> None:
    version = timeline.new_template_version(ami, instance_type, agent)
    timeline.busy += 1  # until the last batch is in
    _RollingUpdate(timeline, version, batch).start()
