"""Simulated Amazon EC2 Auto Scaling: the operations a function or a CLI uses on groups.

Each operation follows its page in the Auto Scaling API Reference
(https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_Operations.html); errors use the
codes and messages AWS returns (ValidationError, AlreadyExists, ResourceInUse). Every request
is first held to the service-side length and pattern limits (`sim/input_limits.py`). Lifecycle
behaviour is in `lifecycle.py`, scaling in `scaling.py`.
"""

from __future__ import annotations

from typing import Any

from ecs_cluster_manager.sim import input_limits
from ecs_cluster_manager.sim.autoscaling.lifecycle import hook_from_params
from ecs_cluster_manager.sim.autoscaling.model import PROCESSES, Group, dt
from ecs_cluster_manager.sim.autoscaling.scaling import Scaler
from ecs_cluster_manager.sim.autoscaling.warm_pool import WarmPool, in_pool, pool_members
from ecs_cluster_manager.sim.backend import Backend, Params, Response, paginate, with_next_token
from ecs_cluster_manager.sim.clock import VirtualClock
from ecs_cluster_manager.sim.ec2.backend import Ec2Backend
from ecs_cluster_manager.sim.errors import AwsError, validation_error
from ecs_cluster_manager.sim.events.envelope import Publish, iso_time
from ecs_cluster_manager.sim.ids import IdFactory


def _bad_token() -> AwsError:
    return AwsError("InvalidNextToken", "The token is not valid.")


