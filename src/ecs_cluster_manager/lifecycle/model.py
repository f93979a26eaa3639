"""Observations (what a wake-up saw) and actions (what it decided), as plain frozen data.

The decide functions take observations and return a `Decision`; nothing here talks to AWS.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Task lastStatus values that still hold the instance (Amazon ECS Developer Guide, "Task lifecycle").
STOPPED = "STOPPED"


@dataclass(frozen=True)
class ContainerInstance:
    arn: str
    status: str  # REGISTERING | REGISTRATION_FAILED | ACTIVE | DRAINING | DEREGISTERING | INACTIVE
    agent_connected: bool
    running_tasks: int = 0
    pending_tasks: int = 0
    health: str | None = None  # healthStatus.overallStatus, when ECS reports it
    attributes: frozenset[str] = frozenset()
    resources_free: bool | None = None  # no task holds CPU or memory (events.resources_free)


@dataclass(frozen=True)
class TaskView:
    arn: str
    last_status: str
    desired_status: str
    group: str  # "service:NAME" for service tasks, "family:NAME" for standalone ones

    @property
    def service(self) -> str | None:
        return self.group.removeprefix("service:") if self.group.startswith("service:") else None

    @property
    def label(self) -> str:
        """How a blocking task is named in log lines."""
        return f"task {self.arn.rsplit('/', 1)[-1]} {self.last_status} ({self.group})"


@dataclass(frozen=True)
class ServiceView:
    name: str
    status: str  # ACTIVE | DRAINING | INACTIVE | MISSING
    deployments: int
    desired: int
    running: int
    pending: int
    settling: bool = False  # a task started or stopped lately, not yet reported steady (ecs_reads.py)

    @property
    def steady(self) -> bool:
        """Same test as the ECS services_stable waiter, plus nothing pending and no task churn that
        ECS has not yet reported settled.

        A deleted or deleting service can no longer block a drain.
        """
        if self.status != "ACTIVE":
            return True
        counts = self.deployments == 1 and self.running == self.desired and self.pending == 0
        return counts and not self.settling


@dataclass(frozen=True)
class DrainRecord:
    """What the drain gate remembers between wake-ups, kept durably in EC2 instance tags."""

    started_at: float
    services: frozenset[str]
    container_instance_arn: str = ""
    overflow: bool = False  # too many services to list in tags: check the whole cluster


# ---- actions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Complete:
    result: str  # CONTINUE | ABANDON


@dataclass(frozen=True)
class Heartbeat:
    at: float  # remembered in a tag once sent, so the next one goes out an interval later


@dataclass(frozen=True)
class RememberLaunchWait:
    """The start of the launch wait, kept in a tag: EC2 LaunchTime is not it for an instance
    leaving a warm pool, and a lost lifecycle event leaves no other trace."""

    started_at: float


@dataclass(frozen=True)
class Signal:
    status: str  # SUCCESS | FAILURE
    at: float = 0.0  # when decided: the value of the "signal owed" tag if it fails after a completion


@dataclass(frozen=True)
class RememberContainerInstance:
    arn: str  # "" to clear the tags only
    clear: tuple[str, ...] = ()  # timing tags of the ending wait, cleared in the same call


@dataclass(frozen=True)
class RecordDrainStart:
    record: DrainRecord


@dataclass(frozen=True)
class SetDraining:
    arn: str


@dataclass(frozen=True)
class StopTasks:
    arns: tuple[str, ...]
    reason: str


Action = (
    Complete | Heartbeat | Signal | RememberContainerInstance | RememberLaunchWait | RecordDrainStart
    | SetDraining | StopTasks
)


@dataclass(frozen=True)
class Decision:
    decision: str  # continue | abandon | wait | drain-started
    reason: str
    actions: tuple[Action, ...] = ()
    blocking: tuple[str, ...] = field(default=())

    @property
    def completes(self) -> str | None:
        for action in self.actions:
            if isinstance(action, Complete):
                return action.result
        return None
