"""The launch gate's decision: a pure function of what one wake-up observed.

CONTINUE only when the instance's container instance is ACTIVE, its agent connected and every
launch check passes; ABANDON at once when it can never get there (EC2 instance gone,
REGISTRATION_FAILED) or when the launch timeout has passed. Instances bound for a warm pool never
register with ECS (Amazon ECS Developer Guide, "Using Amazon EC2 Auto Scaling warm pools"), so they
are continued without an ECS check.

An instance that joined ECS but is abandoned (a check kept failing until the timeout) may carry
tasks ECS placed on it. Whether Auto Scaling runs the terminate hook after a launch ABANDON is not
documented, so the launch gate does not count on the drain gate: it sets DRAINING and completes
ABANDON only once no task on the instance is live, heartbeating meanwhile, and gives up waiting
at the launch timeout plus the drain timeout, or before the action's global timeout.
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
    RememberLaunchWait,
    SetDraining,
    Signal,
    TaskView,
)
from .timing import heartbeat_due

GONE_STATES = frozenset({"shutting-down", "terminated", "stopping", "stopped"})
JOINED = frozenset({"ACTIVE", "DRAINING"})  # ECS can have placed tasks on the instance


@dataclass(frozen=True)
class LaunchObservation:
    instance_id: str
    now: float
    started_at: float  # the earliest known start of the wait (never a warm-pool LaunchTime)
    ec2_state: str | None  # None: EC2 does not know the instance
    container_instance: ContainerInstance | None
    destination: str | None = None
    wait_remembered: bool = False  # the start of the wait is already kept in a tag
    launch_time: float | None = None  # EC2 LaunchTime: a lower bound for the heartbeat clock only
    last_heartbeat_at: float | None = None
    stale_tags: tuple[str, ...] = ()  # timing tags to clear when the wait ends
    live_tasks: tuple[TaskView, ...] = ()  # observed only when abandoning a joined instance
    tasks_complete: bool = False
    group: str | None = None  # the instance's aws:autoscaling:groupName tag, when EC2 read it
    signal_owed: bool = False  # tagged as owed a SUCCESS signal (owed_signals.py)

    @property
    def waited_s(self) -> float:
        return max(0.0, self.now - self.started_at)


def launch_timed_out(waited_s: float, config: Config) -> bool:
    return waited_s >= config.launch_timeout_s


def abandon_deadline_s(config: Config) -> int:
    """How long a launch wait may last in all, including the drain before ABANDON."""
    return min(config.launch_timeout_s + config.drain_timeout_s, config.action_limit_s)


def _heartbeat(obs: LaunchObservation, config: Config) -> list[Action]:
    # LaunchTime precedes the wait of a fresh launch; for an instance leaving a warm pool it is
    # far older, which costs one early heartbeat and never a late one.
    start = min(obs.started_at, obs.launch_time or obs.started_at)
    return [Heartbeat(obs.now)] if heartbeat_due(obs.now, start, obs.last_heartbeat_at, config) else []


def _abandon(obs: LaunchObservation, config: Config, reason: str, blocking: tuple[str, ...] = (),
             drain: bool = False) -> Decision:
    """ABANDON terminates the instance; with `drain`, one that joined ECS is drained first."""
    ci = obs.container_instance
    actions: list[Action] = []
    if drain and ci is not None and ci.status in JOINED:
        actions += [SetDraining(ci.arn)] if ci.status == "ACTIVE" else []
        live = obs.live_tasks or not obs.tasks_complete
        if live and obs.waited_s < abandon_deadline_s(config):
            labels = tuple(t.label for t in obs.live_tasks)
            waiting = f"{reason}: draining {len(obs.live_tasks)} task(s) before ABANDON"
            return Decision("wait", waiting, tuple(_heartbeat(obs, config) + actions), labels or blocking)
    actions += [Signal("FAILURE"), Complete("ABANDON")] if config.signals_stack else [Complete("ABANDON")]
    return Decision("abandon", reason, tuple(actions), blocking)


def _not_ready(ci: ContainerInstance | None) -> list[str]:
    if ci is None:
        return ["not registered with the cluster"]
    problems = [] if ci.status == "ACTIVE" else [f"status {ci.status}"]
    return problems + ([] if ci.agent_connected else ["agent not connected"])


def _ready(obs: LaunchObservation, ci: ContainerInstance, config: Config) -> tuple[Action, ...]:
    """Complete, then signal (owed_signals.py says why that order; a signal that fails is tagged
    as owed), then remember the container instance and clear the wait's tags. Only a completion
    Auto Scaling accepted reaches the last two (act.py stops after a refused one): nothing is
    signalled or written for an action that is not ours."""
    signal = (Signal("SUCCESS", obs.now),) if config.signals_stack else ()
    return (Complete("CONTINUE"), *signal, RememberContainerInstance(ci.arn, obs.stale_tags))


def decide_launch(obs: LaunchObservation, config: Config, checks: list[Check] | None = None) -> Decision:
    if obs.destination == "WarmPool":
        return Decision("continue", "bound for the warm pool: no ECS check", (Complete("CONTINUE"),))
    if obs.ec2_state is None or obs.ec2_state in GONE_STATES:
        return _abandon(obs, config, f"EC2 instance is {obs.ec2_state or 'gone'}")
    ci = obs.container_instance
    if ci is not None and ci.status == "REGISTRATION_FAILED":
        return _abandon(obs, config, "container instance REGISTRATION_FAILED")
    problems = _not_ready(ci)
    if ci is not None and not problems:
        problems = [r.detail or r.name for r in run_checks(ci, config, checks) if not r.ok]
        if not problems:
            return Decision("continue", "ACTIVE, agent connected, checks passed", _ready(obs, ci, config))
    if launch_timed_out(obs.waited_s, config):
        return _abandon(obs, config, f"launch timeout {config.launch_timeout_s}s passed", tuple(problems),
                        drain=True)
    waiting = _heartbeat(obs, config)
    if not obs.wait_remembered:
        waiting.append(RememberLaunchWait(obs.started_at))
    return Decision("wait", "; ".join(problems), tuple(waiting), tuple(problems))
