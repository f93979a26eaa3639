"""Services that change while one of their instances drains: scaled, deleted, redeployed; and
a drain that no capacity can absorb."""

from __future__ import annotations

from ecs_cluster_manager.sim.ecs import StopCause

from .fakes import World


def _blocked_drain(w: World) -> str:
    """web at min = max = 100 % on a full cluster: draining the first instance is stuck."""
    w.register_web(cpu=1024, memory=1024)
    w.call("CreateService", cluster="prod", serviceName="web", taskDefinition="web",
           desiredCount=6,
           deploymentConfiguration={"minimumHealthyPercent": 100, "maximumPercent": 100})
    w.clock.advance(60)
    victim = next(iter(w.ec2.instances))
    w.call("UpdateContainerInstancesState", cluster="prod",
           containerInstances=[w.ci_arn(victim)], status="DRAINING")
    w.clock.advance(600)
    assert [t.last_status for t in w.ecs.tasks_on_instance(victim)] == ["RUNNING", "RUNNING"]
    return victim


def test_scaling_in_mid_drain_releases_the_draining_instance(cluster: World) -> None:
    victim = _blocked_drain(cluster)
    cluster.call("UpdateService", cluster="prod", service="web", desiredCount=4)
    cluster.clock.advance(120)
    assert cluster.ecs.tasks_on_instance(victim) == []
    (svc,) = cluster.call("DescribeServices", cluster="prod", services=["web"])["services"]
    assert svc["runningCount"] == 4


def test_deleting_the_service_mid_drain_stops_its_tasks(cluster: World) -> None:
    victim = _blocked_drain(cluster)
    cluster.call("DeleteService", cluster="prod", service="web", force=True)
    cluster.clock.advance(120)
    assert cluster.ecs.tasks_on_instance(victim) == []
    assert {s.cause for s in cluster.ecs.task_stops()} == {StopCause.SERVICE_DELETED}


def test_a_deployment_started_mid_drain_leaves_no_task_on_the_draining_instance(
        cluster: World) -> None:
    cluster.register_web()
    cluster.call("CreateService", cluster="prod", serviceName="web", taskDefinition="web",
                 desiredCount=3)
    cluster.clock.advance(60)
    victim = next(iter(cluster.ec2.instances))
    cluster.call("UpdateContainerInstancesState", cluster="prod",
                 containerInstances=[cluster.ci_arn(victim)], status="DRAINING")
    cluster.call("UpdateService", cluster="prod", service="web", forceNewDeployment=True)
    (svc,) = cluster.call("DescribeServices", cluster="prod", services=["web"])["services"]
    assert len(svc["deployments"]) == 2  # both deployments live while the drain runs
    cluster.clock.advance(600)
    assert cluster.ecs.tasks_on_instance(victim) == []
    (svc,) = cluster.call("DescribeServices", cluster="prod", services=["web"])["services"]
    assert (len(svc["deployments"]), svc["runningCount"]) == (1, 3)


def test_no_spare_capacity_is_reported_and_the_drain_stays_stuck(cluster: World) -> None:
    victim = _blocked_drain(cluster)
    cluster.call("UpdateService", cluster="prod", service="web",
                 deploymentConfiguration={"minimumHealthyPercent": 100, "maximumPercent": 200})
    cluster.clock.advance(600)
    # Room to start, nowhere to place: the tasks stay, the service says why.
    assert [t.last_status for t in cluster.ecs.tasks_on_instance(victim)] == ["RUNNING", "RUNNING"]
    (svc,) = cluster.call("DescribeServices", cluster="prod", services=["web"])["services"]
    assert "has insufficient CPU units available" in svc["events"][0]["message"]
    failures = [e for e in cluster.events_of("ECS Service Action")
                if e["detail"]["eventName"] == "SERVICE_TASK_PLACEMENT_FAILURE"]
    assert [e["detail"]["reason"] for e in failures] == ["RESOURCE:CPU"]
