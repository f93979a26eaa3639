"""`ecm snapshot`'s operator side: a live cluster's shape, read through read-only calls
(`reads.py`), as the scenario schema holds it (`sim/scenario/spec.py`).

What cannot be read is said in `notes` and written into the scenario's description: standalone
tasks are assumed never to end (when a job ends is not in any API), and the instances' boot and
agent timings are the simulator's defaults.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from ecs_cluster_manager import template as cfn
from ecs_cluster_manager.forecast import reads
from ecs_cluster_manager.ops.session import Clients
from ecs_cluster_manager.ops.stack import read_stack
from ecs_cluster_manager.sim.scenario import spec

# The template parameters a roll depends on: the hooks, the gates' settings, the batch size.
ROLL_PARAMETERS = ("LifecycleHookHeartbeatTimeout", "LaunchTimeoutSeconds",
                   "LaunchRequiredAttributes", "LaunchRequireHealthOk", "DrainTimeoutSeconds",
                   "DrainTimeoutResult", "StabilityScope", "StandaloneTaskPolicy",
                   "StandaloneTaskGraceSeconds", "RollingUpdateBatchSize")
HEARTBEAT = "LifecycleHookHeartbeatTimeout"
TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING"


@dataclass(frozen=True)
class Snapshot:
    stack: str | None  # the stack it was read from, if any
    cluster: str
    group: str
    shape: spec.Cluster
    parameters: dict[str, str]  # template parameters (ROLL_PARAMETERS) as the stack has them
    notes: tuple[str, ...]  # what the snapshot could not read, or read approximately

    def scenario(self) -> spec.Scenario:
        source = f"stack {self.stack}" if self.stack else f"cluster {self.cluster}, group {self.group}"
        described = " ".join((f"Taken by ecm snapshot from {source}.", *self.notes))
        return spec.Scenario(
            name=f"snapshot of {self.cluster}", description=described,
            stack_name=_scenario_stack_name(self.stack or self.group),
            lifecycle=spec.Lifecycle(parameters=dict(self.parameters)), cluster=self.shape)


def _scenario_stack_name(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c == "-" else "-" for c in name).lstrip("-0123456789")
    return cleaned[:61] or "ecm"


def from_stack(clients: Clients, stack: str) -> Snapshot:
    """The stack's cluster and group, and the roll settings it was deployed with."""
    refs = read_stack(clients, stack)
    if not refs.cluster or not refs.group:
        raise reads.NotFound(f"stack {stack} has no cluster or group yet (status "
                             f"{refs.status}); snapshot it once it is created.")
    notes: list[str] = []
    parameters = fitting_parameters({k: v for k, v in refs.parameters.items()
                                     if k in ROLL_PARAMETERS}, notes)
    taken = from_cluster(clients, refs.cluster, refs.group, stack=refs.name,
                         parameters=parameters)
    return replace(taken, notes=(*notes, *taken.notes))


def fitting_parameters(values: dict[str, str], notes: list[str]) -> dict[str, str]:
    """The values this checkout's template accepts; the others are left at its defaults (a
    stack deployed from another version of the template may hold some), with a note."""
    kept = {}
    for name, value in values.items():
        try:
            spec.check_parameter_values({name: value}, "parameters")
        except ValueError as error:
            notes.append(f"The stack's {name}={value} does not fit this template ({error}); "
                         "simulated with the template's default.")
            continue
        kept[name] = value
    return kept


