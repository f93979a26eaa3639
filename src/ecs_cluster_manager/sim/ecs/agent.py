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

Health: the agent's container runtime check reports OK, IMPAIRED, INITIALIZING or
INSUFFICIENT_DATA (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-health.html);
a change of the overall status sends ECS Container Instance Health Change
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_container_instance_health_events.html).
How long a new instance reports INITIALIZING is not documented: 0 s by default, settable. "When
a container instance remains disconnected beyond a threshold, Amazon ECS marks the instance as
impaired" (AGENT_CONNECTIVITY); the threshold is not documented, so this check is off unless
`EcsState.connectivity_threshold_s` is set.

Re-registration: an agent that lost its state (or whose instance was deregistered with force
and restarted) registers the same EC2 instance again under a new container-instance ARN; the
old one goes INACTIVE and its tasks are orphaned, as after a forced deregistration
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeregisterContainerInstance.html).
Which of the two registrations ECS ends first is not documented; the simulator ends the old
one when the new one appears (the harsher reading: a stale ARN is ACTIVE, disconnected, until
then).

Warm pools: with `ECS_WARM_POOLS_CHECK=true` in the user data the agent does not register while
its instance's autoscaling/target-lifecycle-state is not InService, i.e. while it is in a warm
pool (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-warm-pool.html); without
it, it registers in the pool. A stopped instance's agent is down (disconnected); it reconnects
when the instance runs again (`warm_pools.py`).
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from . import container_instances, events, tasks, warm_pools
from .model import ContainerInstance
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
    # Or any status of the check (OK | IMPAIRED | INITIALIZING | INSUFFICIENT_DATA), reported
    # after `runtime_initializing_s` of INITIALIZING from registration.
    runtime_health: str = "OK"
    runtime_initializing_s: float = 0.0
    cluster: str | None = None  # overrides ECS_CLUSTER from the user data

    @property
    def settled_health(self) -> str:
        return "IMPAIRED" if self.runtime_impaired else self.runtime_health


HEALTH_STATUSES = ("OK", "IMPAIRED", "INITIALIZING", "INSUFFICIENT_DATA")


_ECS_CLUSTER = re.compile(r"ECS_CLUSTER=['\"]?([A-Za-z0-9_-]+)")


