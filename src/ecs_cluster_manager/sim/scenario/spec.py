"""The scenario file: the cluster, its lifecycle settings, and a timeline of actions and faults.

A scenario is YAML (see docs/simulator.md for the format and an example). Parsing checks every
field and raises ScenarioError (a UserError: one line, exit code 2) naming what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ecs_cluster_manager.errors import UserError
from ecs_cluster_manager.sim import realism

ACTIONS = ("scale_to", "replace_all", "kill_agent", "drop_next_lifecycle_event", "throttle",
           "crash_invocation")


class ScenarioError(UserError):
    """The scenario file is missing or malformed."""


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    count: int
    cpu: int = 256
    memory: int = 512
    minimum_healthy_percent: int = 100
    maximum_percent: int = 200
    stop_timeout_s: int = 30
    deregistration_delay_s: float = 0.0
    daemon: bool = False


@dataclass(frozen=True)
class TaskSpec:
    family: str
    count: int = 1
    cpu: int = 128
    memory: int = 128


@dataclass(frozen=True)
class Step:
    at: float  # seconds after the cluster is ready
    action: str
    args: dict[str, Any]


@dataclass(frozen=True)
class Scenario:
    name: str
    instances: int
    max_size: int
    ami: str
    instance_type: str
    services: tuple[ServiceSpec, ...]
    tasks: tuple[TaskSpec, ...]
    timeline: tuple[Step, ...]
    stack_name: str = "ecm"
    seed: int = 0
    duration_s: float = 6 * 3600
    agent_register_s: float = 20.0
    ec2_boot_s: float = 15.0
    parameters: dict[str, str] = field(default_factory=dict)
    expected_timeouts: int = 0
    allow_task_kills: bool = False
    aws: realism.Realism = field(default_factory=realism.Realism)  # rate limits, latency


def _duration(value: Any, where: str) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    units = {"s": 1, "m": 60, "h": 3600}
    if text[-1:] in units and text[:-1].replace(".", "", 1).isdigit():
        return float(text[:-1]) * units[text[-1]]
    raise ScenarioError(f"{where}: {value!r} is not a duration (use seconds, or 30m, 2h)")


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ScenarioError(f"{where} must be a mapping")
    return value


def _build(kind: type[Any], raw: dict[str, Any], where: str) -> Any:
    try:
        return kind(**raw)
    except TypeError as error:
        raise ScenarioError(f"{where}: {error}") from None


def _step(raw: Any, index: int) -> Step:
    where = f"timeline[{index}]"
    entry = dict(_mapping(raw, where))
    at = _duration(entry.pop("at", 0), f"{where}.at")
    if len(entry) != 1 or next(iter(entry)) not in ACTIONS:
        raise ScenarioError(f"{where} needs `at` and exactly one of: {', '.join(ACTIONS)}")
    action, args = next(iter(entry.items()))
    if action == "scale_to":
        args = {"capacity": args}
    return Step(at, action, _mapping(args, f"{where}.{action}"))


def parse(document: Any) -> Scenario:
    top = _mapping(document, "the scenario")
    cluster = _mapping(top.get("cluster"), "cluster")
    lifecycle = _mapping(top.get("lifecycle"), "lifecycle")
    expect = _mapping(top.get("expect"), "expect")
    services = tuple(_build(ServiceSpec, _mapping(s, f"cluster.services[{i}]"),
                            f"cluster.services[{i}]")
                     for i, s in enumerate(cluster.get("services") or []))
    tasks = tuple(_build(TaskSpec, _mapping(t, f"cluster.standalone_tasks[{i}]"),
                         f"cluster.standalone_tasks[{i}]")
                  for i, t in enumerate(cluster.get("standalone_tasks") or []))
    instances = int(cluster.get("instances", 2))
    return Scenario(
        name=str(top.get("name", "scenario")),
        instances=instances,
        max_size=int(cluster.get("max_size", max(2 * instances, instances + 2))),
        ami=str(cluster.get("ami", "ami-00000000000000001")),
        instance_type=str(cluster.get("instance_type", "m5.large")),
        services=services,
        tasks=tasks,
        timeline=tuple(sorted((_step(s, i) for i, s in enumerate(top.get("timeline") or [])),
                              key=lambda step: step.at)),
        stack_name=str(top.get("stack_name", "ecm")),
        seed=int(top.get("seed", 0)),
        duration_s=_duration(top.get("duration", "6h"), "duration"),
        agent_register_s=_duration(cluster.get("agent_register_s", 20), "agent_register_s"),
        ec2_boot_s=_duration(cluster.get("ec2_boot_s", 15), "ec2_boot_s"),
        parameters={str(k): str(v) for k, v in _mapping(lifecycle.get("parameters"),
                                                        "lifecycle.parameters").items()},
        expected_timeouts=int(expect.get("timeouts", 0)),
        allow_task_kills=bool(expect.get("task_kills", False)),
        aws=_realism(top.get("aws")),
    )


def _realism(raw: Any) -> realism.Realism:
    try:
        return realism.parse(_mapping(raw, "aws"))
    except ValueError as error:
        raise ScenarioError(str(error)) from None


def load(path: Path) -> Scenario:
    try:
        document = yaml.safe_load(path.read_text())
    except OSError as error:
        raise ScenarioError(f"cannot read {path}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise ScenarioError(f"{path} is not valid YAML: {error}") from None
    return parse(document)
