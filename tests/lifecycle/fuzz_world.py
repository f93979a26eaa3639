"""A simulated account for the event fuzz test: our group and a foreign one, instances in every state.

Every AWS call the functions make is recorded with its parameters and checked, at the moment it
is made, against the account's own model: nothing may change a group, hook, cluster or instance
that is not ours and waiting. Reads may look at any instance (a hostile payload can name one);
tags go only on our group's instances; a container instance is drained only when its EC2
instance waits on one of our hooks; completions and heartbeats name only our group and hooks,
and Auto Scaling refuses one for an action that is not waiting on that hook (the functions use
that refusal as their check, runtime.py), which the simulated account does.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from ecs_cluster_manager.lifecycle.aws import Clients
from ecs_cluster_manager.lifecycle.config import Config
from ecs_cluster_manager.sim import SimAccount

CLUSTER = "fuzz"
ASG, OTHER_ASG = "fuzz-ecs", "other-ecs"
LAUNCH_HOOK, TERMINATE_HOOK = "fuzz-launch-hook", "fuzz-terminate-hook"
WAIT_STATE = {LAUNCH_HOOK: ("Pending:Wait", "Warmed:Pending:Wait"),
              TERMINATE_HOOK: ("Terminating:Wait", "Warmed:Pending:Wait")}
LAUNCHING = "autoscaling:EC2_INSTANCE_LAUNCHING"
TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING"
_USER_DATA = base64.b64encode(f"#!/bin/bash\necho ECS_CLUSTER={CLUSTER} >> /etc/ecs/ecs.config\n".encode()).decode()
_LIFECYCLE_WRITES = ("CompleteLifecycleAction", "RecordLifecycleActionHeartbeat")


def _group(asg: Any, name: str, desired: int) -> None:
    hooks = [{"LifecycleHookName": hook, "LifecycleTransition": transition, "HeartbeatTimeout": 3600,
              "DefaultResult": "ABANDON"}
             for hook, transition in ((LAUNCH_HOOK, LAUNCHING), (TERMINATE_HOOK, TERMINATING))]
    asg.create_auto_scaling_group(
        AutoScalingGroupName=name, MinSize=0, MaxSize=10, DesiredCapacity=desired,
        LaunchTemplate={"LaunchTemplateName": "fuzz-nodes", "Version": "$Latest"},
        LifecycleHookSpecificationList=hooks)


@dataclass
class FuzzWorld:
    account: SimAccount
    config: Config
    clients: Clients
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, seed: int) -> FuzzWorld:
        account = SimAccount(seed=seed)
        ec2, asg, ecs = (account.client(s) for s in ("ec2", "autoscaling", "ecs"))
        ecs.create_cluster(clusterName=CLUSTER)
        ec2.create_launch_template(LaunchTemplateName="fuzz-nodes", LaunchTemplateData={
            "ImageId": "ami-00000001", "InstanceType": "m5.large", "UserData": _USER_DATA})
        _group(asg, ASG, 4)
        _group(asg, OTHER_ASG, 1)  # same hook names, same cluster: still not ours
        account.clock.run_for(120)  # all in Pending:Wait, registered with ECS
        ours = sorted(asg.describe_auto_scaling_groups(AutoScalingGroupNames=[ASG])[
            "AutoScalingGroups"][0]["Instances"], key=lambda i: i["InstanceId"])
        for member in ours[:2]:
            asg.complete_lifecycle_action(AutoScalingGroupName=ASG, LifecycleHookName=LAUNCH_HOOK,
                                          InstanceId=member["InstanceId"], LifecycleActionResult="CONTINUE")
        account.clock.run_for(5)
        asg.terminate_instance_in_auto_scaling_group(InstanceId=ours[0]["InstanceId"],
                                                     ShouldDecrementDesiredCapacity=False)
        account.clock.run_for(3)  # one in Terminating:Wait, its replacement still booting
        config = Config(cluster=CLUSTER, asg_name=ASG, launch_hook=LAUNCH_HOOK, terminate_hook=TERMINATE_HOOK,
                        launch_timeout_s=900, drain_timeout_s=900)
        clients = Clients(*(account.client(s) for s in ("autoscaling", "ecs", "ec2", "cloudformation")))
        world = cls(account, config, clients)
        for client in (clients.autoscaling, clients.ecs, clients.ec2, clients.cloudformation):
            client.meta.events.register("before-parameter-build", world._record)
        return world

    def now(self) -> float:
        return self.account.clock.now()

    def states(self) -> dict[str, tuple[str, str]]:
        """instance id -> (group, lifecycle state), from the model (no API call)."""
        return {m.instance_id: (g.name, m.state) for g in self.account.autoscaling.groups.values()
                for m in g.instances.values()}

    def ids(self) -> list[str]:
        return sorted(self.states())

    def waiting(self, instance_id: str, hooks: tuple[str, ...] = (LAUNCH_HOOK, TERMINATE_HOOK)) -> bool:
        group, state = self.states().get(instance_id, ("", ""))
        return group == ASG and any(state in WAIT_STATE[hook] for hook in hooks)

    def _record(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        operation = model.name
        self.calls.append((operation, dict(params)))
        problem = self._problem(operation, params)
        if problem:
            self.violations.append(f"{operation}: {problem} ({params})")

    def _ec2_of(self, container_instance_arn: str) -> str | None:
        state = self.account.ecs.state
        for ec2_id, registrations in state.registrations_by_ec2.items():
            if any(container_instance_arn in (r.arn, r.id) for r in registrations):
                return str(ec2_id)
        return None

    def _problem(self, operation: str, params: dict[str, Any]) -> str | None:
        if operation == "DescribeAutoScalingInstances":
            return None if 0 < len(params["InstanceIds"]) <= 50 else "not 1..50 instance ids"
        if operation == "DescribeAutoScalingGroups":
            return None if params.get("AutoScalingGroupNames") == [ASG] else "another group"
        if operation in _LIFECYCLE_WRITES:
            hook = params.get("LifecycleHookName", "")
            ours = params.get("AutoScalingGroupName") == ASG and hook in WAIT_STATE
            return None if ours else "another group or hook"
        if operation == "DescribeInstances":
            return None if params.get("InstanceIds") else "no instance id"
        if operation == "CreateTags":
            ids = params.get("Resources", [])
            return None if ids and all(self.states().get(i, ("",))[0] == ASG for i in ids) else "instance not ours"
        if operation == "UpdateContainerInstancesState":
            owners = [self._ec2_of(arn) for arn in params.get("containerInstances", [])]
            return None if owners and all(o and self.waiting(o) for o in owners) else "instance not ours and waiting"
        if "cluster" in params:
            return None if params["cluster"].rsplit("/", 1)[-1] == CLUSTER else "another cluster"
        return f"unexpected call {operation}"
