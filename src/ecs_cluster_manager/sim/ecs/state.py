"""Shared state of the simulated ECS account: the registries, their indexes, ids and time.

Every module works on one `EcsState`, so indexes (tasks by instance, container instances by EC2
id, services by name) stay in one place and each API call touches only what it needs.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from ecs_cluster_manager.sim.errors import AwsError

from .model import ApiAction, Cluster, ContainerInstance, Service, Task, TaskDefinition, TaskStop
from .timings import EcsTimings


class Clock(Protocol):
    def now(self) -> float: ...
    def call_at(self, when: float, fn: Callable[[], None]) -> Any: ...
    def call_later(self, delay: float, fn: Callable[[], None]) -> Any: ...
    def cancel(self, handle: Any) -> None: ...


class Ec2View(Protocol):
    def instance_state(self, instance_id: str) -> str | None: ...
    def instance_type(self, instance_id: str) -> str | None: ...
    def image_id(self, instance_id: str) -> str | None: ...
    def availability_zone(self, instance_id: str) -> str | None: ...
    def instance_resources(self, instance_id: str) -> tuple[int, int]: ...


@dataclass
class ClusterIndex:
    """Per-cluster indexes, so a call about one cluster never scans another."""

    cluster: Cluster
    instances: dict[str, ContainerInstance] = field(default_factory=dict)  # by id, in order
    services: dict[str, Service] = field(default_factory=dict)  # by name, in order
    tasks: dict[str, Task] = field(default_factory=dict)  # by id, in order


class EcsState:
    def __init__(
        self,
        clock: Clock,
        region: str,
        account_id: str,
        emit_event: Callable[[dict[str, Any]], None],
        ec2_view: Ec2View,
        *,
        timings: EcsTimings,
        seed: int,
    ) -> None:
        self.clock = clock
        self.region = region
        self.account_id = account_id
        self.emit_event = emit_event
        self.ec2 = ec2_view
        self.timings = timings
        # Its own stream, so ECS ids never repeat the ids other simulated services draw.
        self.random = random.Random(f"sim-ecs-{seed}")
        # Re-entrant: a callback may call back into the API through a hook.
        self.lock = threading.RLock()
        self.clusters: dict[str, ClusterIndex] = {}
        self.instances_by_ec2: dict[str, ContainerInstance] = {}  # the latest registration
        # Every registration of each EC2 instance, oldest first (re-registration adds one).
        self.registrations_by_ec2: dict[str, list[ContainerInstance]] = {}
        # Tasks ECS lost track of that still run on their EC2 instance (by EC2 id, task id).
        self.orphans_by_ec2: dict[str, dict[str, Task]] = {}
        self.tasks_by_instance: dict[str, dict[str, Task]] = {}  # container instance id
        self.task_definitions: dict[str, list[TaskDefinition]] = {}  # by family
        self.stop_log: list[TaskStop] = []
        self.action_log: list[ApiAction] = []
        # Who is calling: the backend's caller source (the running Lambda function's name).
        self.caller: Callable[[], str | None] = lambda: None
        # A target group's deregistration delay by ARN (None: no such group); the account
        # wires its simulated elbv2 here.
        self.target_group_delay: Callable[[str], float | None] = lambda arn: None
        # ECS deregisters a terminated instance whose agent was connected; False models the
        # harsher reading that every terminated instance is left behind.
        self.deregister_on_termination = True
        # Standalone tasks of these families exit this many seconds after they start RUNNING.
        self.task_lifetimes: dict[str, float] = {}
        # An agent disconnected this long makes AGENT_CONNECTIVITY IMPAIRED (None: not checked).
        self.connectivity_threshold_s: float | None = None
        # Hooks the backend wires up (kept as attributes to avoid import cycles).
        self.on_service_task_changed: Callable[[Task], None] = lambda task: None
        self.on_instance_changed: Callable[[ContainerInstance], None] = lambda ci: None

    # --- ids, ARNs and time -------------------------------------------------------------
    def new_hex_id(self) -> str:
        return f"{self.random.getrandbits(128):032x}"

    def new_uuid(self) -> str:
        h = f"{self.random.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def arn(self, resource: str) -> str:
        return f"arn:aws:ecs:{self.region}:{self.account_id}:{resource}"

    def now(self) -> float:
        return self.clock.now()

    def now_dt(self) -> datetime:
        return datetime.fromtimestamp(self.clock.now(), tz=UTC)

    def later(self, delay: float, fn: Callable[[], object]) -> Any:
        """Schedule `fn` on the virtual clock, holding the state lock while it runs."""

        def locked() -> None:
            with self.lock:
                fn()

        return self.clock.call_later(delay, locked)

    def record_action(self, operation: str, cluster: str, target_arn: str, ec2_instance_id: str,
                      detail: str) -> None:
        self.action_log.append(ApiAction(self.now(), operation, self.caller(), cluster,
                                         target_arn, ec2_instance_id, detail))

    # --- lookups ------------------------------------------------------------------------
    def cluster(self, ref: str | None) -> ClusterIndex:
        name = (ref or "default").rsplit("/", 1)[-1]
        index = self.clusters.get(name)
        if index is None or index.cluster.status != "ACTIVE":
            raise AwsError("ClusterNotFoundException", "Cluster not found.")
        return index

    def ensure_cluster(self, name: str) -> ClusterIndex:
        index = self.clusters.get(name)
        if index is None or index.cluster.status != "ACTIVE":
            index = ClusterIndex(Cluster(name=name, arn=self.arn(f"cluster/{name}")))
            self.clusters[name] = index
        return index

    def container_instance(self, index: ClusterIndex, ref: str) -> ContainerInstance | None:
        return index.instances.get(ref.rsplit("/", 1)[-1])

    def task(self, index: ClusterIndex, ref: str) -> Task | None:
        return index.tasks.get(ref.rsplit("/", 1)[-1])

    def service(self, index: ClusterIndex, ref: str) -> Service | None:
        return index.services.get(ref.rsplit("/", 1)[-1])
