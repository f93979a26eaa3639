"""Lifecycle actions: holding an instance in a wait state until every hook is completed.

Follows "Amazon EC2 Auto Scaling lifecycle hooks"
(https://docs.aws.amazon.com/autoscaling/ec2/userguide/lifecycle-hooks.html) and "Complete a
lifecycle action" (https://docs.aws.amazon.com/autoscaling/ec2/userguide/completing-lifecycle-hooks.html):

- each hook for the transition starts one action with its own LifecycleActionToken;
- an action ends when CompleteLifecycleAction names it (by token, or by instance id), or with the
  hook's DefaultResult when HeartbeatTimeout passes without RecordLifecycleActionHeartbeat (which
  restarts the heartbeat timer), or at the global timeout min(48 h, 100 x HeartbeatTimeout);
- the instance proceeds once all its actions ended with CONTINUE; an ABANDON ends the wait at once
  ("abandon stops any remaining actions, such as other lifecycle hooks");
- each action start is announced as an "EC2 Instance-launch Lifecycle Action" or
  "EC2 Instance-terminate Lifecycle Action" event in the shape of the event reference
  (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-event-reference.html);
  these events are best effort, so a fault may drop one. With a warm pool the launch hook runs
  twice, entering the pool (Origin EC2, Destination WarmPool) and leaving it (Origin WarmPool,
  Destination AutoScalingGroup), as "Warm pool lifecycle hooks" and the warm-pool event examples
  show (https://docs.aws.amazon.com/autoscaling/ec2/userguide/warm-pool-instance-lifecycle.html,
  https://docs.aws.amazon.com/autoscaling/ec2/userguide/warm-pools-eventbridge-events.html).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ecs_cluster_manager.sim.autoscaling.model import (
    CANCELLED,
    LAUNCHING,
    Group,
    GroupInstance,
    LifecycleAction,
    LifecycleHook,
)
from ecs_cluster_manager.sim.clock import VirtualClock
from ecs_cluster_manager.sim.errors import validation_error
from ecs_cluster_manager.sim.events.envelope import Publish
from ecs_cluster_manager.sim.ids import IdFactory

# (group, instance, transition, "CONTINUE" | "ABANDON") once the wait is over.
WaitOver = Callable[[Group, GroupInstance, str, str], None]
# Told about every action as it starts and as it ends (a harness checks invariants here).
Observer = Callable[[Group, GroupInstance, LifecycleAction], None]


class LifecycleActions:
    def __init__(self, clock: VirtualClock, ids: IdFactory, publish: Publish,
                 on_wait_over: WaitOver) -> None:
        self.clock = clock
        self.ids = ids
        self.publish = publish
        self.on_wait_over = on_wait_over
        self.by_token: dict[str, tuple[Group, GroupInstance, LifecycleAction]] = {}
        self.history: list[LifecycleAction] = []  # every action ever started, in order
        self.on_start: list[Observer] = []
        self.on_end: list[Observer] = []

    def start(self, group: Group, instance: GroupInstance, transition: str,
              route: tuple[str, str] | None = None) -> bool:
        """Start one action per hook; False when the group has no hook for `transition`.
        `route` is the event's (Origin, Destination); by default EC2 -> AutoScalingGroup for a
        launch and AutoScalingGroup -> EC2 for a termination."""
        hooks = group.hooks_for(transition)
        if not hooks:
            return False
        now = self.clock.now()
        instance.actions = []
        for hook in hooks:
            action = LifecycleAction(
                token=self.ids.uuid(), hook=hook, instance_id=instance.instance_id, started=now,
                heartbeat_deadline=now + hook.heartbeat_timeout_s,
                global_deadline=now + hook.global_timeout_s)
            instance.actions.append(action)
            self.by_token[action.token] = (group, instance, action)
            self.history.append(action)
            self._arm(group, instance, action)
        for action in instance.actions:
            for observer in self.on_start:
                observer(group, instance, action)
            self._announce(group, action, transition, route)
        return True

    def _announce(self, group: Group, action: LifecycleAction, transition: str,
                  route: tuple[str, str] | None) -> None:
        launching = transition == LAUNCHING
        detail: dict[str, Any] = {
            "LifecycleActionToken": action.token,
            "AutoScalingGroupName": group.name,
            "LifecycleHookName": action.hook.name,
            "EC2InstanceId": action.instance_id,
            "LifecycleTransition": transition,
        }
        if action.hook.metadata is not None:
            detail["NotificationMetadata"] = action.hook.metadata
        if route is None:
            route = ("EC2", "AutoScalingGroup") if launching else ("AutoScalingGroup", "EC2")
        detail["Origin"], detail["Destination"] = route
        kind = "launch" if launching else "terminate"
        self.publish("aws.autoscaling", f"EC2 Instance-{kind} Lifecycle Action", detail,
                     [group.arn])

    def _arm(self, group: Group, instance: GroupInstance, action: LifecycleAction) -> None:
        if action.timer is not None:
            action.timer.cancel()
        when = min(action.heartbeat_deadline, action.global_deadline)
        action.timer = self.clock.call_at(
            when, lambda: self.complete(group, instance, action, action.hook.default_result,
                                        by="timeout"))

    def find(self, group: Group, hook_name: str, token: str | None,
             instance_id: str | None) -> tuple[GroupInstance, LifecycleAction]:
        """The active action named by token or instance id, or AWS's ValidationError."""
        if token:
            found = self.by_token.get(token)
            if found and found[0] is group and found[2].hook.name == hook_name and found[2].active:
                return found[1], found[2]
            raise validation_error(f"No active Lifecycle Action found with token {token}")
        if not instance_id:
            raise validation_error("Either instance id or lifecycle action token must be "
                                   "specified")
        instance = group.instances.get(instance_id)
        for action in instance.actions if instance else []:
            if action.hook.name == hook_name and action.active:
                return instance, action  # type: ignore[return-value]
        raise validation_error(f"No active Lifecycle Action found with instance ID {instance_id}")

    def heartbeat(self, group: Group, instance: GroupInstance, action: LifecycleAction) -> None:
        action.heartbeats += 1
        action.heartbeat_deadline = self.clock.now() + action.hook.heartbeat_timeout_s
        self._arm(group, instance, action)

    def complete(self, group: Group, instance: GroupInstance, action: LifecycleAction,
                 result: str, by: str) -> None:
        if not action.active:
            return
        self._end(action, result, by)
        for observer in self.on_end:
            observer(group, instance, action)
        if result == "ABANDON":
            for other in instance.actions:
                if other.active:
                    self._end(other, "ABANDON", "abandoned-with-sibling")
                    for observer in self.on_end:
                        observer(group, instance, other)
        if all(not a.active for a in instance.actions):
            outcome = "ABANDON" if any(a.result == "ABANDON" for a in instance.actions) \
                else "CONTINUE"
            transition = action.hook.transition
            instance.actions = []
            self.on_wait_over(group, instance, transition, outcome)

    def _end(self, action: LifecycleAction, result: str, by: str) -> None:
        action.result, action.completed_by, action.ended = result, by, self.clock.now()
        if action.timer is not None:
            action.timer.cancel()
        self.by_token.pop(action.token, None)

    def cancel_all(self, group: Group, instance: GroupInstance, by: str) -> None:
        """End the instance's active actions with no result from any hook: CANCELLED, and `by`
        says why ("instance-terminated", "group-deleted", "terminate-requested")."""
        for action in instance.actions:
            if action.active:
                self._end(action, CANCELLED, by)
                for observer in self.on_end:
                    observer(group, instance, action)
        instance.actions = []


def hook_from_params(group: str, params: dict[str, Any]) -> LifecycleHook:
    """A hook from PutLifecycleHook or a LifecycleHookSpecification, validated as AWS does."""
    heartbeat = params.get("HeartbeatTimeout", 3600)
    if not 30 <= heartbeat <= 7200:
        raise validation_error(
            f"Heartbeat timeout {heartbeat} is out of range; valid values are 30 to 7200")
    result = params.get("DefaultResult", "ABANDON")
    if result not in ("CONTINUE", "ABANDON"):
        raise validation_error(f"Invalid DefaultResult {result}; use CONTINUE or ABANDON")
    transition = params.get("LifecycleTransition")
    if transition not in (LAUNCHING, "autoscaling:EC2_INSTANCE_TERMINATING"):
        raise validation_error(f"Invalid Lifecycle Transition {transition}")
    return LifecycleHook(
        name=params["LifecycleHookName"], group=group, transition=transition,
        heartbeat_timeout_s=heartbeat, default_result=result,
        metadata=params.get("NotificationMetadata"), role_arn=params.get("RoleARN"),
        target_arn=params.get("NotificationTargetARN"))
