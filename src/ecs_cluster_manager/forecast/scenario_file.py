"""A snapshot as a scenario file: the schema's YAML (`sim/scenario/spec.py`), defaults left out
except the facts a reader looks for first, so `ecm simulate` and `ecm forecast` read it back."""

from __future__ import annotations

from typing import Any

import yaml

from ecs_cluster_manager.sim.scenario import spec

# Written even when they equal the schema's defaults.
CLUSTER_KEYS = ("instances", "min_size", "max_size", "instance_type", "ami")
SERVICE_KEYS = ("name", "count", "cpu", "memory", "minimum_healthy_percent", "maximum_percent")
TASK_KEYS = ("family", "count", "cpu", "memory")


def _explicit(model: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    dumped: dict[str, Any] = model.model_dump(mode="json", exclude_defaults=True)
    full = model.model_dump(mode="json")
    return {**{key: full[key] for key in keys}, **dumped}


def document(scenario: spec.Scenario) -> dict[str, Any]:
    """The scenario as plain data, in the file's key order."""
    data: dict[str, Any] = scenario.model_dump(mode="json", exclude_defaults=True)
    cluster = _explicit(scenario.cluster, CLUSTER_KEYS)
    cluster["services"] = [_explicit(s, SERVICE_KEYS) for s in scenario.cluster.services]
    cluster["standalone_tasks"] = [_explicit(t, TASK_KEYS)
                                   for t in scenario.cluster.standalone_tasks]
    for key in ("services", "standalone_tasks"):
        if not cluster[key]:
            del cluster[key]
    data["cluster"] = cluster
    return data


def render(scenario: spec.Scenario, header: str) -> str:
    comment = "".join(f"# {line}\n" for line in header.splitlines())
    return comment + yaml.safe_dump(document(scenario), sort_keys=False, width=96)
