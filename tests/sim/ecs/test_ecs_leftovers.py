"""Terminated instances ECS leaves registered, DeleteCluster's refusals, forced deregistration
(tasks orphaned, not killed) and re-registration under a new ARN."""

from __future__ import annotations

import pytest

from ecs_cluster_manager.sim.ecs import AgentBehaviour, AgentFault, StopCause
from ecs_cluster_manager.sim.errors import AwsError

from .fakes import World


def _web_service(w: World, desired: int) -> None:
    w.register_web()
    w.call("CreateService", cluster="prod", serviceName="web", taskDefinition="web",
           desiredCount=desired,
           deploymentConfiguration={"minimumHealthyPercent": 100, "maximumPercent": 200})
    w.clock.advance(60)


def _delete_everything_but_instances(w: World) -> None:
    for arn in w.call("ListServices", cluster="prod")["serviceArns"]:
        w.call("DeleteService", cluster="prod", service=arn, force=True)
    w.clock.advance(600)


def test_terminated_instance_with_a_connected_agent_is_deregistered(cluster: World) -> None:
    a, *_ = cluster.ec2.instances
    cluster.terminate(a)
    view = cluster.ecs.container_instance_for(a)
    assert view is not None and view.status == "INACTIVE"


def test_terminated_instance_with_a_disconnected_agent_stays_registered(cluster: World) -> None:
    a, b, c = cluster.ec2.instances
    _web_service(cluster, 3)
    arn = cluster.ci_arn(a)
    assert cluster.ecs.disconnect_agent(a)
    cluster.terminate(a)
    view = cluster.ecs.container_instance_for(a)
    assert view is not None and view.status == "ACTIVE" and not view.agent_connected
    listed = cluster.call("ListContainerInstances", cluster="prod")["containerInstanceArns"]
    assert arn in listed
    assert cluster.ecs.tasks_on_instance(a) == []  # its tasks went STOPPED all the same
    cluster.clock.advance(120)
    (svc,) = cluster.call("DescribeServices", cluster="prod", services=["web"])["services"]
    assert svc["runningCount"] == 3  # replaced on the two others

    _delete_everything_but_instances(cluster)
    for other in (b, c):
        cluster.terminate(other)  # connected agents: deregistered for us
    with pytest.raises(AwsError) as refused:
        cluster.call("DeleteCluster", cluster="prod")
    assert refused.value.code == "ClusterContainsContainerInstancesException"
    assert "Container Instances are active or draining" in refused.value.message

    out = cluster.call("DeregisterContainerInstance", cluster="prod", containerInstance=arn)
    assert out["containerInstance"]["status"] == "INACTIVE"
    assert cluster.call("DeleteCluster", cluster="prod")["cluster"]["status"] == "INACTIVE"


def test_a_draining_leftover_stays_draining(cluster: World) -> None:
    a, *_ = cluster.ec2.instances
    cluster.call("UpdateContainerInstancesState", cluster="prod",
                 containerInstances=[cluster.ci_arn(a)], status="DRAINING")
    cluster.ecs.disconnect_agent(a, 3600)
    cluster.terminate(a)
    view = cluster.ecs.container_instance_for(a)
    assert view is not None and (view.status, view.agent_connected) == ("DRAINING", False)
    cluster.clock.advance(7200)  # the agent's reconnection never comes: the host is gone
    view = cluster.ecs.container_instance_for(a)
    assert view is not None and (view.status, view.agent_connected) == ("DRAINING", False)


def test_failed_registration_also_blocks_delete_cluster(world: World) -> None:
    world.call("CreateCluster", clusterName="prod")
    world.ecs.set_agent_behaviour(AgentBehaviour(fault=AgentFault.REGISTRATION_FAILED))
    (a,) = world.launch(1)
    world.clock.advance(60)
    world.terminate(a)
    view = world.ecs.container_instance_for(a)
    assert view is not None and view.status == "REGISTRATION_FAILED"
    with pytest.raises(AwsError) as refused:
        world.call("DeleteCluster", cluster="prod")
    assert refused.value.code == "ClusterContainsContainerInstancesException"


def test_harsher_reading_keeps_every_terminated_instance(cluster: World) -> None:
    cluster.ecs.keep_container_instances_on_termination()
    a, *_ = cluster.ec2.instances
    cluster.terminate(a)
    view = cluster.ecs.container_instance_for(a)
    assert view is not None and view.status == "ACTIVE" and not view.agent_connected


def test_orphaned_tasks_do_not_block_delete_cluster(cluster: World) -> None:
    a, b, c = cluster.ec2.instances
    cluster.register_web()
    cluster.call("StartTask", cluster="prod", taskDefinition="web",
                 containerInstances=[cluster.ci_arn(a)])
    cluster.clock.advance(30)
    for i in (a, b, c):
        cluster.call("DeregisterContainerInstance", cluster="prod",
                     containerInstance=cluster.ci_arn(i), force=True)
    # The orphaned task is no longer ECS's: only instances and tasks ECS knows count.
    assert cluster.call("DeleteCluster", cluster="prod")["cluster"]["status"] == "INACTIVE"


def test_forced_deregistration_orphans_tasks_and_the_service_replaces_them(cluster: World) -> None:
    a, *_ = cluster.ec2.instances
    _web_service(cluster, 3)
    on_a = cluster.ecs.tasks_on_instance(a)
    assert on_a and all(t.last_status == "RUNNING" for t in on_a)
    cluster.call("DeregisterContainerInstance", cluster="prod",
                 containerInstance=cluster.ci_arn(a), force=True)
    still = cluster.ecs.tasks_on_instance(a)
    assert [(t.last_status, t.orphaned) for t in still] == [("RUNNING", True)] * len(on_a)
    listed = cluster.call("ListTasks", cluster="prod")["taskArns"]
    assert not {t.arn for t in on_a} & set(listed)
    cluster.clock.advance(120)
    (svc,) = cluster.call("DescribeServices", cluster="prod", services=["web"])["services"]
    assert svc["runningCount"] == 3
    assert cluster.ecs.task_stops() == []

    cluster.terminate(a)
    stops = cluster.ecs.task_stops()
    assert [s.cause for s in stops] == [StopCause.ORPHAN_TERMINATED] * len(on_a)
    assert cluster.ecs.tasks_on_instance(a) == []


def test_agent_reregisters_under_a_new_arn(cluster: World) -> None:
    a, *_ = cluster.ec2.instances
    _web_service(cluster, 3)
    old_arn = cluster.ci_arn(a)
    assert cluster.ecs.reregister_agent(a, after_s=30)
    view = cluster.ecs.container_instance_for(a)
    assert view is not None and view.arn == old_arn and not view.agent_connected
    cluster.clock.advance(30)
    new = cluster.ecs.container_instance_for(a)
    assert new is not None and new.arn != old_arn and new.status == "ACTIVE" and new.agent_connected
    assert [(v.arn, v.status) for v in cluster.ecs.container_instances_of(a)] == [
        (old_arn, "INACTIVE"), (new.arn, "ACTIVE")]
    (old,) = cluster.call("DescribeContainerInstances", cluster="prod",
                          containerInstances=[old_arn])["containerInstances"]
    assert old["status"] == "INACTIVE"
    orphans = [t for t in cluster.ecs.tasks_on_instance(a) if t.orphaned]
    assert orphans and all(t.last_status == "RUNNING" for t in orphans)
    cluster.clock.advance(120)
    (svc,) = cluster.call("DescribeServices", cluster="prod", services=["web"])["services"]
    assert svc["runningCount"] == 3
    assert not cluster.ecs.reregister_agent("i-0000000000000dead")
