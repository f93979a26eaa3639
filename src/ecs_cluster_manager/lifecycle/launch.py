"""The launch gate: Lambda handler `ecs_cluster_manager.lifecycle.launch.handler`.

Holds a new instance in Pending:Wait until it has really joined the ECS cluster.
"""

from __future__ import annotations

from typing import Any

from .decide_launch import decide_launch
from .entry import current_runtime
from .events import LAUNCHING, InstanceTrigger
from .observe import observe_launch
from .runtime import Gate, handle


def _relevant(trigger: InstanceTrigger) -> bool:
    """Only an instance that just became ready (or failed for good) can change the decision."""
    ready = trigger.status == "ACTIVE" and trigger.agent_connected
    return ready or trigger.status == "REGISTRATION_FAILED"


GATE = Gate(
    name="launch",
    transition=LAUNCHING,
    wait_state="Pending:Wait",
    hook_of=lambda config: config.launch_hook,
    relevant=_relevant,
    observe=observe_launch,
    decide=decide_launch,
)


def handler(event: Any, context: Any) -> dict[str, Any]:
    return handle(GATE, current_runtime(), event, getattr(context, "get_remaining_time_in_millis", None))