class Agents:
    def __init__(self, state: EcsState) -> None:
        self.state = state
        self.default = AgentBehaviour()
        self.default_cluster = "default"
        self.by_image: dict[str, AgentBehaviour] = {}
        self.by_instance: dict[str, AgentBehaviour] = {}
        self._pending: dict[str, Any] = {}  # ec2 id -> registration timer
        # Agents killed while their instance was still booting: when they may start.
        self._held_until: dict[str, float] = {}
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
        delay = behaviour.register_delay_s
        registered = self.state.instances_by_ec2.get(ec2_id)
        if registered is not None and registered.status == "ACTIVE":  # started after a stop
            self.state.later(delay, lambda: self.reconnect(ec2_id))
            return
        held_until = self._held_until.pop(ec2_id, None)
        if held_until is not None:
            if math.isinf(held_until):
                return  # killed for good before it started
            delay = max(delay, held_until - self.state.now())
        self._schedule_registration(ec2_id, behaviour, delay)

    def instance_terminated(self, ec2_id: str) -> None:
        self._held_until.pop(ec2_id, None)
        self._awaiting_in_service.discard(ec2_id)
        timer = self._pending.pop(ec2_id, None)
        if timer is not None:
            self.state.clock.cancel(timer)

    def instance_stopped(self, ec2_id: str) -> None:
        self._awaiting_in_service.discard(ec2_id)
        self.disconnect(ec2_id, math.inf)

    def target_lifecycle_state_changed(self, ec2_id: str) -> None:
        """An agent held by ECS_WARM_POOLS_CHECK registers once its instance heads InService."""
        if ec2_id in self._awaiting_in_service and warm_pools.in_service_bound(self.state, ec2_id):
            self._awaiting_in_service.discard(ec2_id)
            behaviour = self.behaviour_for(ec2_id)
            self._schedule_registration(ec2_id, behaviour, behaviour.register_delay_s)

    def _schedule_registration(self, ec2_id: str, behaviour: AgentBehaviour, delay: float,
                               *, anew: bool = False) -> None:
        timer = self._pending.pop(ec2_id, None)
        if timer is not None:
            self.state.clock.cancel(timer)
        self._pending[ec2_id] = self.state.later(
            delay, lambda: self._register(ec2_id, behaviour, anew=anew))

    def _register(self, ec2_id: str, behaviour: AgentBehaviour, *, anew: bool = False) -> None:
        self._pending.pop(ec2_id, None)
        if self.state.ec2.instance_state(ec2_id) != "running":
            return
        if warm_pools.held_in_pool(self.state, ec2_id, self._user_data(ec2_id)):
            self._awaiting_in_service.add(ec2_id)
            return
        old = self.state.instances_by_ec2.get(ec2_id)
        if anew and old is not None and old.status != "INACTIVE":
            container_instances.deregister_now(self.state, old)
        failed = behaviour.fault is AgentFault.REGISTRATION_FAILED
        initializing = behaviour.runtime_initializing_s > 0
        ci = container_instances.register(
            self.state, ec2_id, self._cluster_for(ec2_id, behaviour), failed=failed,
            runtime_health="INITIALIZING" if initializing else behaviour.settled_health,
        )
        if ci is None or failed:
            return
        if initializing:
            self.state.later(behaviour.runtime_initializing_s, lambda: self._settle_health(
                ci.arn, ec2_id, behaviour.settled_health))
        if behaviour.disconnect_after_s is not None:
            self._flap_later(ec2_id, behaviour, behaviour.disconnect_after_s)

    def _settle_health(self, arn: str, ec2_id: str, status: str) -> None:
        ci = self.state.instances_by_ec2.get(ec2_id)
        if ci is not None and ci.arn == arn and ci.runtime_health == "INITIALIZING":
            self.set_runtime_health(ec2_id, status)

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
        found = _ECS_CLUSTER.search(self._user_data(ec2_id))
        return found.group(1) if found else self.default_cluster

    def _user_data(self, ec2_id: str) -> str:
        """The instance's user data as text ("" when EC2 does not say)."""
        user_data = getattr(self.state.ec2, "user_data", None)
        return _decoded(user_data(ec2_id)) if callable(user_data) else ""

    def disconnect(self, ec2_id: str, for_seconds: float) -> bool:
        """Drop the agent's connection; it reconnects after `for_seconds` (math.inf: never).
        An agent that has not registered yet (its instance booting, or running but the agent
        not yet registered) registers only after that time. False when there is no agent to
        disconnect: an unknown or terminated instance, an agent already disconnected, a
        registration that failed or ended, an agent that never registers."""
        ci = self.state.instances_by_ec2.get(ec2_id)
        if ci is None or ci.status == "INACTIVE":
            return self._hold_unregistered(ec2_id, for_seconds)
        if not ci.agent_connected:
            return False
        ci.agent_connected = False
        events.container_instance_changed(self.state, ci)
        self.state.on_instance_changed(ci)
        if not math.isinf(for_seconds):
            self.state.later(for_seconds, lambda: self.reconnect(ec2_id))
        since = ci.disconnected_at = self.state.now()
        threshold = self.state.connectivity_threshold_s
        if threshold is not None:
            self.state.later(threshold, lambda: self._connectivity_lost(ci, since))
        return True

    def _connectivity_lost(self, ci: ContainerInstance, since: float) -> None:
        """Still the same disconnection (no reconnection since): the check turns IMPAIRED."""
        if ci.disconnected_at == since and not ci.agent_connected and ci.status != "INACTIVE":
            ci.connectivity_impaired_since = self.state.now()
            events.health_changed(self.state, ci)

    def _hold_unregistered(self, ec2_id: str, for_seconds: float) -> bool:
        until = self.state.now() + for_seconds
        if ec2_id in self._pending:  # running, agent starting: it registers later or never
            self.state.clock.cancel(self._pending.pop(ec2_id))
            if not math.isinf(for_seconds):
                self._schedule_registration(ec2_id, self.behaviour_for(ec2_id), for_seconds)
            return True
        booting = self.state.ec2.instance_state(ec2_id) == "pending"
        if booting and ec2_id not in self.state.instances_by_ec2:
            self._held_until[ec2_id] = max(until, self._held_until.get(ec2_id, until))
            return True
        return False

    def reconnect(self, ec2_id: str) -> bool:
        ci = self.state.instances_by_ec2.get(ec2_id)
        if ci is None or ci.agent_connected or ci.status in ("INACTIVE", "REGISTRATION_FAILED"):
            return False
        if self.state.ec2.instance_state(ec2_id) != "running":
            return False
        ci.agent_connected = True
        ci.disconnected_at = ci.connectivity_impaired_since = None
        events.container_instance_changed(self.state, ci)
        tasks.resume_parked(self.state, ci)
        self.state.on_instance_changed(ci)
        return True

    def register_anew(self, ec2_id: str, after_s: float) -> bool:
        """The agent restarts without its state: disconnected now, it registers the instance
        under a new ARN after `after_s`; the old registration then goes INACTIVE."""
        if self.state.ec2.instance_state(ec2_id) != "running":
            return False
        ci = self.state.instances_by_ec2.get(ec2_id)
        if ci is not None and ci.agent_connected:
            ci.agent_connected = False
            events.container_instance_changed(self.state, ci)
            self.state.on_instance_changed(ci)
        behaviour = self.behaviour_for(ec2_id)
        if behaviour.fault is AgentFault.REGISTRATION_FAILED:
            behaviour = replace(behaviour, fault=AgentFault.NONE)  # the fault was the first try's
        self._schedule_registration(ec2_id, behaviour, after_s, anew=True)
        return True

    def set_runtime_health(self, ec2_id: str, status: str, reason: str | None = None) -> bool:
        """The container runtime check now reports `status`; False without a live registration."""
        if status not in HEALTH_STATUSES:
            raise ValueError(f"runtime health {status!r}: expected one of {', '.join(HEALTH_STATUSES)}")
        ci = self.state.instances_by_ec2.get(ec2_id)
        if ci is None or ci.status in ("INACTIVE", "REGISTRATION_FAILED"):
            return False
        if ci.runtime_health != status or ci.runtime_health_reason != reason:
            ci.runtime_health, ci.runtime_health_reason = status, reason
            ci.runtime_health_changed_at = ci.updated_at = self.state.now()
            events.health_changed(self.state, ci)
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
