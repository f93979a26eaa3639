"""Which resources a template deploys, and in which order.

"Condition" on a resource leaves it out when false; a resource waits for every resource it
names through Ref, Fn::GetAtt, Fn::Sub or DependsOn ("DependsOn attribute",
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html).
Ties keep the template's order, so a deployment is reproducible.
"""

from __future__ import annotations

from typing import Any

from ecs_cluster_manager.sim.cloudformation.intrinsics import Evaluator, references, template_error


def active_resources(template: dict[str, Any], evaluator: Evaluator) -> dict[str, dict[str, Any]]:
    resources: dict[str, dict[str, Any]] = template["Resources"]
    return {lid: spec for lid, spec in resources.items()
            if "Condition" not in spec or evaluator.condition(spec["Condition"])}


def creation_order(resources: dict[str, dict[str, Any]]) -> list[str]:
    needs: dict[str, set[str]] = {}
    for lid, spec in resources.items():
        depends = spec.get("DependsOn", [])
        names = {depends} if isinstance(depends, str) else set(depends)
        names |= references(spec.get("Properties", {}))
        needs[lid] = {name for name in names if name in resources and name != lid}
    order: list[str] = []
    placed: set[str] = set()
    while len(order) < len(resources):
        ready = [lid for lid in resources if lid not in placed and needs[lid] <= placed]
        if not ready:
            stuck = sorted(set(resources) - placed)
            raise template_error(f"Circular dependency between resources: {stuck}")
        for lid in ready:
            order.append(lid)
            placed.add(lid)
    return order
