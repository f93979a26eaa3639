"""The timeline's vocabulary: one entry is `at` (seconds after the cluster is ready) and exactly
one action or fault with its arguments. `actions.Timeline` plays each one (a method per name)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveInt,
    model_validator,
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _seconds(value: Any) -> Any:
    """Seconds, or a number with a unit: 90s, 30m, 4h."""
    if isinstance(value, str):
        text = value.strip()
        units = {"s": 1, "m": 60, "h": 3600}
        number = text[:-1]
        if text[-1:] in units and number.replace(".", "", 1).isdigit():
            return float(number) * units[text[-1]]
        raise ValueError(f'"{value}" is not a duration: use seconds, or a number with s, m or h')
    return value


Seconds = Annotated[float, BeforeValidator(_seconds), Field(ge=0)]


class LaunchOrder(_Model):
    """The k-th instance the group launched (from 1; -1 the latest), whatever its state."""

    launched: int

    @model_validator(mode="after")
    def _not_zero(self) -> LaunchOrder:
        if self.launched == 0:
            raise ValueError("launched counts from 1 (the first instance) or -1 (the latest)")
        return self


Instance = (int | Literal["launching", "terminating"] | LaunchOrder
            | Annotated[str, Field(pattern=r"^i-[0-9a-f]+$")])
# An `Instance` as the timeline's actions receive it (a LaunchOrder arrives as a dict).
InstanceRef = int | str | dict[str, int]
Agent = Literal["ok", "never-registers", "registration-failed", "impaired", "slow-health", "flaps"]
Operation = Annotated[str, Field(pattern=r"^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$")]
Function = Literal["launch", "terminate"]


class ReplaceAll(_Model):
    """A new launch template version, then per batch: desired += batch, wait until the new
    instances are InService, terminate as many old ones (decrementing), wait until gone."""

    batch: PositiveInt = 1
    ami: str | None = Field(None, pattern=r"^ami-[0-9a-f]+$")
    instance_type: str | None = None
    agent: Agent = "ok"  # what the ECS agent of the new AMI does


class RollingUpdate(ReplaceAll):
    """The stack's AutoScalingRollingUpdate (sim/scenario/rolling_update.py): grow by a batch,
    then per batch terminate old instances and wait for as many new ones; an old instance counts
    as replaced once it is Terminating:Wait, so drains of successive batches can overlap."""


class KillAgent(_Model):
    # index among InService instances (oldest first), launching (the newest instance),
    # terminating (one waiting to terminate), or an id
    instance: Instance = 0
    for_s: Seconds | None = None  # omitted: disconnected for good


class DropNextLifecycleEvent(_Model):
    transition: Function | None = None  # omitted: either
    count: PositiveInt = 1


class Throttle(_Model):
    operation: Operation  # service:Operation, e.g. ecs:ListTasks
    calls: PositiveInt | None = None
    seconds: Seconds | None = None

    @model_validator(mode="after")
    def _bounded(self) -> Throttle:
        if self.calls is None and self.seconds is None:
            raise ValueError("a throttle needs calls, seconds or both")
        return self


class CrashInvocation(_Model):
    at_call: PositiveInt
    function: Function | None = None  # omitted: any function
    invocations: PositiveInt = 1


class ServiceName(_Model):
    name: str = Field(min_length=1)


class ServiceCount(_Model):
    name: str = Field(min_length=1)
    count: NonNegativeInt


class InstanceChoice(_Model):
    instance: Instance = 0


class Reregister(_Model):
    instance: Instance = 0
    after_s: Seconds = 20.0  # the new registration appears this long after


class SetHealth(_Model):
    instance: Instance = 0
    status: Literal["OK", "IMPAIRED", "INITIALIZING", "INSUFFICIENT_DATA"]


class SpotInterruption(_Model):
    """EC2 reclaims a Spot instance: the interruption warning now, the action `warning_s` later
    (hibernation at once: it gets the notice but not the two minutes)."""

    instance: Instance = 0
    warning_s: Seconds = 120.0  # EC2 gives two minutes
    action: Literal["terminate", "stop", "hibernate"] = "terminate"


class EventMatch(_Model):
    """Which events a delivery fault takes: the next `count` matching `detail_type`/`source`
    (as AWS writes them, e.g. "EC2 Instance-terminate Lifecycle Action", "aws.ecs")."""

    detail_type: str | None = Field(None, min_length=1)
    source: str | None = Field(None, pattern=r"^aws\.[a-z0-9]+$")
    count: PositiveInt = 1


class DelayEvents(EventMatch):
    delay_s: Seconds


class DuplicateEvents(EventMatch):
    copies: PositiveInt = 1
    after_s: Seconds = 0.0  # each copy this long after the previous delivery


class WarmPool(_Model):
    """PutWarmPool on the group: `min_size` pre-initialised instances kept `pool_state`."""

    min_size: NonNegativeInt = 1
    max_group_prepared_capacity: NonNegativeInt | None = None
    pool_state: Literal["Stopped", "Running", "Hibernated"] = "Stopped"


class TimelineStep(_Model):
    at: Seconds = 0.0
    scale_to: NonNegativeInt | None = None
    replace_all: ReplaceAll | None = None
    rolling_update: RollingUpdate | None = None
    kill_agent: KillAgent | None = None
    drop_next_lifecycle_event: DropNextLifecycleEvent | None = None
    throttle: Throttle | None = None
    crash_invocation: CrashInvocation | None = None
    delete_service: ServiceName | None = None
    scale_service: ServiceCount | None = None
    deploy_service: ServiceName | None = None
    terminate_instance: InstanceChoice | None = None
    scale_neighbour_to: NonNegativeInt | None = None
    reregister_agent: Reregister | None = None
    set_health: SetHealth | None = None
    interrupt_spot: SpotInterruption | None = None
    delay_events: DelayEvents | None = None
    duplicate_events: DuplicateEvents | None = None
    lose_deliveries: EventMatch | None = None
    warm_pool: WarmPool | None = None

    @model_validator(mode="before")
    @classmethod
    def _empty_arguments(cls, data: Any) -> Any:
        """`replace_all:` with nothing after it means all defaults."""
        if isinstance(data, dict):
            return {key: ({} if value is None and key in _WITH_DEFAULTS else value)
                    for key, value in data.items()}
        return data

    @model_validator(mode="after")
    def _one_action(self) -> TimelineStep:
        named = [name for name in STEP_ACTIONS if getattr(self, name) is not None]
        if len(named) != 1:
            found = ", ".join(named) if named else "none"
            raise ValueError(f"an entry needs `at` and exactly one of: {', '.join(STEP_ACTIONS)} "
                             f"(found {found})")
        return self

    @property
    def action(self) -> str:
        return next(name for name in STEP_ACTIONS if getattr(self, name) is not None)

    @property
    def args(self) -> dict[str, Any]:
        value = getattr(self, self.action)
        if isinstance(value, BaseModel):
            return value.model_dump(exclude_none=True)
        return {"capacity": value}

    def describe(self) -> str:
        """The entry in words, as a person would write it (`throttle ecs:ListTasks calls=5`)."""
        args = " ".join(f"{key}={_words(value)}" for key, value in self.args.items())
        return f"{self.action} {args}".strip()


def _words(value: Any) -> str:
    """A nested argument as a person writes it: `launched:3`, never a Python dict."""
    if isinstance(value, dict):
        return ",".join(f"{key}:{item}" for key, item in value.items())
    return str(value)


STEP_ACTIONS = tuple(name for name in TimelineStep.model_fields if name != "at")
_WITH_DEFAULTS = ("replace_all", "rolling_update", "kill_agent", "drop_next_lifecycle_event",
                  "terminate_instance", "interrupt_spot", "duplicate_events", "lose_deliveries", "warm_pool")