def from_cluster(clients: Clients, cluster: str, group_name: str, *, stack: str | None = None,
                 parameters: dict[str, str] | None = None) -> Snapshot:
    group = reads.group(clients, group_name)
    notes: list[str] = []
    values = dict(parameters or {})
    hooks = reads.lifecycle_hooks(clients, group_name)
    if not stack:
        notes.append("No stack was given: the functions' settings are the template's defaults.")
        heartbeat = next((h["HeartbeatTimeout"] for h in hooks
                          if h["LifecycleTransition"] == TERMINATING), None)
        if heartbeat is not None:
            values[HEARTBEAT] = str(_within_template(HEARTBEAT, int(heartbeat), notes))
    members = [m for m in group.get("Instances", [])
               if m.get("LifecycleState") == "InService"]
    types = Counter(str(m["InstanceType"]) for m in members if m.get("InstanceType"))
    images = Counter(reads.image_ids(clients, [m["InstanceId"] for m in members]).values())
    services = [_service(clients, s) for s in reads.services(clients, cluster)]
    shape = spec.Cluster(
        instances=int(group["DesiredCapacity"]), min_size=int(group["MinSize"]),
        max_size=int(group["MaxSize"]),
        instance_type=_most_common(types, "instance types", "m5.large", notes),
        ami=_most_common(images, "AMIs", "ami-00000000000000001", notes),
        services=services, standalone_tasks=_standalone(clients, cluster))
    if shape.standalone_tasks:
        notes.append("Standalone tasks are assumed never to end (no API says when a job will).")
    for key, what in (("WarmPoolConfiguration", "a warm pool"),
                      ("MixedInstancesPolicy", "a mixed instances policy")):
        if key in group:
            notes.append(f"The group has {what}, which the forecast does not simulate.")
    return Snapshot(stack, cluster, group_name, shape, values, tuple(notes))


def _within_template(name: str, value: int, notes: list[str]) -> int:
    declared = cfn.load_template()["Parameters"][name]
    low, high = int(declared.get("MinValue", value)), int(declared.get("MaxValue", value))
    if low <= value <= high:
        return value
    kept = min(max(value, low), high)
    notes.append(f"The hooks' heartbeat timeout {value}s is outside what the template allows; "
                 f"simulated as {kept}s.")
    return kept


def _most_common(seen: Counter[str], what: str, default: str, notes: list[str]) -> str:
    if len(seen) > 1:
        listed = ", ".join(f"{name} ({count})" for name, count in seen.most_common())
        notes.append(f"The instances run several {what}: {listed}; simulated as the most "
                     "common one.")
    return seen.most_common(1)[0][0] if seen else default


def _service(clients: Clients, described: dict[str, Any]) -> spec.ServiceSpec:
    definition = reads.task_definition(clients, described["taskDefinition"])
    cpu, memory = reads.reservation(definition)
    daemon = described.get("schedulingStrategy") == "DAEMON"
    config = described.get("deploymentConfiguration", {})
    delays = [reads.deregistration_delay_s(clients, lb["targetGroupArn"])
              for lb in described.get("loadBalancers", []) if lb.get("targetGroupArn")]
    return spec.ServiceSpec(
        name=described["serviceName"], count=0 if daemon else int(described["desiredCount"]),
        cpu=max(1, cpu), memory=max(1, memory),
        minimum_healthy_percent=int(config.get("minimumHealthyPercent", 0 if daemon else 100)),
        maximum_percent=int(config.get("maximumPercent", 100 if daemon else 200)),
        stop_timeout_s=min(120, reads.stop_timeout_s(definition)),
        deregistration_delay_s=float(max((d for d in delays if d is not None), default=0)),
        daemon=daemon,
        placement_constraints=[spec.PlacementConstraint(type=c["type"],
                                                        expression=c.get("expression"))
                               for c in described.get("placementConstraints", [])],
        placement_strategy=[spec.PlacementStrategy(type=s["type"], field=s.get("field"))
                            for s in described.get("placementStrategy", [])])


def _standalone(clients: Clients, cluster: str) -> list[spec.TaskSpec]:
    """Tasks not started by a service, by family, with their reservations."""
    counts: Counter[str] = Counter()
    sizes: dict[str, tuple[int, int]] = {}
    for task in reads.running_tasks(clients, cluster):
        if str(task.get("group", "")).startswith("service:"):
            continue
        arn = str(task["taskDefinitionArn"])
        family = arn.rsplit("/", 1)[-1].rsplit(":", 1)[0]
        counts[family] += 1
        if family not in sizes:
            sizes[family] = reads.reservation(reads.task_definition(clients, arn))
    return [spec.TaskSpec(family=family, count=count, cpu=max(1, sizes[family][0]),
                          memory=max(1, sizes[family][1]))
            for family, count in sorted(counts.items())]
