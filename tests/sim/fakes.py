"""A minimal stand-in for the simulated ECS: records what EC2 tells it, answers nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ecs_cluster_manager.sim.backend import not_modelled


class FakeEcs:
    def __init__(self, clock: Any, region: str, account_id: str,
                 emit_event: Callable[[dict[str, Any]], None], ec2_view: Any) -> None:
        self.clock = clock
        self.emit_event = emit_event
        self.ec2_view = ec2_view
        self.running: list[tuple[str, float]] = []
        self.terminated: list[tuple[str, float]] = []

    def handle(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        raise not_modelled("ecs", operation)

    def on_instance_running(self, instance_id: str) -> None:
        self.running.append((instance_id, self.clock.now()))

    def on_instance_terminated(self, instance_id: str) -> None:
        self.terminated.append((instance_id, self.clock.now()))
