"""Reading the events a simulated run put on the bus (EventBridge envelopes, eb-events-structure
.html): their time, and the service a task belongs to."""

from __future__ import annotations

from datetime import datetime

TASK_CHANGE = "ECS Task State Change"
SERVICE_ACTION = "ECS Service Action"


def epoch(text: str) -> float:
    """An envelope's `time` (ISO 8601, second precision, "Z") as epoch seconds."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def service_of(group: str) -> str | None:
    """The service of a task's group ("service:web" -> "web"); None for standalone tasks."""
    return group[len("service:"):] if group.startswith("service:") else None
