"""The simulated Amazon ECS service (container instances, agents, tasks, services, scheduler).

Wiring (the core does this): `EcsBackend(clock, region, account_id, emit_event, ec2_view)`;
`handle(operation, params)` answers the API, EC2 calls `on_instance_running(id)` and
`on_instance_terminated(id)`, the account names the calling function through
`set_caller_source`.

Scenario controls (the fault API, listed in docs/simulator.md "ECS fault API"):
`set_agent_behaviour(AgentBehaviour(...), image_id=... | instance_id=...)`,
`disconnect_agent`, `reconnect_agent`, `reregister_agent`, `set_runtime_health`,
`set_agent_connectivity_threshold`,
`keep_container_instances_on_termination`, `set_task_lifetime`, `set_default_cluster`,
`set_service_stop_profile` or the service tags `sim:deregistration-delay` /
`sim:stop-timeout`; `EcsTimings` for the transitional states.

Harness reads: `container_instance_for(ec2_id)`, `container_instances_of(ec2_id)`,
`tasks_on_instance(ec2_id)`, `task_stops()` (every stop with its `StopCause`), `actions()`
(who stopped a task, drained or deregistered an instance), `service_health()`.

Not modelled: capacity providers and managed draining/termination protection, Fargate,
awsvpc/ENIs and ports, `memberOf` placement constraints (`distinctInstance` is applied),
load balancers beyond their target groups' deregistration delay (read from the account's
simulated elbv2, `sim/elbv2.py`), task health checks and circuit breakers, attributes APIs,
tags APIs, task sets, the periodic re-sending of SERVICE_STEADY_STATE and agent updates.
"""

from __future__ import annotations

from .agent import AgentBehaviour, AgentFault
from .backend import EcsBackend
from .harness import ContainerInstanceView, ServiceHealth, TaskView
from .model import ApiAction, StopCause, StopProfile, TaskStop
from .timings import EcsTimings

__all__ = [
    "AgentBehaviour",
    "AgentFault",
    "ApiAction",
    "ContainerInstanceView",
    "EcsBackend",
    "EcsTimings",
    "ServiceHealth",
    "StopCause",
    "StopProfile",
    "TaskStop",
    "TaskView",
]
