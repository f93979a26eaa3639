"""The launch gate: Lambda handler `ecs_cluster_manager.lifecycle.launch.handler`.

Holds a new instance in Pending:Wait until it has really joined the ECS cluster.
"""

from __future__ import annotations

from typing import Any

from . import owed_signals
from .config import Config
from .decide_launch import decide_launch
from .entry import current_runtime
from .events import LAUNCHING, InstanceTrigger, LifecycleTrigger
from .gate import Gate
from .observe import observe_launch
from .runtime import CLOCK_SKEW_S, handle


def _relevant(trigger: InstanceTrigger, config: Config, now: float) -> bool:
    """Only an instance that just became ready (or failed for good) can change the decision.

    Every task start and stop and every agent reconnect of an instance in service also sends a
    state change event. The one that says an instance joined is its registration's, which
    carries no task yet; an event with tasks on the instance is about one that joined earlier,
    and if that instance is still waiting (on a health check or an attribute), the health change
    event or the one-minute sweep sees it. One registered longer ago than the launch timeout
    cannot belong to a launch still waiting (that launch would have been abandoned). Either
    costs no call at all.
    """
    if trigger.health is not None:  # a health change event: only a turn to OK can help
        return config.launch_require_health_ok and trigger.health == "OK"
    registered = trigger.registered_at
    if registered is not None and registered < now - config.launch_timeout_s - CLOCK_SKEW_S:
        return False
    joined = trigger.status == "ACTIVE" and trigger.agent_connected and not trigger.tasks
    return joined or trigger.status == "REGISTRATION_FAILED"


def _too_early(trigger: LifecycleTrigger) -> str | None:
    """A fresh launch (Origin EC2, Destination AutoScalingGroup, as the lifecycle event says) has
    nothing to decide when its wait starts: the instance is only booting. Its container
    instance's registration event decides it, or the sweep. Looking now would cost an Auto
    Scaling call per launch, at the very moment a whole batch launches and the calls come
    together. Launches into or out of a warm pool, and notifications that do not say where the
    instance comes from, are looked at: they may be decided at once.
    """
    if (trigger.origin, trigger.destination) == ("EC2", "AutoScalingGroup"):
        return "a fresh launch is only booting: its registration event or the sweep decides it"
    return None


GATE = Gate(
    name="launch",
    transition=LAUNCHING,
    wait_state="Pending:Wait",
    hook_of=lambda config: config.launch_hook,
    relevant=_relevant,
    observe=observe_launch,
    decide=decide_launch,
    too_early=_too_early,
    owed=owed_signals.owed,
    finish=owed_signals.finish,
)


def handler(event: Any, context: Any) -> dict[str, Any]:
    return handle(GATE, current_runtime(), event, getattr(context, "get_remaining_time_in_millis", None))
