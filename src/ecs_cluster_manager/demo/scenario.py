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
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ecs_cluster_manager.demo.phases import STEPS, Phase, Step
from ecs_cluster_manager.sim.project_stack import example_parameters
from ecs_cluster_manager.sim.scenario import source
from ecs_cluster_manager.sim.scenario.spec import (
    ParameterName,
    ParameterValue,
    check_parameter_values,
    parameter_text,
)
from ecs_cluster_manager.sim.scenario.steps import Seconds
from ecs_cluster_manager.template import default_template_path

StackScenarioError = source.InputFileError
EXAMPLES = sorted(p.stem for p in (default_template_path().parent / "examples").glob("*.json"))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class StackSettings(_Model):
    parameters: str = "dev-cluster"  # cloudformation/examples/<name>.json
    overrides: dict[ParameterName, ParameterValue] = {}

    @model_validator(mode="after")
    def _example_exists(self) -> StackSettings:
        check_parameter_values(self.overrides, "overrides")
        if EXAMPLES and self.parameters not in EXAMPLES:
            raise source.ValueErrorAt(("parameters",), f"no parameter file cloudformation/"
                                      f"examples/{self.parameters}.json; use one of: "
                                      f"{', '.join(EXAMPLES)}")
        return self


class PublishAmi(_Model):
    image: str = Field(pattern=r"^ami-[0-9a-f]+$")
    agent: Literal["never"] | None = None  # never: the ECS agent of this AMI never connects


class CancelUpdate(_Model):
    after_s: Seconds = 0.0


class StepWithArguments(_Model):
    publish_ami: PublishAmi | None = None
    update_stack: dict[ParameterName, ParameterValue] | None = None
    cancel_update: CancelUpdate | None = None
    create_stack: dict[str, Any] | None = Field(None, max_length=0)
    start_workloads: dict[str, Any] | None = Field(None, max_length=0)

    @model_validator(mode="after")
    def _one_step(self) -> StepWithArguments:
        if len(self.model_fields_set) != 1:
            raise ValueError(f"a step is one of {', '.join(sorted(STEPS))}, alone or as "
                             "{name: {arguments}}")
        if self.update_stack:
            check_parameter_values(self.update_stack, "update_stack")
        return self

    def as_step(self) -> Step:
        (name,) = self.model_fields_set
        value = getattr(self, name)
        args = value.model_dump(exclude_none=True) if isinstance(value, BaseModel) else value
        return name, dict(args or {})


StepName = Literal["create_stack", "update_stack", "start_workloads", "cancel_update"]


class PhaseSpec(_Model):
    name: str = Field(min_length=1)
    description: str = ""
    steps: list[StepName | StepWithArguments] = Field(min_length=1)
    expect: Annotated[str, Field(pattern=r"^[A-Z_]+_(COMPLETE|FAILED)$")]

    def as_phase(self) -> Phase:
        steps = tuple((s, {}) if isinstance(s, str) else s.as_step() for s in self.steps)
        return Phase(self.name, self.description, steps, self.expect)


class StackScenarioFile(_Model):
    name: str = ""  # default: the file's name
    description: str = ""
    stack: StackSettings = StackSettings()
    phases: list[PhaseSpec] = Field(min_length=1)


@dataclass(frozen=True)
class StackScenario:
    name: str
    parameters: list[dict[str, str]]
    phases: tuple[Phase, ...]


def load(path: Path) -> StackScenario:
    read = source.read(path)
    simulate_keys = [key for key in ("cluster", "timeline") if key in read.data]
    if simulate_keys and "phases" not in read.data:
        raise read.error((simulate_keys[0],), f"this is a scenario for `ecm simulate {path}`, "
                                              "not a stack scenario")
    document = read.validate(StackScenarioFile)
    overrides = {k: parameter_text(v) for k, v in document.stack.overrides.items()}
    parameters = [{"ParameterKey": p["ParameterKey"],
                   "ParameterValue": overrides.get(p["ParameterKey"], p["ParameterValue"])}
                  for p in example_parameters(document.stack.parameters)]
    return StackScenario(document.name or path.stem, parameters,
                         tuple(phase.as_phase() for phase in document.phases))
