"""The simulated Amazon ECS service (container instances, agents, tasks, services, scheduler).

Wiring (the core does this): `EcsBackend(clock, region, account_id, emit_event, ec2_view)`;
`handle(operation, params)` answers the API, EC2 calls `on_instance_running(id)` and
`on_instance_terminated(id)`.

Scenario controls: `set_agent_behaviour(AgentBehaviour(...), image_id=... | instance_id=...)`
(register delay, NEVER_REGISTERS, REGISTRATION_FAILED, disconnect after / for / every,
an IMPAIRED runtime health check),
`set_default_cluster(name)`, `disconnect_agent(id, for_seconds)`, `reconnect_agent(id)`,
`set_service_stop_profile(cluster, service, StopProfile(...))` or the service tags
`sim:deregistration-delay` / `sim:stop-timeout`; `EcsTimings` for the transitional states.

Harness reads: `container_instance_for(ec2_id)`, `tasks_on_instance(ec2_id)`, `task_stops()`
(every stop with its `StopCause`), `service_health()` (running vs minimum healthy count).

Not modelled: capacity providers and managed draining/termination protection, Fargate,
awsvpc/ENIs and ports, placement constraints, load balancers beyond their deregistration
delay, task health checks and circuit breakers, attributes APIs, tags APIs, task sets, the
periodic re-sending of SERVICE_STEADY_STATE, and agent updates.
"""

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
