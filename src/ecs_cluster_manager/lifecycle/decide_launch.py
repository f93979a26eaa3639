"""The launch gate's decision: a pure function of what one wake-up observed.

CONTINUE only when the instance's container instance is ACTIVE, its agent connected and every
launch check passes; ABANDON at once when it can never get there (EC2 instance gone,
REGISTRATION_FAILED) or when the launch timeout has passed. Instances bound for a warm pool never
register with ECS (Amazon ECS Developer Guide, "Using Amazon EC2 Auto Scaling warm pools"), so they
are continued without an ECS check.
"""

from __future__ import annotations

from dataclasses import dataclass

from .checks import Check, run_checks
from .config import Config
from .model import (
    Action,
    Complete,
    ContainerInstance,
    Decision,
    Heartbeat,
    RememberContainerInstance,
    SetDraining,
    Signal,
)
from .timing import heartbeat_due

GONE_STATES = frozenset({"shutting-down", "terminated", "stopping", "stopped"})


@dataclass(frozen=True)
class LaunchObservation:
    instance_id: str
    now: float
    started_at: float  # when the instance launched, the start of the wait
    ec2_state: str | None  # None: EC2 does not know the instance
    container_instance: ContainerInstance | None
    destination: str | None = None
    from_sweep: bool = False

    @property
    def waited_s(self) -> float:
        return max(0.0, self.now - self.started_at)


def _abandon(reason: str, config: Config, blocking: tuple[str, ...] = (),
             ci: ContainerInstance | None = None) -> Decision:
    """ABANDON terminates the instance. If it already joined ECS (a check kept failing), ECS may
    have placed tasks on it: draining it first stops new placements and moves service tasks."""
    actions: list[Action] = [SetDraining(ci.arn)] if ci is not None and ci.status == "ACTIVE" else []
    actions += [Signal("FAILURE"), Complete("ABANDON")] if config.signals_stack else [Complete("ABANDON")]
    return Decision("abandon", reason, tuple(actions), blocking)


def _not_ready(ci: ContainerInstance | None) -> list[str]:
    if ci is None:
        return ["not registered with the cluster"]
    problems = [] if ci.status == "ACTIVE" else [f"status {ci.status}"]
    return problems + ([] if ci.agent_connected else ["agent not connected"])


def decide_launch(obs: LaunchObservation, config: Config, checks: list[Check] | None = None) -> Decision:
    if obs.destination == "WarmPool":
        return Decision("continue", "bound for the warm pool: no ECS check", (Complete("CONTINUE"),))
    if obs.ec2_state is None or obs.ec2_state in GONE_STATES:
        return _abandon(f"EC2 instance is {obs.ec2_state or 'gone'}", config)
    ci = obs.container_instance
    if ci is not None and ci.status == "REGISTRATION_FAILED":
        return _abandon("container instance REGISTRATION_FAILED", config)
    problems = _not_ready(ci)
    if ci is not None and not problems:
        problems = [r.detail or r.name for r in run_checks(ci, config, checks) if not r.ok]
        if not problems:
            ready: list[Action] = [Signal("SUCCESS")] if config.signals_stack else []
            ready += [RememberContainerInstance(ci.arn), Complete("CONTINUE")]
            return Decision("continue", "ACTIVE, agent connected, checks passed", tuple(ready))
    if obs.waited_s >= config.launch_timeout_s:
        return _abandon(f"launch timeout {config.launch_timeout_s}s passed", config, tuple(problems), ci)
    due = heartbeat_due(obs.waited_s, obs.from_sweep, config)
    waiting: tuple[Action, ...] = (Heartbeat(),) if due else ()
    return Decision("wait", "; ".join(problems), waiting, tuple(problems))
