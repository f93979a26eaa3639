"""`verify`: an acceptance test of a deployed stack in the user's own account.

It adds one instance (desired capacity + 1) and follows it through the launch gate (held in
Pending:Wait, joined ECS, InService), then terminates that same instance through the group
with decrement (TerminateInstanceInAutoScalingGroup, ShouldDecrementDesiredCapacity) and
follows it through the drain gate (held in Terminating:Wait, DRAINING, no task left, services
steady, gone), and checks the desired capacity is back. Each step has a deadline taken from the
stack's own timeouts; the first step that misses it fails the run, with the functions' last
decisions about the instance.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from ecs_cluster_manager.ops import cluster_reads, logs
from ecs_cluster_manager.ops.failures import OperationFailed
from ecs_cluster_manager.ops.session import Clients
from ecs_cluster_manager.ops.stack import StackRefs, read_stack
from ecs_cluster_manager.ops.stack_status import Outcome, classify
from ecs_cluster_manager.ops.watch import busy

MARGIN_S = 300.0  # beyond the stack's own timeouts, for events and the one-minute sweep


@dataclass(frozen=True)
class StepResult:
    name: str
    passed: bool
    seconds: float
    detail: str = ""
    log_lines: list[str] = field(default_factory=list)


@dataclass
class _Probe:
    clients: Clients
    refs: StackRefs
    instance: str = ""

    def member_state(self) -> str | None:
        group = cluster_reads.group(self.clients, self.refs.group) or {}
        return next((m["LifecycleState"] for m in group.get("Instances", [])
                     if m["InstanceId"] == self.instance), None)

    def container(self) -> dict[str, Any] | None:
        return next((c for c in cluster_reads.container_instances(self.clients, self.refs.cluster)
                     if c.get("ec2InstanceId") == self.instance), None)

    def joined(self) -> bool:
        found = self.container()
        return bool(found and found["status"] == "ACTIVE" and found.get("agentConnected"))

    def draining_empty(self) -> bool:
        found = self.container()
        return found is None or (found["status"] in ("DRAINING", "INACTIVE")
                                 and found.get("runningTasksCount", 0) == 0
                                 and found.get("pendingTasksCount", 0) == 0)

    def services_steady(self) -> bool:
        return all(cluster_reads.is_steady(s)
                   for s in cluster_reads.services(self.clients, self.refs.cluster))


def _seconds(refs: StackRefs, name: str, default: float) -> float:
    try:
        return float(refs.parameters.get(name, default)) + MARGIN_S
    except ValueError:
        return default + MARGIN_S


def _preflight(clients: Clients, refs: StackRefs) -> dict[str, Any]:
    if classify(refs.status) is not Outcome.COMPLETE:
        raise OperationFailed(f"stack {refs.name} is {refs.status}; verify runs only on a "
                              "stack at rest (CREATE_COMPLETE or UPDATE_COMPLETE).")
    group = cluster_reads.group(clients, refs.group)
    if group is None:
        raise OperationFailed(f"stack {refs.name} has no Auto Scaling group.")
    states = {m["InstanceId"]: m["LifecycleState"] for m in group["Instances"]}
    if busy(states):
        raise OperationFailed("instances are launching or terminating ("
                              + ", ".join(f"{i} {s}" for i, s in busy(states).items())
                              + "); verify when the group is at rest.")
    if group["DesiredCapacity"] + 1 > group["MaxSize"]:
        raise OperationFailed(f"group {refs.group} is at its maximum ({group['MaxSize']}); "
                              "verify needs room for one more instance.")
    return group


def verify(clients: Clients, stack: str, *, poll_s: float = 15.0) -> Iterator[StepResult]:
    """Each step's result as it ends; stops after the first failure."""
    refs = read_stack(clients, stack)
    group = _preflight(clients, refs)
    desired = int(group["DesiredCapacity"])
    before = {m["InstanceId"] for m in group["Instances"]}
    probe = _Probe(clients, refs)
    autoscaling = clients("autoscaling")
    launch_s = _seconds(refs, "LaunchTimeoutSeconds", 3600.0)
    drain_s = _seconds(refs, "DrainTimeoutSeconds", 3600.0)

    def new_instance() -> bool:
        members = (cluster_reads.group(clients, refs.group) or {}).get("Instances", [])
        fresh = [m["InstanceId"] for m in members if m["InstanceId"] not in before]
        probe.instance = fresh[0] if fresh else ""
        return bool(fresh)

    def step(name: str, done: Callable[[], bool], limit_s: float) -> StepResult:
        start = clients.now()
        while not done():
            if clients.now() - start >= limit_s:
                return StepResult(name, False, clients.now() - start,
                                  f"not done after {limit_s:.0f} s", _last_words(clients, refs,
                                                                                 probe.instance))
            clients.sleep(poll_s)
        return StepResult(name, True, clients.now() - start, probe.instance)

    autoscaling.set_desired_capacity(AutoScalingGroupName=refs.group, DesiredCapacity=desired + 1,
                                     HonorCooldown=False)
    launch = [("a new instance is launched", new_instance, 600.0),
              ("launch hook holds it (Pending:Wait)",
               lambda: probe.member_state() in ("Pending:Wait", "InService"), 600.0),
              ("it joins ECS (ACTIVE, agent connected)", probe.joined, launch_s),
              ("the launch gate lets it in (InService)",
               lambda: probe.member_state() == "InService", launch_s)]
    for name, done, limit in launch:
        result = step(name, done, limit)
        yield result
        if not result.passed:
            # Put the capacity back; the group then removes an instance the usual way.
            autoscaling.set_desired_capacity(AutoScalingGroupName=refs.group,
                                             DesiredCapacity=desired, HonorCooldown=False)
            yield StepResult("desired capacity restored", True, 0.0, f"desired {desired}")
            return
    autoscaling.terminate_instance_in_auto_scaling_group(InstanceId=probe.instance,
                                                         ShouldDecrementDesiredCapacity=True)
    drain = [("terminate hook holds it (Terminating:Wait)",
              lambda: probe.member_state() in ("Terminating:Wait", "Terminating:Proceed", None),
              600.0),
             ("it drains (DRAINING, no task left)", probe.draining_empty, drain_s),
             ("services are steady again", probe.services_steady, drain_s),
             ("it is terminated", lambda: probe.member_state() in (None, "Terminated"), drain_s)]
    for name, done, limit in drain:
        result = step(name, done, limit)
        yield result
        if not result.passed:
            return
    capacity = (cluster_reads.group(clients, refs.group) or {}).get("DesiredCapacity")
    yield StepResult("desired capacity restored", capacity == desired, 0.0,
                     f"desired {capacity}, was {desired}")


def _last_words(clients: Clients, refs: StackRefs, instance: str) -> list[str]:
    """The functions' last decisions about the instance, to say why a step did not end."""
    if not instance:
        return []
    try:
        found = logs.decisions(clients, refs, since=clients.now() - 3 * 3600, instance=instance)
    except ClientError:  # the logs are a hint here; the failed step is the finding
        return []
    return [f"{d.record.get('function')}: {d.summary()}" for d in found[-5:]]
