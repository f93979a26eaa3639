"""The drain gate: Lambda handler `ecs_cluster_manager.lifecycle.terminate.handler`.

Holds an instance in Terminating:Wait until it is drained and its services are steady again.
"""

from __future__ import annotations

from typing import Any

from .config import Config
from .decide_terminate import decide_terminate
from .entry import current_runtime
from .events import TERMINATING, InstanceTrigger
from .gate import Gate
from .leftovers import clean_leftovers
from .observe import observe_terminate
from .runtime import handle


def _relevant(trigger: InstanceTrigger, config: Config, now: float) -> bool:
    """Only the event that says the last task on a draining instance stopped can finish a drain.

    That is DRAINING, agent connected, no task running or pending, and all its CPU and memory
    free again (a task told to stop leaves the counts at once but holds its resources until it
    has stopped). Unknown counts or resources (an event without them): look anyway. Health
    changes never finish a drain. A DRAINING instance whose agent is disconnected has already
    terminated (or cannot stop tasks until its agent is back, which sends its own event), and a
    container instance leaves ECS (INACTIVE) after its instance terminated: neither concerns a
    waiting drain. One that leaves ECS during a drain is rare (someone deregistered it) and the
    one-minute sweep finds it.
    """
    if trigger.health is not None:
        return False
    return (trigger.status == "DRAINING" and trigger.agent_connected and not trigger.tasks
            and trigger.resources_free is not False)


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
