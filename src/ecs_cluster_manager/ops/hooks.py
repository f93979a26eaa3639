"""The operator's override for an instance held on a lifecycle hook: continue, abandon, or
heartbeat (Auto Scaling API Reference, CompleteLifecycleAction and
RecordLifecycleActionHeartbeat). Continuing a terminate action while a task on the instance is
not STOPPED kills that task, so it is refused unless forced."""

from __future__ import annotations

from dataclasses import dataclass

from ecs_cluster_manager.ops import cluster_reads
from ecs_cluster_manager.ops.failures import OperationFailed
from ecs_cluster_manager.ops.session import Clients
from ecs_cluster_manager.ops.stack import read_stack

TRANSITIONS = {"Pending:Wait": "autoscaling:EC2_INSTANCE_LAUNCHING",
               "Warmed:Pending:Wait": "autoscaling:EC2_INSTANCE_LAUNCHING",
               "Terminating:Wait": "autoscaling:EC2_INSTANCE_TERMINATING"}
ACTIONS = ("continue", "abandon", "heartbeat")


@dataclass(frozen=True)
class HookOverride:
    instance_id: str
    hook: str
    state: str
    action: str


def _held_state(clients: Clients, group_name: str, instance_id: str) -> str:
    group = cluster_reads.group(clients, group_name) or {}
    state = next((m["LifecycleState"] for m in group.get("Instances", [])
                  if m["InstanceId"] == instance_id), None)
    if state is None:
        raise OperationFailed(f"{instance_id} is not in group {group_name}; `ecm status` lists "
                              "its instances.")
    if state not in TRANSITIONS:
        raise OperationFailed(f"{instance_id} is {state}, not held on a lifecycle hook; "
                              "nothing to do.")
    return str(state)


def _refuse_live_tasks(clients: Clients, cluster: str | None, instance_id: str) -> None:
    container = next((c for c in cluster_reads.container_instances(clients, cluster)
                      if c.get("ec2InstanceId") == instance_id), None)
    if cluster is None or container is None:
        return
    live = cluster_reads.live_tasks(clients, cluster, container["containerInstanceArn"])
    if live:
        names = ", ".join(sorted(t["taskArn"].rsplit("/", 1)[-1] for t in live)[:3])
        raise OperationFailed(f"{instance_id} still has {len(live)} task(s) not STOPPED "
                              f"({names}); continuing would kill them. Wait for the drain, or "
                              "pass --force.")


def override(clients: Clients, stack: str, instance_id: str, action: str, *,
             force: bool = False) -> HookOverride:
    """Complete (CONTINUE/ABANDON) or extend the instance's lifecycle action."""
    refs = read_stack(clients, stack)
    if refs.group is None:
        raise OperationFailed(f"stack {stack} has no Auto Scaling group (yet).")
    state = _held_state(clients, refs.group, instance_id)
    autoscaling = clients("autoscaling")
    hooks = autoscaling.describe_lifecycle_hooks(AutoScalingGroupName=refs.group)["LifecycleHooks"]
    hook = next((h["LifecycleHookName"] for h in hooks
                 if h["LifecycleTransition"] == TRANSITIONS[state]), None)
    if hook is None:
        raise OperationFailed(f"group {refs.group} has no hook for {TRANSITIONS[state]}.")
    target = {"LifecycleHookName": hook, "AutoScalingGroupName": refs.group,
              "InstanceId": instance_id}
    if action == "heartbeat":
        autoscaling.record_lifecycle_action_heartbeat(**target)
    else:
        if action == "continue" and state == "Terminating:Wait" and not force:
            _refuse_live_tasks(clients, refs.cluster, instance_id)
        autoscaling.complete_lifecycle_action(LifecycleActionResult=action.upper(), **target)
    return HookOverride(instance_id, hook, state, action)
