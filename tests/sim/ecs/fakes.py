"""A tiny virtual clock and EC2 view, so the ECS backend is tested on its own."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ecs_cluster_manager.sim.ecs import EcsBackend, EcsTimings

START = 1_767_225_600.0  # 2026-01-01T00:00:00Z


class FakeClock:
    def __init__(self, start: float = START) -> None:
        self._now = start
        self._heap: list[tuple[float, int, list[Any]]] = []
        self._seq = itertools.count()

    def now(self) -> float:
        return self._now

    def call_at(self, when: float, fn: Callable[[], None]) -> list[Any]:
        handle: list[Any] = [fn]
        heapq.heappush(self._heap, (max(when, self._now), next(self._seq), handle))
        return handle

    def call_later(self, delay: float, fn: Callable[[], None]) -> list[Any]:
        return self.call_at(self._now + delay, fn)

    def cancel(self, handle: list[Any]) -> None:
        handle[0] = None

    def advance(self, seconds: float) -> None:
        limit = self._now + seconds
        while self._heap and self._heap[0][0] <= limit:
            when, _, handle = heapq.heappop(self._heap)
            self._now = when
            if handle[0] is not None:
                handle[0]()
        self._now = limit

    def run_until(self, predicate: Callable[[], bool], timeout: float = 3600.0) -> bool:
        limit = self._now + timeout
        while not predicate():
            if not self._heap or self._heap[0][0] > limit:
                self._now = limit
                return predicate()
            when, _, handle = heapq.heappop(self._heap)
            self._now = when
            if handle[0] is not None:
                handle[0]()
        return True


@dataclass
class FakeInstance:
    image_id: str = "ami-0old"
    instance_type: str = "m5.large"
    availability_zone: str = "us-east-1a"
    cpu: int = 2048
    memory: int = 7680
    state: str = "running"
    user_data: str = ""


@dataclass
class FakeEc2:
    instances: dict[str, FakeInstance] = field(default_factory=dict)

    def instance_state(self, instance_id: str) -> str | None:
        i = self.instances.get(instance_id)
        return i.state if i else None

    def instance_type(self, instance_id: str) -> str | None:
        return self.instances[instance_id].instance_type

    def image_id(self, instance_id: str) -> str | None:
        return self.instances[instance_id].image_id

    def availability_zone(self, instance_id: str) -> str | None:
        return self.instances[instance_id].availability_zone

    def instance_resources(self, instance_id: str) -> tuple[int, int]:
        i = self.instances[instance_id]
        return i.cpu, i.memory

    def user_data(self, instance_id: str) -> str:
        return self.instances[instance_id].user_data


class World:
    """The backend plus its fakes and every event it emitted."""

    def __init__(self, timings: EcsTimings | None = None) -> None:
        self.clock = FakeClock()
        self.ec2 = FakeEc2()
        self.events: list[dict[str, Any]] = []
        self.ecs = EcsBackend(
            self.clock, "us-east-1", "123456789012", self.events.append, self.ec2, timings=timings
        )
        self._n = 0

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        return self.ecs.handle(operation, params)

    def launch(self, count: int = 1, **kwargs: Any) -> list[str]:
        ids = []
        for _ in range(count):
            self._n += 1
            instance_id = f"i-{self._n:017x}"
            kwargs.setdefault("user_data", "#!/bin/bash\necho ECS_CLUSTER=prod >> /etc/ecs/ecs.config")
            self.ec2.instances[instance_id] = FakeInstance(**kwargs)
            self.ecs.on_instance_running(instance_id)
            ids.append(instance_id)
        return ids

    def boot(self, count: int = 1) -> list[str]:
        """Instances still `pending` in EC2: their agent has not started."""
        ids = self.launch(count, state="pending")
        for instance_id in ids:  # launch told ECS they run; take that back
            self.ecs.agents.instance_terminated(instance_id)
        return ids

    def start(self, instance_id: str) -> None:
        """A booting instance reaches `running`: its agent starts."""
        self.ec2.instances[instance_id].state = "running"
        self.ecs.on_instance_running(instance_id)

    def terminate(self, instance_id: str) -> None:
        self.ec2.instances[instance_id].state = "terminated"
        self.ecs.on_instance_terminated(instance_id)

    def ci_arn(self, instance_id: str) -> str:
        view = self.ecs.container_instance_for(instance_id)
        assert view is not None
        return view.arn

    def register_web(self, family: str = "web", cpu: int = 256, memory: int = 512, **extra: Any) -> str:
        container = {"name": family, "image": "nginx", "cpu": cpu, "memory": memory, **extra}
        out = self.call("RegisterTaskDefinition", family=family, containerDefinitions=[container])
        arn: str = out["taskDefinition"]["taskDefinitionArn"]
        return arn

    def events_of(self, detail_type: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["detail-type"] == detail_type]
