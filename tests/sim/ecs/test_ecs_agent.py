"""The simulated agent: when it registers, where, and its faults."""

from __future__ import annotations

import base64
import math

from ecs_cluster_manager.sim.ecs import AgentBehaviour, AgentFault

from .fakes import World


def _ci_events(w: World, instance: str) -> list[dict[str, object]]:
    return [
        e["detail"]
        for e in w.events_of("ECS Container Instance State Change")
        if e["detail"]["ec2InstanceId"] == instance
    ]


def test_agent_registers_after_its_delay_into_the_user_data_cluster(world: World) -> None:
    world.ecs.set_agent_behaviour(AgentBehaviour(register_delay_s=45))
    (instance,) = world.launch(1)
    world.clock.advance(44)
    assert world.ecs.container_instance_for(instance) is None
    world.clock.advance(1)
    view = world.ecs.container_instance_for(instance)
    assert view is not None and view.cluster == "prod"
    assert view.status == "ACTIVE" and view.agent_connected
    (first,) = _ci_events(world, instance)
    assert first["status"] == "ACTIVE" and first["version"] == 1 and first["agentConnected"] is True


def test_agent_without_ecs_cluster_joins_the_default_cluster(world: World) -> None:
    (instance,) = world.launch(1, user_data="")
    world.clock.advance(60)
    view = world.ecs.container_instance_for(instance)
    assert view is not None and view.cluster == "default"
    listed = world.call("ListContainerInstances")["containerInstanceArns"]
    assert listed == [view.arn]


def test_base64_user_data_is_read(world: World) -> None:
    data = base64.b64encode(b"#!/bin/bash\necho ECS_CLUSTER=blue >> /etc/ecs/ecs.config").decode()
    (instance,) = world.launch(1, user_data=data)
    world.clock.advance(60)
    view = world.ecs.container_instance_for(instance)
    assert view is not None and view.cluster == "blue"


def test_faults_per_ami_and_per_instance(world: World) -> None:
    world.ecs.set_agent_behaviour(
        AgentBehaviour(fault=AgentFault.NEVER_REGISTERS), image_id="ami-0broken"
    )
    broken, healthy = world.launch(1, image_id="ami-0broken") + world.launch(1)
    (normal,) = world.launch(1)
    world.ecs.set_agent_behaviour(
        AgentBehaviour(fault=AgentFault.REGISTRATION_FAILED), instance_id="i-00000000000000004"
    )
    (failing_later,) = world.launch(1)
    world.clock.advance(3600)
    assert world.ecs.container_instance_for(broken) is None
    assert world.ecs.container_instance_for(healthy) is not None
    assert world.ecs.container_instance_for(normal) is not None
    failed = world.ecs.container_instance_for(failing_later)
    assert failed is not None and failed.status == "REGISTRATION_FAILED"
    assert not failed.agent_connected
    listed = world.call("ListContainerInstances", cluster="prod")["containerInstanceArns"]
    assert failed.arn in listed  # every status but INACTIVE is listed by default
    active = world.call("ListContainerInstances", cluster="prod", status="ACTIVE")
    assert failed.arn not in active["containerInstanceArns"]


def test_scheduled_disconnect_and_reconnect_emit_events(world: World) -> None:
    world.ecs.set_agent_behaviour(
        AgentBehaviour(register_delay_s=10, disconnect_after_s=100, disconnect_for_s=50)
    )
    (instance,) = world.launch(1)
    world.clock.advance(111)
    view = world.ecs.container_instance_for(instance)
    assert view is not None and not view.agent_connected and view.status == "ACTIVE"
    world.clock.advance(50)
    view = world.ecs.container_instance_for(instance)
    assert view is not None and view.agent_connected
    states = [(d["agentConnected"], d["version"]) for d in _ci_events(world, instance)]
    assert states == [(True, 1), (False, 2), (True, 3)]


def test_disconnect_agent_api_and_permanent_disconnect(cluster: World) -> None:
    instance = next(iter(cluster.ec2.instances))
    assert cluster.ecs.disconnect_agent(instance, for_seconds=30)
    assert not cluster.ecs.disconnect_agent(instance, for_seconds=30)  # already disconnected
    cluster.clock.advance(31)
    view = cluster.ecs.container_instance_for(instance)
    assert view is not None and view.agent_connected
    assert cluster.ecs.disconnect_agent(instance, for_seconds=math.inf)
    cluster.clock.advance(86_400)
    view = cluster.ecs.container_instance_for(instance)
    assert view is not None and not view.agent_connected
    filtered = cluster.call(
        "ListContainerInstances", cluster="prod", filter="agentConnected == false"
    )["containerInstanceArns"]
    assert filtered == [view.arn]


def test_instance_terminated_before_registration_never_registers(world: World) -> None:
    (instance,) = world.launch(1)
    world.clock.advance(5)
    world.terminate(instance)
    world.clock.advance(600)
    assert world.ecs.container_instance_for(instance) is None
    assert world.events == []


def test_termination_makes_the_container_instance_inactive_and_disconnected(cluster: World) -> None:
    instance = next(iter(cluster.ec2.instances))
    arn = cluster.ci_arn(instance)
    cluster.terminate(instance)
    view = cluster.ecs.container_instance_for(instance)
    assert view is not None and view.status == "INACTIVE" and not view.agent_connected
    assert arn not in cluster.call("ListContainerInstances", cluster="prod")["containerInstanceArns"]
    (ci,) = cluster.call("DescribeContainerInstances", cluster="prod", containerInstances=[arn])[
        "containerInstances"
    ]
    assert ci["status"] == "INACTIVE"
    tail = [(d["agentConnected"], d["status"]) for d in _ci_events(cluster, instance)][-2:]
    assert tail == [(False, "ACTIVE"), (False, "INACTIVE")]
    assert not cluster.ecs.disconnect_agent(instance, 10)


def test_killing_an_agent_before_it_registers_delays_or_prevents_registration(world: World) -> None:
    world.ecs.set_agent_behaviour(AgentBehaviour(register_delay_s=30))
    late, never = world.launch(2)
    world.clock.advance(10)
    assert world.ecs.disconnect_agent(late, for_seconds=300)
    assert world.ecs.disconnect_agent(never, for_seconds=math.inf)
    world.clock.advance(299)
    assert world.ecs.container_instance_for(late) is None
    world.clock.advance(1)
    view = world.ecs.container_instance_for(late)
    assert view is not None and view.agent_connected
    world.clock.advance(86_400)
    assert world.ecs.container_instance_for(never) is None


def test_flapping_agent_disconnects_again_after_each_reconnection(world: World) -> None:
    world.ecs.set_agent_behaviour(AgentBehaviour(
        register_delay_s=10, disconnect_after_s=100, disconnect_for_s=20, disconnect_every_s=200))
    (instance,) = world.launch(1)
    world.clock.advance(10 + 100 + 20 + 200 + 20 + 200 + 5)
    flips = [(d["agentConnected"]) for d in _ci_events(world, instance)]
    assert flips == [True, False, True, False, True, False]


def test_impaired_runtime_shows_in_health(world: World) -> None:
    world.ecs.set_agent_behaviour(AgentBehaviour(runtime_impaired=True))
    (instance,) = world.launch(1)
    world.clock.advance(60)
    (ci,) = world.call("DescribeContainerInstances", cluster="prod",
                       containerInstances=[world.ci_arn(instance)],
                       include=["CONTAINER_INSTANCE_HEALTH"])["containerInstances"]
    assert ci["status"] == "ACTIVE" and ci["agentConnected"] is True
    assert ci["healthStatus"]["overallStatus"] == "IMPAIRED"
