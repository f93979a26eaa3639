"""The simulated Amazon ECS service (container instances, agents, tasks, services, scheduler)."""

from __future__ import annotations

from .agent import AgentBehaviour, AgentFault
from .backend import EcsBackend
from .harness import ContainerInstanceView, ServiceHealth, TaskView
from .model import StopCause, StopProfile, TaskStop
from .timings import EcsTimings

__all__ = [
    "AgentBehaviour",
    "AgentFault",
    "ContainerInstanceView",
    "EcsBackend",
    "EcsTimings",
    "ServiceHealth",
    "StopCause",
    "StopProfile",
    "TaskStop",
    "TaskView",
]
