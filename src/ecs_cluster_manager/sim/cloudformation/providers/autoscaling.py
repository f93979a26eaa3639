"""AWS::AutoScaling::AutoScalingGroup: create (with CreationPolicy), update (with
AutoScalingRollingUpdate), roll back and delete.

Properties map to CreateAutoScalingGroup as in the resource's reference page
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-autoscaling-autoscalinggroup.html).
A rolling update happens when the launch template (or VPCZoneIdentifier) changes and the
resource has an AutoScalingRollingUpdate policy; a size change alone is applied in place, and
CloudFormation does not wait for the new instances.
"""

from __future__ import annotations

from typing import Any

from ecs_cluster_manager.sim.cloudformation.model import StackResource
from ecs_cluster_manager.sim.cloudformation.process import Step
from ecs_cluster_manager.sim.cloudformation.providers.base import Context, Provider
from ecs_cluster_manager.sim.cloudformation.providers.rolling_update import RollingUpdate
from ecs_cluster_manager.sim.cloudformation.providers.signals import await_signals, duration_s

_CREATE_TIMEOUT = "Failed to receive {missing} resource signal(s) within the specified duration"
_ROLLING_KEYS = ("LaunchTemplate", "VPCZoneIdentifier")


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def group_params(name: str, props: dict[str, Any]) -> dict[str, Any]:
    """CreateAutoScalingGroup parameters from the resource's (string-valued) properties."""
    params: dict[str, Any] = {"AutoScalingGroupName": name, "MinSize": int(props["MinSize"]),
                              "MaxSize": int(props["MaxSize"])}
    if "DesiredCapacity" in props:
        params["DesiredCapacity"] = int(props["DesiredCapacity"])
    if "LaunchTemplate" in props:
        template = props["LaunchTemplate"]
        params["LaunchTemplate"] = {"LaunchTemplateId": template["LaunchTemplateId"],
                                    "Version": str(template["Version"])}
    if "VPCZoneIdentifier" in props:
        params["VPCZoneIdentifier"] = ",".join(props["VPCZoneIdentifier"])
    if "TerminationPolicies" in props:
        params["TerminationPolicies"] = list(props["TerminationPolicies"])
    return params


def _hooks(props: dict[str, Any]) -> list[dict[str, Any]]:
    hooks = []
    for spec in props.get("LifecycleHookSpecificationList", []):
        hook = dict(spec)
        if "HeartbeatTimeout" in hook:
            hook["HeartbeatTimeout"] = int(hook["HeartbeatTimeout"])
        hooks.append(hook)
    return hooks


class AutoScalingGroup(Provider):
    def create(self, ctx: Context, resource: StackResource, props: dict[str, Any]) -> Step[None]:
        name = props.get("AutoScalingGroupName") or ctx.physical_name(resource.logical_id, 255)
        params = group_params(name, props)
        params["LifecycleHookSpecificationList"] = _hooks(props)
        params["Tags"] = [{"Key": t["Key"], "Value": str(t["Value"]),
                           "PropagateAtLaunch": _flag(t.get("PropagateAtLaunch", False))}
                          for t in props.get("Tags", [])]
        ctx.client("autoscaling").create_auto_scaling_group(**params)
        resource.physical_id = name
        signal = ctx.definition.get("CreationPolicy", {}).get("ResourceSignal")
        if signal is None:
            yield 1.0
            return
        percent = int(ctx.definition["CreationPolicy"].get("AutoScalingCreationPolicy", {})
                      .get("MinSuccessfulInstancesPercent", 100))
        yield from await_signals(resource, int(signal.get("Count", 1)),
                                 duration_s(signal.get("Timeout", "PT5M")), percent,
                                 _CREATE_TIMEOUT)

    def update(self, ctx: Context, resource: StackResource, old: dict[str, Any],
               new: dict[str, Any]) -> Step[None]:
        client = ctx.client("autoscaling")
        for hook in _hooks(new):
            if hook not in _hooks(old):
                client.put_lifecycle_hook(AutoScalingGroupName=resource.physical_id, **hook)
        params = group_params(resource.physical_id, new)
        policy = ctx.definition.get("UpdatePolicy", {}).get("AutoScalingRollingUpdate")
        rolling = any(old.get(key) != new.get(key) for key in _ROLLING_KEYS)
        if policy is not None and rolling:
            yield from RollingUpdate(ctx, resource, params, policy).run()
        else:
            client.update_auto_scaling_group(**params)
            yield 1.0

    def delete(self, ctx: Context, resource: StackResource) -> Step[None]:
        ctx.client("autoscaling").delete_auto_scaling_group(
            AutoScalingGroupName=resource.physical_id, ForceDelete=True)
        yield 5.0