class AutoScalingBackend(Backend):
    service = "autoscaling"

    def __init__(self, clock: VirtualClock, ids: IdFactory, region: str, account_id: str,
                 ec2: Ec2Backend, *, publish: Publish) -> None:
        self.clock = clock
        self.ids = ids
        self.region = region
        self.account_id = account_id
        self.ec2 = ec2
        self.groups: dict[str, Group] = {}
        self.scaler = Scaler(clock, ids, ec2, publish)

    def handle(self, operation: str, params: Params) -> Response:
        if operation in self.operations:
            input_limits.check(self.service, operation, params)
        return super().handle(operation, params)

    def group(self, name: str) -> Group:
        group = self.groups.get(name)
        if group is None:
            raise validation_error(f"AutoScalingGroup name not found - AutoScalingGroup {name} "
                                   "not found")
        return group

    def launched_instance(self, k: int, group: str | None = None) -> str:
        """Scenario API: the id of the k-th instance launched (k from 1; -1 the latest), counting
        every instance the group (or any group) ever launched, in launch order."""
        ids = [i for g, i in self.scaler.launch_order if group in (None, g)]
        if k == 0 or not -len(ids) <= k <= len(ids):
            where = f"group {group}" if group else "any group"
            raise LookupError(f"no instance number {k}: {len(ids)} launched into {where} so far")
        return ids[k - 1 if k > 0 else k]

    # -- groups -------------------------------------------------------------------------

    def CreateAutoScalingGroup(self, params: Params) -> Response:
        name = params["AutoScalingGroupName"]
        if name in self.groups:
            raise AwsError("AlreadyExists", f"AutoScalingGroup by this name already exists - "
                                            f"A group with the name {name} already exists")
        if "LaunchTemplate" not in params:
            raise validation_error("The ecm simulator models groups with a LaunchTemplate only.")
        spec = dict(params["LaunchTemplate"])
        self.ec2.templates.find(spec.get("LaunchTemplateId"), spec.get("LaunchTemplateName"))
        minimum: int = params["MinSize"]
        maximum: int = params["MaxSize"]
        desired: int = params.get("DesiredCapacity") or minimum
        self._check_sizes(minimum, maximum, desired)
        subnets = [s for s in params.get("VPCZoneIdentifier", "").split(",") if s]
        zones = params.get("AvailabilityZones") or [
            f"{self.region}{'abc'[i % 3]}" for i in range(len(subnets) or 3)]
        group = Group(
            name=name, arn=(f"arn:aws:autoscaling:{self.region}:{self.account_id}:"
                            f"autoScalingGroup:{self.ids.uuid()}:autoScalingGroupName/{name}"),
            launch_template=spec, min_size=minimum, max_size=maximum, desired=desired,
            zones=list(zones), subnets=subnets, created=self.clock.now(),
            termination_policies=list(params.get("TerminationPolicies") or ["Default"]),
            protect_new=params.get("NewInstancesProtectedFromScaleIn", False),
            tags=[dict(t) for t in params.get("Tags", [])],
            health_check_grace_s=params.get("HealthCheckGracePeriod", 300))
        for hook_params in params.get("LifecycleHookSpecificationList", []):
            hook = hook_from_params(name, hook_params)
            group.hooks[hook.name] = hook
        self.groups[name] = group
        self.scaler.schedule(group)
        return {}

    @staticmethod
    def _check_sizes(minimum: int, maximum: int, desired: int) -> None:
        if minimum > maximum:
            raise validation_error(f"Max bound, {maximum}, must be greater than or equal to "
                                   f"min bound, {minimum}")
        if not minimum <= desired <= maximum:
            raise validation_error(f"Desired capacity:{desired} must be between the specified "
                                   f"min size:{minimum} and max size:{maximum}")

    def UpdateAutoScalingGroup(self, params: Params) -> Response:
        group = self.group(params["AutoScalingGroupName"])
        minimum = params.get("MinSize", group.min_size)
        maximum = params.get("MaxSize", group.max_size)
        desired: int | None = params.get("DesiredCapacity")
        if desired is None:  # AWS moves desired into the new bounds
            desired = min(max(group.desired, minimum), maximum)
        self._check_sizes(minimum, maximum, desired)
        if "LaunchTemplate" in params:
            spec = dict(params["LaunchTemplate"])
            self.ec2.templates.find(spec.get("LaunchTemplateId"), spec.get("LaunchTemplateName"))
            group.launch_template = spec
        if "TerminationPolicies" in params:
            group.termination_policies = list(params["TerminationPolicies"])
        if "NewInstancesProtectedFromScaleIn" in params:
            group.protect_new = params["NewInstancesProtectedFromScaleIn"]
        group.min_size, group.max_size, group.desired = minimum, maximum, desired
        self.scaler.schedule(group)
        return {}

    def SetDesiredCapacity(self, params: Params) -> Response:
        group = self.group(params["AutoScalingGroupName"])
        desired = params["DesiredCapacity"]
        if desired > group.max_size:
            raise validation_error(f"New SetDesiredCapacity value {desired} is above max value "
                                   f"{group.max_size} for the AutoScalingGroup.")
        if desired < group.min_size:
            raise validation_error(f"New SetDesiredCapacity value {desired} is below min value "
                                   f"{group.min_size} for the AutoScalingGroup.")
        group.desired = desired
        self.scaler.schedule(group)
        return {}

    def DeleteAutoScalingGroup(self, params: Params) -> Response:
        """ForceDelete terminates the instances without running lifecycle hooks."""
        group = self.group(params["AutoScalingGroupName"])
        if group.instances and not params.get("ForceDelete"):
            raise AwsError("ResourceInUse", "You cannot delete an AutoScalingGroup while there "
                                            "are instances or pending Spot instance request(s) "
                                            "still in the group.")
        group.deleting = True
        for member in list(group.instances.values()):
            self.scaler.lifecycle.cancel_all(group, member, "group-deleted")
            member.state = "Terminating:Proceed"
            instance = self.ec2.instances.get(member.instance_id)
            if instance is not None:
                self.ec2.terminate(instance)
        self.groups.pop(group.name)
        return {}

    def DescribeAutoScalingGroups(self, params: Params) -> Response:
        names = params.get("AutoScalingGroupNames")
        groups = [self.groups[n] for n in names if n in self.groups] if names else list(
            self.groups.values())
        for spec in params.get("Filters", []):
            groups = [g for g in groups if _group_filter(g, spec)]
        page, token = paginate(groups, params.get("NextToken"), params.get("MaxRecords"),
                               default=50, maximum=100, bad_token=_bad_token)
        response: Response = {"AutoScalingGroups": [self._describe(g) for g in page]}
        return with_next_token(response, token)

    def _describe(self, group: Group) -> dict[str, Any]:
        described: dict[str, Any] = {
            "AutoScalingGroupName": group.name, "AutoScalingGroupARN": group.arn,
            "LaunchTemplate": dict(group.launch_template),
            "MinSize": group.min_size, "MaxSize": group.max_size,
            "DesiredCapacity": group.desired, "DefaultCooldown": 300,
            "AvailabilityZones": list(group.zones), "LoadBalancerNames": [],
            "TargetGroupARNs": [], "HealthCheckType": "EC2",
            "HealthCheckGracePeriod": group.health_check_grace_s,
            "Instances": [m.describe() for m in group.instances.values() if not in_pool(m)],
            "CreatedTime": dt(group.created),
            "SuspendedProcesses": [{"ProcessName": p, "SuspensionReason": r}
                                   for p, r in group.suspended.items()],
            "EnabledMetrics": [],
            "Tags": [{"ResourceId": group.name, "ResourceType": "auto-scaling-group",
                      "Key": t["Key"], "Value": t.get("Value", ""),
                      "PropagateAtLaunch": bool(t.get("PropagateAtLaunch"))} for t in group.tags],
            "TerminationPolicies": list(group.termination_policies),
            "NewInstancesProtectedFromScaleIn": group.protect_new,
            "ServiceLinkedRoleARN": (f"arn:aws:iam::{self.account_id}:role/aws-service-role/"
                                     "autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"),
        }
        if group.subnets:
            described["VPCZoneIdentifier"] = ",".join(group.subnets)
        if group.deleting:
            described["Status"] = "Delete in progress"
        if group.warm_pool is not None:
            described["WarmPoolConfiguration"] = group.warm_pool.describe()
            described["WarmPoolSize"] = len(pool_members(group))
        return described

    def DescribeAutoScalingInstances(self, params: Params) -> Response:
        ids = params.get("InstanceIds")
        members = [(g, m) for g in self.groups.values() for m in g.instances.values()
                   if not ids or m.instance_id in ids]
        page, token = paginate(members, params.get("NextToken"), params.get("MaxRecords"),
                               default=50, maximum=50, bad_token=_bad_token)
        response: Response = {"AutoScalingInstances": [m.describe(g.name) for g, m in page]}
        return with_next_token(response, token)

    def TerminateInstanceInAutoScalingGroup(self, params: Params) -> Response:
        instance_id = params["InstanceId"]
        group = self.scaler.owner.get(instance_id)
        member = group.instances.get(instance_id) if group else None
        if group is None or member is None or group.deleting:
            raise validation_error("Instance Id not found - No managed instance found for "
                                   f"instance ID: {instance_id}")
        decrement = params["ShouldDecrementDesiredCapacity"]
        now = iso_time(self.clock.now())
        cause = f"At {now} instance {instance_id} was taken out of service in response to a " \
                "user request"
        if member.state.startswith("Terminating"):
            raise validation_error(f"The instance {instance_id} is already terminating.")
        if decrement:
            if group.desired <= group.min_size:
                raise validation_error(
                    f"Currently, desiredSize equals minSize ({group.min_size}). Terminating "
                    "instance without replacement will violate group's min size constraint. "
                    "Either set shouldDecrementDesiredCapacity flag to false or lower group's "
                    "min size.")
            cause += (f", shrinking the capacity from {group.desired} to "
                      f"{group.desired - 1}.")
            group.desired -= 1
        else:
            cause += "."
        activity = self.scaler.begin_terminate(group, member, cause)
        return {"Activity": activity.describe()}

    def DescribeScalingActivities(self, params: Params) -> Response:
        name = params.get("AutoScalingGroupName")
        groups = [self.group(name)] if name else list(self.groups.values())
        activities = sorted((a for g in groups for a in g.activities),
                            key=lambda a: a.start, reverse=True)
        wanted = params.get("ActivityIds")
        if wanted:
            activities = [a for a in activities if a.activity_id in wanted]
        page, token = paginate(activities, params.get("NextToken"), params.get("MaxRecords"),
                               default=100, maximum=100, bad_token=_bad_token)
        response: Response = {"Activities": [a.describe() for a in page]}
        return with_next_token(response, token)

    def SuspendProcesses(self, params: Params) -> Response:
        group = self.group(params["AutoScalingGroupName"])
        for process in params.get("ScalingProcesses") or PROCESSES:
            group.suspended.setdefault(process, f"User suspended at {iso_time(self.clock.now())}")
        return {}

    def ResumeProcesses(self, params: Params) -> Response:
        group = self.group(params["AutoScalingGroupName"])
        for process in params.get("ScalingProcesses") or PROCESSES:
            group.suspended.pop(process, None)
        self.scaler.schedule(group)
        return {}

    # -- warm pools (`warm_pool.py`) --------------------------------------------------------

    def PutWarmPool(self, params: Params) -> Response:
        group = self.group(params["AutoScalingGroupName"])
        if group.warm_pool is not None and group.warm_pool.deleting:
            raise validation_error("The warm pool is being deleted; wait until it is gone.")
        group.warm_pool = WarmPool.from_params(params)
        self.scaler.schedule(group)
        return {}

    def DescribeWarmPool(self, params: Params) -> Response:
        group = self.group(params["AutoScalingGroupName"])
        members = [m for m in group.instances.values() if in_pool(m)]
        page, token = paginate(members, params.get("NextToken"), params.get("MaxRecords"),
                               default=50, maximum=50, bad_token=_bad_token)
        response: Response = {"Instances": [m.describe() for m in page]}
        if group.warm_pool is not None:
            response["WarmPoolConfiguration"] = group.warm_pool.describe()
        return with_next_token(response, token)

    def DeleteWarmPool(self, params: Params) -> Response:
        """The pool's instances are terminated; it is gone once they are (ForceDelete: now)."""
        group = self.group(params["AutoScalingGroupName"])
        if group.warm_pool is None:
            raise validation_error(f"No warm pool found for group {group.name}")
        group.warm_pool.deleting = True
        self.scaler.warm.fill(group)
        if params.get("ForceDelete"):
            group.warm_pool = None
        return {}

    # -- lifecycle hooks ----------------------------------------------------------------

    def PutLifecycleHook(self, params: Params) -> Response:
        group = self.group(params["AutoScalingGroupName"])
        existing = group.hooks.get(params["LifecycleHookName"])
        merged = dict(params)
        if existing is not None:
            merged.setdefault("LifecycleTransition", existing.transition)
            merged.setdefault("HeartbeatTimeout", existing.heartbeat_timeout_s)
            merged.setdefault("DefaultResult", existing.default_result)
        elif "LifecycleTransition" not in params:
            raise validation_error("LifecycleTransition must be specified when creating a "
                                   "lifecycle hook")
        if existing is None and len(group.hooks) >= 50:
            raise AwsError("LimitExceeded", "Maximum number of lifecycle hooks (50) reached")
        hook = hook_from_params(group.name, merged)
        group.hooks[hook.name] = hook
        return {}

    def DescribeLifecycleHooks(self, params: Params) -> Response:
        group = self.group(params["AutoScalingGroupName"])
        names = params.get("LifecycleHookNames")
        hooks = [h for n, h in group.hooks.items() if not names or n in names]
        return {"LifecycleHooks": [h.describe() for h in hooks]}

    def DeleteLifecycleHook(self, params: Params) -> Response:
        group = self.group(params["AutoScalingGroupName"])
        if group.hooks.pop(params["LifecycleHookName"], None) is None:
            raise validation_error(f"No Lifecycle Hook found with name "
                                   f"{params['LifecycleHookName']} for group {group.name}")
        return {}

    def CompleteLifecycleAction(self, params: Params) -> Response:
        group = self.group(params["AutoScalingGroupName"])
        result = params["LifecycleActionResult"]
        if result not in ("CONTINUE", "ABANDON"):
            raise validation_error("LifecycleActionResult must be CONTINUE or ABANDON")
        lifecycle = self.scaler.lifecycle
        member, action = lifecycle.find(group, params["LifecycleHookName"],
                                         params.get("LifecycleActionToken"),
                                         params.get("InstanceId"))
        lifecycle.complete(group, member, action, result, by="api")
        return {}

    def RecordLifecycleActionHeartbeat(self, params: Params) -> Response:
        group = self.group(params["AutoScalingGroupName"])
        lifecycle = self.scaler.lifecycle
        member, action = lifecycle.find(group, params["LifecycleHookName"],
                                        params.get("LifecycleActionToken"),
                                        params.get("InstanceId"))
        lifecycle.heartbeat(group, member, action)
        return {}


def _group_filter(group: Group, spec: dict[str, Any]) -> bool:
    name, values = spec.get("Name", ""), spec.get("Values", [])
    tags = {t["Key"]: t.get("Value", "") for t in group.tags}
    if name.startswith("tag:"):
        return tags.get(name[4:]) in values
    if name == "tag-key":
        return any(k in tags for k in values)
    if name == "tag-value":
        return any(v in tags.values() for v in values)
    raise validation_error(f"Filter name {name} is not valid")
