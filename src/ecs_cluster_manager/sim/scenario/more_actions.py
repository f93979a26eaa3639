"""Timeline faults beyond the Auto Scaling ones: what the agent of a new AMI does, services
changed under a drain, instances terminated out of band, and a neighbour group.

Each is a plain API call or a control of the simulated services, so it behaves as the simulator
documents for that service: `AgentBehaviour` (sim/ecs/agent.py) for agents, ECS UpdateService /
DeleteService (sim/ecs/services.py), EC2 TerminateInstances (sim/ec2/), which Auto Scaling
answers without lifecycle hooks ("Amazon EC2 Auto Scaling lifecycle hooks": hooks do not run
for an instance terminated outside the group).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ecs_cluster_manager.sim.ecs import AgentBehaviour, AgentFault, EcsBackend
from ecs_cluster_manager.sim.errors import AwsError
from ecs_cluster_manager.sim.scenario.fault_actions import FAULT_ACTIONS
from ecs_cluster_manager.sim.scenario.rolling_update import rolling_update
from ecs_cluster_manager.sim.scenario.steps import InstanceRef

if TYPE_CHECKING:
    from ecs_cluster_manager.sim.scenario.actions import Timeline
    from ecs_cluster_manager.sim.scenario.provision import Stack

# What the ECS agent of a new AMI does (`replace_all: {agent: ...}`).
AGENTS: dict[str, Callable[[float], AgentBehaviour]] = {
    "never-registers": lambda delay: AgentBehaviour(delay, AgentFault.NEVER_REGISTERS),
    "registration-failed": lambda delay: AgentBehaviour(delay, AgentFault.REGISTRATION_FAILED),
    "impaired": lambda delay: AgentBehaviour(delay, runtime_impaired=True),
    # health INITIALIZING for two minutes after registering, then OK
    "slow-health": lambda delay: AgentBehaviour(delay, runtime_initializing_s=120.0),
    # registers, drops its connection 5 s later for 40 s, and again every 2 minutes
    "flaps": lambda delay: AgentBehaviour(delay, disconnect_after_s=5.0, disconnect_for_s=40.0,
                                          disconnect_every_s=120.0),
}


def _ecs(timeline: Timeline) -> EcsBackend:
    ecs = timeline.account.ecs
    assert isinstance(ecs, EcsBackend)
    return ecs


def agent_of_image(stack: Stack, image_id: str, agent: str) -> None:
    ecs = stack.account.ecs
    assert isinstance(ecs, EcsBackend)
    delay = float(ecs.agents.default.register_delay_s)
    ecs.set_agent_behaviour(AGENTS[agent](delay), image_id=image_id)


def _service_call(timeline: Timeline, operation: str, request: dict[str, Any]) -> None:
    """One ECS call on a scenario service; the fault fired if ECS accepted it."""
    try:
        _ecs(timeline).handle(operation, {"cluster": timeline.stack.cluster, **request})
    except AwsError as error:
        timeline.note(f"{operation} refused: {error.code}: {error.message}")
        timeline.declare(lambda: 0)
        return
    timeline.declare(lambda: 1)


def delete_service(timeline: Timeline, name: str) -> None:
    """DeleteService with force: ECS scales it to zero and stops its tasks."""
    _service_call(timeline, "DeleteService", {"service": name, "force": True})


def scale_service(timeline: Timeline, name: str, count: int) -> None:
    _service_call(timeline, "UpdateService", {"service": name, "desiredCount": count})


def deploy_service(timeline: Timeline, name: str) -> None:
    """A new deployment of the service (forceNewDeployment), in progress during a drain."""
    _service_call(timeline, "UpdateService", {"service": name, "forceNewDeployment": True})


def terminate_instance(timeline: Timeline, instance: InstanceRef = 0) -> None:
    """EC2 TerminateInstances, outside Auto Scaling: no lifecycle hook runs, and an action that
    was waiting is cancelled with the instance."""
    picked = timeline.pick(instance)
    if picked is None:
        timeline.note(f"terminate_instance: no instance matches {instance}")
        timeline.declare(lambda: 0)
        return
    done = timeline.account.ec2.terminate_out_of_band(picked)
    if done:
        timeline.hold_until_noticed(0.0)
    timeline.note(f"{picked} terminated through EC2, outside its group" if done
                  else f"terminate_instance: {picked} is already shutting down or gone")
    timeline.declare(lambda: int(done))


def scale_neighbour_to(timeline: Timeline, capacity: int) -> None:
    """Set the neighbour group's desired capacity (a second group in the same account)."""
    name = timeline.stack.neighbour_group
    if name is None:
        timeline.note("scale_neighbour_to: the scenario has no cluster.neighbour_instances")
        timeline.declare(lambda: 0)
        return
    timeline.account.autoscaling.handle("SetDesiredCapacity", {
        "AutoScalingGroupName": name, "DesiredCapacity": capacity})
    timeline.declare(lambda: 1)


def _agent_fault(timeline: Timeline, instance: InstanceRef, what: str,
                 act: Callable[[EcsBackend, str], bool]) -> None:
    """A fault on one instance's agent; it fired if the agent was there to take it."""
    picked = timeline.pick(instance)
    done = picked is not None and act(_ecs(timeline), picked)
    timeline.note(f"{what} on {picked}" if done else f"{what}: no live agent on {instance}")
    timeline.declare(lambda: int(done))


def reregister_agent(timeline: Timeline, instance: InstanceRef = 0, after_s: float = 20.0) -> None:
    """The agent restarts without its state and registers under a new container-instance ARN
    (the old ARN goes INACTIVE; a gate that trusts a remembered ARN is misled)."""
    _agent_fault(timeline, instance, f"agent re-registers in {after_s:g} s",
                 lambda ecs, picked: bool(ecs.reregister_agent(picked, after_s)))


def set_health(timeline: Timeline, status: str, instance: InstanceRef = 0) -> None:
    _agent_fault(timeline, instance, f"container runtime health {status}",
                 lambda ecs, picked: bool(ecs.set_runtime_health(picked, status)))


MORE_ACTIONS: dict[str, Callable[..., None]] = {
    "delete_service": delete_service, "scale_service": scale_service,
    "deploy_service": deploy_service, "terminate_instance": terminate_instance,
    "scale_neighbour_to": scale_neighbour_to, "reregister_agent": reregister_agent,
    "set_health": set_health, "rolling_update": rolling_update, **FAULT_ACTIONS,
}
