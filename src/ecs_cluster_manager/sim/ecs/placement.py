"""Choosing a container instance for a task: resources first, then a simple strategy.

Only ACTIVE instances with a connected agent and enough unreserved CPU and memory qualify
(DRAINING instances never get new tasks, container-instance-draining.html). Strategies follow
"How Amazon ECS places tasks on container instances"
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement-strategies.html),
simplified: `binpack` picks the instance with the least of the field (cpu or memory) left,
`spread` the one with the fewest tasks of the group, `random` the first that fits
(deterministic, so simulations replay). Of the placement constraints
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement-constraints.html)
only `distinctInstance` is applied ("Place each task on a different container instance");
`memberOf` expressions are kept on the service but not evaluated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .model import ContainerInstance, TaskDefinition

SPREAD = [{"type": "spread", "field": "instanceId"}]


def distinct_instance(constraints: Iterable[Mapping[str, str]]) -> bool:
    return any(c.get("type") == "distinctInstance" for c in constraints)


def choose(
    instances: Iterable[ContainerInstance],
    definition: TaskDefinition,
    strategy: list[dict[str, str]],
    group_counts: Mapping[str, int],
    exclude: set[str] | frozenset[str] = frozenset(),
) -> ContainerInstance | None:
    fitting = [
        ci
        for ci in instances
        if ci.can_place() and ci.id not in exclude and ci.fits(definition.cpu, definition.memory)
    ]
    if not fitting:
        return None
    first = strategy[0] if strategy else {"type": "random"}
    kind, field = first.get("type", "random"), first.get("field", "")
    if kind == "binpack":
        if field.lower() == "cpu":
            return min(fitting, key=lambda ci: ci.registered_cpu - ci.used_cpu)
        return min(fitting, key=lambda ci: ci.registered_memory - ci.used_memory)
    if kind == "spread":
        return min(fitting, key=lambda ci: group_counts.get(ci.id, 0))
    return fitting[0]


def shortfall_reason(instances: Iterable[ContainerInstance], definition: TaskDefinition) -> str:
    """The failure reason RunTask and SERVICE_TASK_PLACEMENT_FAILURE report."""
    instances = list(instances)
    usable = [ci for ci in instances if ci.can_place()]
    if not usable:
        # AGENT is ECS's reason for a disconnected agent; the other is the simulator's wording.
        return "AGENT" if any(ci.status == "ACTIVE" for ci in instances) else "NO_ACTIVE_INSTANCES"
    if not any(ci.registered_cpu - ci.used_cpu >= definition.cpu for ci in usable):
        return "RESOURCE:CPU"
    return "RESOURCE:MEMORY"


def closest(instances: Iterable[ContainerInstance], reason: str) -> ContainerInstance | None:
    """The instance a placement-failure message names: among ACTIVE ones, the one with the
    most of the resource that ran out (any ACTIVE one for an agent fault); None without one."""
    active = [ci for ci in instances if ci.status == "ACTIVE"]
    if not active:
        return None
    if reason == "RESOURCE:CPU":
        return max(active, key=lambda ci: ci.registered_cpu - ci.used_cpu)
    if reason == "RESOURCE:MEMORY":
        return max(active, key=lambda ci: ci.registered_memory - ci.used_memory)
    return active[0]
