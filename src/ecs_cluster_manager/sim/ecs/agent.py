"""The simulated ECS container agent on each instance: registration, faults, connection.

The agent registers its instance into the cluster named by `ECS_CLUSTER` in the user data
(the `default` cluster otherwise) once it has started
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/launch_container_instance.html,
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-agent-config.html). Registration
can fail (REGISTRATION_FAILED, https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerInstance.html)
and the agent "disconnects and reconnects several times per hour", each time emitting a
Container Instance State Change event
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_container_instance_events.html).
While it is disconnected nothing can be placed on the instance and its tasks do not change
state. Faults are set per AMI id or per instance.

With `ECS_WARM_POOLS_CHECK=true` in the user data the agent does not register while the
instance's autoscaling/target-lifecycle-state is not InService, i.e. while it is in a warm pool
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-warm-pool.html); without it,
it registers in the pool. A stopped instance's agent is down (disconnected) and reconnects when
the instance runs again.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

from . import container_instances, events, tasks
from .state import EcsState


class AgentFault(Enum):
    NONE = "none"
    NEVER_REGISTERS = "never registers"
    REGISTRATION_FAILED = "registration fails"


@dataclass(frozen=True)
class AgentBehaviour:
    register_delay_s: float = 20.0
    fault: AgentFault = AgentFault.NONE
    # Disconnect this long after registering, for `disconnect_for_s` (math.inf: for good),
    # and again every `disconnect_every_s` after each reconnection (the normal flapping).
    disconnect_after_s: float | None = None
    disconnect_for_s: float = 0.0
    disconnect_every_s: float | None = None
    # The container runtime health check reports IMPAIRED (DescribeContainerInstances health).
    runtime_impaired: bool = False
    cluster: str | None = None  # overrides ECS_CLUSTER from the user data


_ECS_CLUSTER = re.compile(r"ECS_CLUSTER=['\"]?([A-Za-z0-9_-]+)")
_WARM_POOLS_CHECK = re.compile(r"ECS_WARM_POOLS_CHECK=['\"]?true\b")


class Agents:
    def __init__(self, state: EcsState) -> None:
        self.state = state
        self.default = AgentBehaviour()
        self.default_cluster = "default"
        self.by_image: dict[str, AgentBehaviour] = {}
        self.by_instance: dict[str, AgentBehaviour] = {}
        self._pending: dict[str, Any] = {}  # ec2 id -> registration timer
        self._awaiting_in_service: set[str] = set()  # ECS_WARM_POOLS_CHECK agents in a pool

    def behaviour_for(self, ec2_id: str) -> AgentBehaviour:
        if ec2_id in self.by_instance:
            return self.by_instance[ec2_id]
        image = self.state.ec2.image_id(ec2_id)
        return self.by_image.get(image or "", self.default)

    def instance_running(self, ec2_id: str) -> None:
        behaviour = self.behaviour_for(ec2_id)
        if behaviour.fault is AgentFault.NEVER_REGISTERS:
            return
        registered = self.state.instances_by_ec2.get(ec2_id)
        if registered is not None and registered.status == "ACTIVE":  # started after a stop
            self.state.later(behaviour.register_delay_s, lambda: self.reconnect(ec2_id))
            return
        self._pending[ec2_id] = self.state.later(
            behaviour.register_delay_s, lambda: self._register(ec2_id, behaviour)
        )

    def instance_terminated(self, ec2_id: str) -> None:
        self._awaiting_in_service.discard(ec2_id)
        timer = self._pending.pop(ec2_id, None)
        if timer is not None:
            self.state.clock.cancel(timer)

    def instance_stopped(self, ec2_id: str) -> None:
        self._awaiting_in_service.discard(ec2_id)
        self.disconnect(ec2_id, math.inf)

    def target_lifecycle_state_changed(self, ec2_id: str) -> None:
        """An agent held by ECS_WARM_POOLS_CHECK registers once its instance heads InService."""
        if ec2_id in self._awaiting_in_service and self._in_service_bound(ec2_id):
            self._awaiting_in_service.discard(ec2_id)
            behaviour = self.behaviour_for(ec2_id)
            self._pending[ec2_id] = self.state.later(
                behaviour.register_delay_s, lambda: self._register(ec2_id, behaviour))

    def _in_service_bound(self, ec2_id: str) -> bool:
        target = getattr(self.state.ec2, "target_lifecycle_state", None)
        return not callable(target) or target(ec2_id) in (None, "InService")

    def _warm_pools_check(self, ec2_id: str) -> bool:
        user_data = getattr(self.state.ec2, "user_data", None)
        return callable(user_data) and bool(_WARM_POOLS_CHECK.search(_decoded(user_data(ec2_id))))

    def _register(self, ec2_id: str, behaviour: AgentBehaviour) -> None:
        self._pending.pop(ec2_id, None)
        if self.state.ec2.instance_state(ec2_id) != "running":
            return
        if self._warm_pools_check(ec2_id) and not self._in_service_bound(ec2_id):
            self._awaiting_in_service.add(ec2_id)
            return
        failed = behaviour.fault is AgentFault.REGISTRATION_FAILED
        ci = container_instances.register(
            self.state, ec2_id, self._cluster_for(ec2_id, behaviour), failed=failed
        )
        if ci is None or failed:
            return
        ci.runtime_impaired = behaviour.runtime_impaired
        if behaviour.disconnect_after_s is not None:
            self._flap_later(ec2_id, behaviour, behaviour.disconnect_after_s)

    def _flap_later(self, ec2_id: str, behaviour: AgentBehaviour, delay: float) -> None:
        def flap() -> None:
            if not self.disconnect(ec2_id, behaviour.disconnect_for_s):
                return
            if behaviour.disconnect_every_s is not None and not math.isinf(behaviour.disconnect_for_s):
                self._flap_later(ec2_id, behaviour, behaviour.disconnect_for_s + behaviour.disconnect_every_s)

        self.state.later(delay, flap)

    def _cluster_for(self, ec2_id: str, behaviour: AgentBehaviour) -> str:
        if behaviour.cluster:
            return behaviour.cluster
        user_data = getattr(self.state.ec2, "user_data", None)
        if callable(user_data):
            found = _ECS_CLUSTER.search(_decoded(user_data(ec2_id)))
            if found:
                return found.group(1)
        return self.default_cluster

    def disconnect(self, ec2_id: str, for_seconds: float) -> bool:
        """Drop the agent's connection; it reconnects after `for_seconds` (math.inf: never).
        An agent that has not registered yet registers only after that time."""
        ci = self.state.instances_by_ec2.get(ec2_id)
        if ci is None and ec2_id in self._pending:  # not registered yet: it registers later
            self.state.clock.cancel(self._pending.pop(ec2_id))
            if not math.isinf(for_seconds):
                behaviour = self.behaviour_for(ec2_id)
                self._pending[ec2_id] = self.state.later(
                    for_seconds, lambda: self._register(ec2_id, behaviour)
                )
            return True
        if ci is None or not ci.agent_connected or ci.status == "INACTIVE":
            return False
        ci.agent_connected = False
        events.container_instance_changed(self.state, ci)
        self.state.on_instance_changed(ci)
        if not math.isinf(for_seconds):
            self.state.later(for_seconds, lambda: self.reconnect(ec2_id))
        return True

    def reconnect(self, ec2_id: str) -> bool:
        ci = self.state.instances_by_ec2.get(ec2_id)
        if ci is None or ci.agent_connected or ci.status in ("INACTIVE", "REGISTRATION_FAILED"):
            return False
        if self.state.ec2.instance_state(ec2_id) != "running":
            return False
        ci.agent_connected = True
        events.container_instance_changed(self.state, ci)
        tasks.resume_parked(self.state, ci)
        self.state.on_instance_changed(ci)
        return True


def _decoded(user_data: object) -> str:
    if isinstance(user_data, bytes):
        user_data = user_data.decode(errors="replace")
    if not isinstance(user_data, str):
        return ""
    if "ECS_CLUSTER" in user_data:
        return user_data
    try:
        return base64.b64decode(user_data, validate=True).decode(errors="replace")
    except (binascii.Error, ValueError):
        return user_data
