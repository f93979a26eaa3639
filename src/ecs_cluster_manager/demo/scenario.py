"""Stack scenario files: deploy the project's template with given parameters, then play phases
of stack operations, checking the same invariants as the demo.

    name: AMI roll of a 3-instance cluster
    stack:
      parameters: dev-cluster          # cloudformation/examples/<name>.json
      overrides: {ClusterSize: 3}      # optional
    phases:
      - name: deploy
        steps: [{publish_ami: {image: ami-0a1b2c3d4e5f60001}}, create_stack]
        expect: CREATE_COMPLETE
      - name: roll
        steps: [{publish_ami: {image: ami-0a1b2c3d4e5f60002}}, update_stack]
        expect: UPDATE_COMPLETE

Steps: publish_ami {image, agent: never}, create_stack, update_stack {Parameter: value, ...},
cancel_update {after_s}, start_workloads (in a phase after the one that creates the stack).
A phase ends when the cluster is quiet again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ecs_cluster_manager.demo.phases import STEPS, Phase, Step
from ecs_cluster_manager.errors import UserError
from ecs_cluster_manager.sim.project_stack import example_parameters


class StackScenarioError(UserError):
    """The stack scenario file is missing or malformed."""


@dataclass(frozen=True)
class StackScenario:
    name: str
    parameters: list[dict[str, str]]
    phases: tuple[Phase, ...]


def _step(raw: Any, where: str) -> Step:
    args: Any
    if isinstance(raw, str):
        name, args = raw, {}
    elif isinstance(raw, dict) and len(raw) == 1:
        (name, args), = raw.items()
        args = args or {}
    else:
        raise StackScenarioError(f"{where}: a step is a name or {{name: {{arguments}}}}")
    if name not in STEPS or not isinstance(args, dict):
        raise StackScenarioError(f"{where}: unknown step {name!r}; use one of {sorted(STEPS)}")
    return name, args


def load(path: Path) -> StackScenario:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise StackScenarioError(f"cannot read stack scenario {path}: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("phases"), list):
        raise StackScenarioError(f"{path}: expected a mapping with a list of phases")
    stack = document.get("stack") or {}
    try:
        parameters = example_parameters(str(stack.get("parameters", "dev-cluster")))
    except OSError as error:
        raise StackScenarioError(f"{path}: parameter file: {error}") from None
    overrides = {str(k): str(v) for k, v in (stack.get("overrides") or {}).items()}
    parameters = [{"ParameterKey": p["ParameterKey"],
                   "ParameterValue": overrides.get(p["ParameterKey"], p["ParameterValue"])}
                  for p in parameters]
    phases = []
    for index, raw in enumerate(document["phases"]):
        where = f"{path}: phase {index + 1}"
        if not isinstance(raw, dict) or "expect" not in raw:
            raise StackScenarioError(f"{where}: needs name, steps and expect")
        steps = tuple(_step(s, where) for s in raw.get("steps") or [])
        phases.append(Phase(str(raw.get("name", f"phase-{index + 1}")),
                            str(raw.get("description", "")), steps, str(raw["expect"])))
    return StackScenario(str(document.get("name", path.stem)), parameters, tuple(phases))
