"""The drain gate: Lambda handler `ecs_cluster_manager.lifecycle.terminate.handler`.

Holds an instance in Terminating:Wait until it is drained and its services are steady again.
"""

from __future__ import annotations

from typing import Any

from .config import Config
from .decide_terminate import NOTHING_TO_DRAIN, decide_terminate
from .entry import current_runtime
from .events import TERMINATING, InstanceTrigger
from .leftovers import clean_leftovers
from .observe import observe_terminate
from .runtime import Gate, handle


def _relevant(trigger: InstanceTrigger, config: Config, now: float) -> bool:
    """Only an instance with no task left that wants to run, or one that left ECS, can be done.

    Health changes never finish a drain. Unknown task counts (an event without them): look anyway.
    """
    if trigger.health is not None:
        return False
    drained = trigger.status == "DRAINING" and not trigger.tasks
    return drained or trigger.status in NOTHING_TO_DRAIN


GATE = Gate(
    name="terminate",
    transition=TERMINATING,
    wait_state="Terminating:Wait",
    hook_of=lambda config: config.terminate_hook,
    relevant=_relevant,
    observe=observe_terminate,
    decide=decide_terminate,
    on_sweep=clean_leftovers,  # container instances ECS left behind when their instance terminated
)


def handler(event: Any, context: Any) -> dict[str, Any]:
    return handle(GATE, current_runtime(), event, getattr(context, "get_remaining_time_in_millis", None))
