"""The scenario file: the cluster, its lifecycle settings, a timeline of actions and faults, and
the outcomes the scenario expects.

A scenario is YAML (see docs/simulator.md for the format). It is validated against the pydantic
schema below: an unknown key, a wrong type, a negative count, an unknown template parameter or
value out of its range is one line naming the file, the key and its line and column (exit 2).
"""

from __future__ import annotations

import difflib
import functools
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveInt,
    model_validator,
)

from ecs_cluster_manager import template as cfn
from ecs_cluster_manager.sim import realism
from ecs_cluster_manager.sim.cloudformation.parameters import _check as check_parameter
from ecs_cluster_manager.sim.errors import AwsError
from ecs_cluster_manager.sim.scenario import source
from ecs_cluster_manager.sim.scenario.catalogue import INVARIANTS
from ecs_cluster_manager.sim.scenario.steps import Seconds as Duration
from ecs_cluster_manager.sim.scenario.steps import TimelineStep

ScenarioError = source.InputFileError


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


@functools.cache
def _template_parameters() -> dict[str, Any]:
    return dict(cfn.load_template().get("Parameters") or {})


def _known_parameter(name: str) -> str:
    declared = _template_parameters()
    if name not in declared:
        close = difflib.get_close_matches(name, list(declared), n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise ValueError(f"{name} is not a parameter of cloudformation/ecs-cluster.yaml{hint}")
    return name


ParameterName = Annotated[str, AfterValidator(_known_parameter)]


class PlacementConstraint(_Model):
    """As CreateService takes it; the simulated ECS applies distinctInstance only."""

    type: Literal["distinctInstance", "memberOf"]
    expression: str | None = None


class PlacementStrategy(_Model):
    type: Literal["binpack", "spread", "random"]
    field: str | None = None


class ServiceSpec(_Model):
    name: str = Field(min_length=1)
    count: NonNegativeInt = 0
    cpu: PositiveInt = 256
    memory: PositiveInt = 512
    minimum_healthy_percent: Annotated[int, Field(ge=0, le=100)] = 100
    maximum_percent: Annotated[int, Field(ge=100)] = 200
    stop_timeout_s: Annotated[int, Field(ge=0, le=120)] = 30  # ECS allows 2 minutes at most
    # the target group's deregistration_delay.timeout_seconds (elbv2 allows 0-3600)
    deregistration_delay_s: Annotated[Duration, Field(le=3600)] = 0.0
    daemon: bool = False
    placement_constraints: list[PlacementConstraint] = []
    placement_strategy: list[PlacementStrategy] = []


class TaskSpec(_Model):
    family: str = Field(min_length=1)
    count: PositiveInt = 1
    cpu: PositiveInt = 128
    memory: PositiveInt = 128
    runs_for_s: Duration | None = None  # the task exits this long after it starts; default never


class Cluster(_Model):
    instances: NonNegativeInt = 2
    min_size: NonNegativeInt = 0
    max_size: NonNegativeInt | None = None  # default: twice the instances (at least +2)
    instance_type: str = "m5.large"
    ami: str = Field(default="ami-00000000000000001", pattern=r"^ami-[0-9a-f]+$")
    agent_register_s: Duration = 20.0
    ec2_boot_s: Duration = 15.0
    image_pull_s: Duration = 3.0  # how long a task stays PENDING (image pull, container start)
    services: list[ServiceSpec] = []
    standalone_tasks: list[TaskSpec] = []
    # A second group in the account (its own cluster, a terminate hook nobody completes), for
    # showing that the functions leave other groups alone.
    neighbour_instances: NonNegativeInt = 0
    # The harsher reading: ECS deregisters no terminated instance (by default it deregisters
    # those whose agent was connected); the functions' sweep must clean up.
    keep_container_instances: bool = False

    @model_validator(mode="after")
    def _fits(self) -> Cluster:
        if self.max_size is not None and self.max_size < self.instances:
            raise ValueError(f"max_size {self.max_size} is below instances {self.instances}")
        if self.min_size > self.instances:
            raise ValueError(f"min_size {self.min_size} is above instances {self.instances}")
        return self


ParameterValue = str | int | float | bool


def parameter_text(value: ParameterValue) -> str:
    """A parameter value as CloudFormation receives it (every value is a string)."""
    return cfn.as_parameter_string(value)


def check_parameter_values(parameters: dict[str, ParameterValue], key: str) -> None:
    """Each value must be one the template's parameter accepts (type, range, allowed values),
    checked as the simulated CloudFormation checks it."""
    declared = _template_parameters()
    for name, value in parameters.items():
        spec = declared[name]
        try:
            check_parameter(name, str(spec.get("Type", "String")), parameter_text(value), spec)
        except AwsError as error:
            raise source.ValueErrorAt((key, name), f"{error.message} "
                                                   f"(got {parameter_text(value)})") from None


class Lifecycle(_Model):
    parameters: dict[ParameterName, ParameterValue] = {}

    @model_validator(mode="after")
    def _values_fit_the_template(self) -> Lifecycle:
        check_parameter_values(self.parameters, "parameters")
        return self


def _known_invariant(name: str) -> str:
    if name not in INVARIANTS:
        raise ValueError(f"{name} is not an invariant; use one of: {', '.join(INVARIANTS)}")
    return name


InvariantName = Annotated[str, AfterValidator(_known_invariant)]


class ExpectedBreak(_Model):
    """An invariant the scenario breaks by design, and why (a documented behaviour)."""

    invariant: InvariantName
    reason: str = Field(min_length=10)
    count: PositiveInt | None = None  # None: at least once


class ExpectedDrainTimeouts(_Model):
    """Drains that end by the drain gate's own timeout (`DrainTimeoutSeconds`), and the result
    (`DrainTimeoutResult`) they must end with."""

    count: PositiveInt = 1
    result: Literal["CONTINUE", "ABANDON"]


class Expect(_Model):
    timeouts: NonNegativeInt = 0  # lifecycle actions that end by the hook's own timeout
    drain_timeouts: ExpectedDrainTimeouts | None = None
    breaks: list[ExpectedBreak] = []
    finished: bool = True  # the timeline ends and the group is quiet within `duration`


class LatencyMs(_Model):
    median: Annotated[float, Field(ge=0)] = 40.0
    p99: Annotated[float, Field(ge=0)] = 250.0

    @model_validator(mode="after")
    def _ordered(self) -> LatencyMs:
        if self.p99 < self.median:
            raise ValueError(f"p99 {self.p99} is below median {self.median}")
        return self


class Aws(_Model):
    """How harsh the simulated account is: AWS's rate limits (`aws`, `off`, or a factor on
    every bucket) and the latency of each call (sim/realism.py)."""

    rate_limits: Literal["aws", "off"] | Annotated[float, Field(gt=0)] = "aws"
    latency_ms: LatencyMs | Literal["off"] = LatencyMs()

    def realism(self) -> realism.Realism:
        scale = {"aws": 1.0, "off": None}.get(str(self.rate_limits), self.rate_limits)
        latency = LatencyMs(median=0, p99=0) if self.latency_ms == "off" else self.latency_ms
        assert isinstance(latency, LatencyMs)
        return realism.Realism(None if scale is None else float(scale),
                               latency.median / 1000.0, latency.p99 / 1000.0)


class Scenario(_Model):
    name: str = "scenario"
    description: str = ""
    seed: NonNegativeInt = 0
    duration: Duration = 6 * 3600.0
    stack_name: str = Field(default="ecm", pattern=r"^[A-Za-z][A-Za-z0-9-]{0,60}$")
    lifecycle: Lifecycle = Lifecycle()
    cluster: Cluster = Cluster()
    timeline: list[TimelineStep] = []
    expect: Expect = Expect()
    aws: Aws = Aws()  # rate limits and call latency: AWS's by default

    # -- flat views the runner uses ------------------------------------------------------------

    @property
    def duration_s(self) -> float:
        return self.duration

    @property
    def instances(self) -> int:
        return self.cluster.instances

    @property
    def max_size(self) -> int:
        size = self.cluster.max_size
        return size if size is not None else max(2 * self.instances, self.instances + 2)

    @property
    def parameters(self) -> dict[str, str]:
        return {name: parameter_text(value)
                for name, value in self.lifecycle.parameters.items()}

    @property
    def steps(self) -> list[TimelineStep]:
        return sorted(self.timeline, key=lambda step: step.at)


def parse(document: Any, path: Path = Path("<scenario>")) -> Scenario:
    """Validate plain data (as a scenario file would hold it)."""
    return source.Source(path, document, {}).validate(Scenario)


def load(path: Path) -> Scenario:
    read = source.read(path)
    stack_keys = [key for key in ("stack", "phases") if key in read.data]
    if stack_keys:
        first = min(stack_keys, key=lambda key: read.where((key,)))
        raise read.error((first,), f"this is a stack scenario; run it with "
                                   f"`ecm demo --scenario {path}`")
    return read.validate(Scenario)

