"""AutoScalingRollingUpdate: replace a group's instances in batches during a stack update.

Follows "UpdatePolicy attribute"
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatepolicy.html):
the processes in SuspendProcesses are suspended for the update; to keep MinInstancesInService
in service the group is temporarily grown (within MaxSize) by up to MaxBatchSize new instances;
then old instances are terminated MaxBatchSize at a time, each batch replaced by new ones; with
WaitOnResourceSignals every batch must send its signals within PauseTime (else PauseTime is
simply waited), and fewer than MinSuccessfulInstancesPercent SUCCESS signals fail the update.
As users observe (awslabs/amazon-eks-ami#66), an old instance counts as replaced as soon as it
leaves service for Terminating:Wait: the terminate lifecycle hook is not waited for.
MinInstancesInService "must be less than the Auto Scaling group's MaxSize" (same page): a rolling
update with MinInstancesInService >= MaxSize fails at once, with the message AWS gives
(awsdocs/aws-cloudformation-user-guide#164 quotes it), before any process is suspended. Whether
the rollback's own rolling update is refused too is not documented; we take the harsher reading
that it is, so the stack ends UPDATE_ROLLBACK_FAILED (the template's Rules prevent this).
"""

from __future__ import annotations

from typing import Any

from ecs_cluster_manager.sim.cloudformation.model import StackResource
from ecs_cluster_manager.sim.cloudformation.process import Step, Wait
from ecs_cluster_manager.sim.cloudformation.providers.base import Context, ResourceFailed
from ecs_cluster_manager.sim.cloudformation.providers.signals import await_signals, duration_s

IN_SERVICE = ("Pending", "Pending:Wait", "Pending:Proceed", "InService")
SETTLE_S = 10.0  # let the group act on a new configuration before reading it back
_BATCH_TIMEOUT = ("Failed to receive {missing} resource signal(s) for the current batch.  Each "
                  "resource signal timeout is counted as a FAILURE.")


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


class RollingUpdate:
    def __init__(self, ctx: Context, resource: StackResource, params: dict[str, Any],
                 policy: dict[str, Any]) -> None:
        self.ctx = ctx
        self.resource = resource
        self.params = params
        self.client = ctx.client("autoscaling")
        self.name = resource.physical_id
        self.batch = max(1, int(policy.get("MaxBatchSize", 1)))
        self.min_in_service = int(policy.get("MinInstancesInService", 0))
        self.min_percent = int(policy.get("MinSuccessfulInstancesPercent", 100))
        self.wait_signals = _truthy(policy.get("WaitOnResourceSignals", False))
        self.pause_text = str(policy.get("PauseTime", "PT5M" if self.wait_signals else "PT0S"))
        self.pause_s = duration_s(self.pause_text)
        self.suspend = list(policy.get("SuspendProcesses", []))
        self.target = (params["LaunchTemplate"]["LaunchTemplateId"],
                       str(params["LaunchTemplate"]["Version"]))
        self.desired = int(params.get("DesiredCapacity", params["MinSize"]))
        self.min_size, self.max_size = int(params["MinSize"]), int(params["MaxSize"])

    def _instances(self) -> list[dict[str, Any]]:
        groups = self.client.describe_auto_scaling_groups(AutoScalingGroupNames=[self.name])
        instances: list[dict[str, Any]] = groups["AutoScalingGroups"][0]["Instances"]
        return [i for i in instances if i["LifecycleState"] in IN_SERVICE]

    def _obsolete(self, instances: list[dict[str, Any]]) -> list[str]:
        return [i["InstanceId"] for i in instances
                if (i["LaunchTemplate"]["LaunchTemplateId"], str(i["LaunchTemplate"]["Version"]))
                != self.target]

    def _say(self, reason: str) -> None:
        self.ctx.emit(self.resource, self.resource.status, reason)

    def run(self) -> Step[None]:
        if self.min_in_service >= self.max_size:
            raise ResourceFailed("MinInstancesInService must be less than the autoscaling "
                                 "group's MaxSize")
        if self.suspend:
            self.client.suspend_processes(AutoScalingGroupName=self.name,
                                          ScalingProcesses=self.suspend)
        try:
            yield from self._replace()
        finally:
            if self.suspend:
                self.client.resume_processes(AutoScalingGroupName=self.name,
                                             ScalingProcesses=self.suspend)

    def _replace(self) -> Step[None]:
        self.client.update_auto_scaling_group(**self.params)
        yield SETTLE_S
        old = self._obsolete(self._instances())
        if not old:
            return
        waiting = (f" Waiting on resource signals with a timeout of {self.pause_text} when new "
                   "instances are added to the autoscaling group." if self.wait_signals else "")
        self._say(f"Rolling update initiated. Terminating {len(old)} obsolete instance(s) in "
                  f"batches of {self.batch}, while keeping at least {self.min_in_service} "
                  f"instance(s) in service.{waiting}")
        extra = max(0, min(self.min_in_service + self.batch - self.desired,
                           self.max_size - self.desired))
        if extra:
            size = self.desired + extra
            self._say(f"Temporarily setting autoscaling group MinSize and DesiredCapacity to "
                      f"{size}.")
            self.client.update_auto_scaling_group(AutoScalingGroupName=self.name, MinSize=size,
                                                  DesiredCapacity=size)
            yield from self._after_launch(extra)
        total = len(old)
        while old := self._obsolete(self._instances()):
            yield from self._batch(old[: self.batch], total)
        self.client.update_auto_scaling_group(
            AutoScalingGroupName=self.name, MinSize=self.min_size, MaxSize=self.max_size,
            DesiredCapacity=self.desired)

    def _batch(self, victims: list[str], total: int) -> Step[None]:
        size = len(self._instances())
        current_new = size - len(self._obsolete(self._instances()))
        replacements = min(len(victims), max(0, self.desired - current_new))
        self._say(f"Terminating instance(s) [{', '.join(victims)}]; replacing with {replacements} new "
                  "instance(s).")
        if replacements < len(victims):
            self.client.update_auto_scaling_group(AutoScalingGroupName=self.name,
                                                  MinSize=self.min_size)
        for index, victim in enumerate(victims):
            self.client.terminate_instance_in_auto_scaling_group(
                InstanceId=victim, ShouldDecrementDesiredCapacity=index >= replacements)
        # Counted as replaced once out of service (Terminating:Wait), not once terminated.
        yield Wait(lambda: not set(victims) & {i["InstanceId"] for i in self._instances()},
                   None, poll_s=5.0)
        done = total - len(self._obsolete(self._instances()))
        self._say(f"Successfully terminated instance(s) [{', '.join(victims)}] (Progress "
                  f"{round(100 * done / total)}%).")
        if replacements:
            yield from self._after_launch(replacements)

    def _after_launch(self, count: int) -> Step[None]:
        if not self.wait_signals:
            yield self.pause_s
            return
        self._say(f"New instance(s) added to autoscaling group - Waiting on {count} resource "
                  f"signal(s) with a timeout of {self.pause_text}.")
        yield from await_signals(self.resource, count, self.pause_s, self.min_percent,
                                 _BATCH_TIMEOUT)
