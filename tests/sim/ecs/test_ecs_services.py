"""Services and the scheduler: placement, draining within deployment limits, deployments,
daemons, deletion, steady state."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecs_cluster_manager.sim.ecs import StopCause
from ecs_cluster_manager.sim.errors import AwsError

from .fakes import World


def _service(w: World, name: str = "web") -> dict[str, object]:
    (svc,) = w.call("DescribeServices", cluster="prod", services=[name])["services"]
    return svc


def _health(w: World, name: str = "web") -> tuple[int, int]:
    """(tasks the scheduler wants, RUNNING among them)."""
    (h,) = [h for h in w.ecs.service_health() if h.name == name]
    return h.running_count + h.pending_count, h.running_count


def _recount(w: World, name: str = "web") -> tuple[int, int]:
    """The same as _health, counted the slow way from every task (checks the tally)."""
    tasks = [t for i in w.ec2.instances for t in w.ecs.tasks_on_instance(i)
             if t.service == name and t.desired_status == "RUNNING"]
    running = sum(1 for t in tasks if t.last_status == "RUNNING")
    return len(tasks), running


def _drain(w: World, *instances: str) -> None:
    w.call("UpdateContainerInstancesState", cluster="prod",
           containerInstances=[w.ci_arn(i) for i in instances], status="DRAINING")


def _service_tasks_on(w: World, instance: str) -> list[str]:
    return [t.last_status for t in w.ecs.tasks_on_instance(instance) if t.service is not None]


def _create(w: World, desired: int, minimum: int = 100, maximum: int = 200, **extra: object) -> None:
    w.call("CreateService", cluster="prod", serviceName="web", taskDefinition="web",
           desiredCount=desired,
           deploymentConfiguration={"minimumHealthyPercent": minimum, "maximumPercent": maximum},
           **extra)


def test_service_reaches_steady_state_and_says_so(cluster: World) -> None:
    cluster.register_web()
    _create(cluster, 4)
    cluster.clock.advance(60)
    svc = _service(cluster)
    assert (svc["runningCount"], svc["pendingCount"], svc["desiredCount"]) == (4, 0, 4)
    (deployment,) = svc["deployments"]  # type: ignore[misc]
    assert deployment["status"] == "PRIMARY" and deployment["rolloutState"] == "COMPLETED"
    assert svc["events"][0]["message"] == "(service web) has reached a steady state."  # type: ignore[index]
    steady = [e for e in cluster.events_of("ECS Service Action")
              if e["detail"]["eventName"] == "SERVICE_STEADY_STATE"]
    assert len(steady) == 1 and steady[0]["resources"] == [svc["serviceArn"]]
    tasks = cluster.call("DescribeTasks", cluster="prod",
                         tasks=cluster.call("ListTasks", cluster="prod", serviceName="web")["taskArns"])
    assert {t["group"] for t in tasks["tasks"]} == {"service:web"}
    assert {t["startedBy"] for t in tasks["tasks"]} == {deployment["id"]}
    spread = sorted(len(_service_tasks_on(cluster, i)) for i in cluster.ec2.instances)
    assert spread == [1, 1, 2]  # default placement spreads over instances


def test_placement_respects_resources_and_reports_failure(cluster: World) -> None:
    cluster.register_web(cpu=1536, memory=1024)  # one per 2048-CPU instance
    _create(cluster, 4)
    cluster.clock.advance(60)
    svc = _service(cluster)
    assert svc["runningCount"] == 3
    message = svc["events"][0]["message"]  # type: ignore[index]
    assert "was unable to place a task" in message
    assert message.endswith("has insufficient CPU units available. For more information, see "
                            "the Troubleshooting section.")
    failures = [e for e in cluster.events_of("ECS Service Action")
                if e["detail"]["eventName"] == "SERVICE_TASK_PLACEMENT_FAILURE"]
    assert failures and failures[0]["detail"]["reason"] == "RESOURCE:CPU"
    cluster.launch(1)
    cluster.clock.advance(60)
    assert _service(cluster)["runningCount"] == 4


def test_drain_replaces_tasks_without_dropping_below_desired(cluster: World) -> None:
    cluster.register_web()
    _create(cluster, 4)
    cluster.clock.advance(60)
    victim = next(i for i in cluster.ec2.instances if _service_tasks_on(cluster, i))
    _drain(cluster, victim)
    peak = 0
    for _ in range(120):
        cluster.clock.advance(1)
        wanted, running = _health(cluster)
        assert running >= 4
        peak = max(peak, wanted)
    assert 4 < peak <= 8
    assert _service_tasks_on(cluster, victim) == []
    stops = cluster.ecs.task_stops()
    assert stops and all(s.cause is StopCause.DRAINING and s.ec2_instance_id == victim for s in stops)
    assert _service(cluster)["events"][0]["message"] == "(service web) has reached a steady state."  # type: ignore[index]


def test_min_equals_max_100_blocks_the_drain(cluster: World) -> None:
    cluster.register_web()
    _create(cluster, 3, minimum=100, maximum=100)
    cluster.clock.advance(60)
    victim = next(i for i in cluster.ec2.instances if _service_tasks_on(cluster, i))
    _drain(cluster, victim)
    cluster.clock.advance(3600)
    assert _service_tasks_on(cluster, victim) == ["RUNNING"]
    assert cluster.ecs.task_stops() == []


def test_min_50_stops_first_then_replaces(cluster: World) -> None:
    cluster.register_web()
    _create(cluster, 4, minimum=50, maximum=100)
    cluster.clock.advance(60)
    victim = next(i for i in cluster.ec2.instances if len(_service_tasks_on(cluster, i)) == 2)
    _drain(cluster, victim)
    lowest = 4
    for _ in range(120):
        cluster.clock.advance(1)
        wanted, running = _health(cluster)
        assert wanted <= 4
        lowest = min(lowest, running)
    assert lowest == 2
    assert _service_tasks_on(cluster, victim) == []
    assert _health(cluster) == (4, 4)


def test_service_tasks_in_pending_on_a_draining_instance_stop_at_once(cluster: World) -> None:
    cluster.register_web()
    _create(cluster, 3)
    cluster.clock.advance(2)  # placed, still PENDING
    victim = next(i for i in cluster.ec2.instances if _service_tasks_on(cluster, i))
    assert _service_tasks_on(cluster, victim) == ["PROVISIONING"] or _service_tasks_on(
        cluster, victim) == ["PENDING"]
    _drain(cluster, victim)
    cluster.clock.advance(1.5)
    (stop,) = [s for s in cluster.ecs.task_stops() if s.ec2_instance_id == victim]
    assert stop.last_status_when_requested in ("PROVISIONING", "PENDING")


def test_scale_out_scale_in(cluster: World) -> None:
    cluster.register_web()
    _create(cluster, 2)
    cluster.clock.advance(60)
    cluster.call("UpdateService", cluster="prod", service="web", desiredCount=5)
    cluster.clock.advance(60)
    assert _health(cluster) == (5, 5)
    cluster.call("UpdateService", cluster="prod", service="web", desiredCount=1)
    cluster.clock.advance(120)
    assert _health(cluster) == (1, 1)
    assert {s.cause for s in cluster.ecs.task_stops()} == {StopCause.SCALE_IN}


def test_force_new_deployment_replaces_every_task(cluster: World) -> None:
    cluster.register_web()
    _create(cluster, 3)
    cluster.clock.advance(60)
    before = set(cluster.call("ListTasks", cluster="prod", serviceName="web")["taskArns"])
    cluster.call("UpdateService", cluster="prod", service="web", forceNewDeployment=True)
    cluster.clock.advance(2)
    deployments = _service(cluster)["deployments"]
    assert [d["status"] for d in deployments] == ["PRIMARY", "ACTIVE"]  # type: ignore[attr-defined]
    cluster.clock.advance(120)
    svc = _service(cluster)
    (primary,) = svc["deployments"]  # type: ignore[misc]
    after = set(cluster.call("ListTasks", cluster="prod", serviceName="web")["taskArns"])
    assert len(after) == 3 and not after & before
    assert primary["rolloutState"] == "COMPLETED" and primary["runningCount"] == 3
    assert {s.cause for s in cluster.ecs.task_stops()} == {StopCause.DEPLOYMENT}


def test_new_task_definition_starts_a_deployment(cluster: World) -> None:
    cluster.register_web()
    _create(cluster, 2)
    cluster.clock.advance(60)
    new_arn = cluster.register_web(cpu=128)
    cluster.call("UpdateService", cluster="prod", service="web", taskDefinition=new_arn)
    cluster.clock.advance(120)
    tasks = cluster.call("DescribeTasks", cluster="prod",
                         tasks=cluster.call("ListTasks", cluster="prod", serviceName="web")["taskArns"])
    assert {t["taskDefinitionArn"] for t in tasks["tasks"]} == {new_arn}


def test_daemon_service_runs_one_task_per_active_instance(cluster: World) -> None:
    cluster.register_web(family="agent", cpu=64, memory=64)
    cluster.call("CreateService", cluster="prod", serviceName="logs", taskDefinition="agent",
                 schedulingStrategy="DAEMON")
    cluster.clock.advance(30)
    assert _health(cluster, "logs") == (3, 3)
    (new,) = cluster.launch(1)
    cluster.clock.advance(60)
    assert _health(cluster, "logs") == (4, 4)
    _drain(cluster, new)
    cluster.clock.advance(60)
    assert _service_tasks_on(cluster, new) == []
    assert _service(cluster, "logs")["desiredCount"] == 3
    (stop,) = cluster.ecs.task_stops()
    assert stop.cause is StopCause.DRAINING and stop.ec2_instance_id == new
    with pytest.raises(AwsError):
        cluster.call("CreateService", cluster="prod", serviceName="bad", taskDefinition="agent",
                     schedulingStrategy="DAEMON", deploymentConfiguration={"maximumPercent": 200})


def test_delete_service(cluster: World) -> None:
    cluster.register_web()
    _create(cluster, 2)
    cluster.clock.advance(60)
    with pytest.raises(AwsError) as err:
        cluster.call("DeleteService", cluster="prod", service="web")
    assert err.value.code == "InvalidParameterException"
    assert cluster.call("DeleteService", cluster="prod", service="web", force=True)["service"][
        "status"] == "DRAINING"
    cluster.clock.advance(120)
    assert cluster.call("ListServices", cluster="prod")["serviceArns"] == []
    assert _service(cluster)["status"] == "INACTIVE"
    assert {s.cause for s in cluster.ecs.task_stops()} == {StopCause.SERVICE_DELETED}
    with pytest.raises(AwsError) as err:
        cluster.call("UpdateService", cluster="prod", service="web", desiredCount=1)
    assert err.value.code == "ServiceNotActiveException"


def test_list_and_describe_services_limits(cluster: World) -> None:
    cluster.register_web()
    for n in range(12):
        cluster.call("CreateService", cluster="prod", serviceName=f"s{n}", taskDefinition="web",
                     desiredCount=0)
    first = cluster.call("ListServices", cluster="prod")
    assert len(first["serviceArns"]) == 10 and "nextToken" in first
    rest = cluster.call("ListServices", cluster="prod", nextToken=first["nextToken"])
    assert len(rest["serviceArns"]) == 2
    with pytest.raises(AwsError):
        cluster.call("DescribeServices", cluster="prod", services=first["serviceArns"] + rest["serviceArns"])
    out = cluster.call("DescribeServices", cluster="prod", services=["s1", "ghost"])
    assert out["failures"] == [{"arn": "arn:aws:ecs:us-east-1:123456789012:service/prod/ghost",
                                "reason": "MISSING"}]
    with pytest.raises(AwsError) as err:
        cluster.call("DescribeServices", cluster="nope", services=["s1"])
    assert err.value.code == "ClusterNotFoundException"


def test_terminating_an_undrained_instance_is_recorded(cluster: World) -> None:
    cluster.register_web()
    _create(cluster, 3)
    cluster.clock.advance(60)
    victim = next(i for i in cluster.ec2.instances if _service_tasks_on(cluster, i))
    cluster.terminate(victim)
    assert {s.cause for s in cluster.ecs.task_stops()} == {StopCause.INSTANCE_TERMINATED}
    cluster.clock.advance(60)
    assert _health(cluster) == (3, 3)  # the scheduler replaced the lost task


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    desired=st.integers(1, 8),
    minimum=st.integers(0, 100),
    maximum=st.integers(100, 200),
    instances=st.integers(2, 5),
    drained=st.integers(1, 3),
)
def test_drain_stays_within_deployment_limits(
    desired: int, minimum: int, maximum: int, instances: int, drained: int
) -> None:
    drained = min(drained, instances - 1)
    if 2 * desired > 8 * (instances - drained):  # keep room for every replacement
        drained = 1
    w = World()
    w.call("CreateCluster", clusterName="prod")
    w.launch(instances)
    w.clock.advance(60)
    w.register_web()
    _create(w, desired, minimum, maximum)
    w.clock.advance(120)
    assert _health(w) == (desired, desired)
    victims = list(w.ec2.instances)[:drained]
    _drain(w, *victims)
    ceiling = max(desired, math.floor(desired * maximum / 100))
    floor = math.ceil(desired * minimum / 100)
    for _ in range(300):
        w.clock.advance(1)
        wanted, running = _health(w)
        assert (wanted, running) == _recount(w)
        assert wanted <= ceiling
        assert running >= floor
    blocked = ceiling == desired and floor == desired
    left = sum(len(_service_tasks_on(w, v)) for v in victims)
    if blocked:
        assert w.ecs.task_stops() == []
    else:
        assert left == 0 and _health(w) == (desired, desired)


def test_no_placement_on_an_instance_whose_agent_is_disconnected(cluster: World) -> None:
    cluster.register_web()
    offline = next(iter(cluster.ec2.instances))
    cluster.ecs.disconnect_agent(offline, for_seconds=600)
    _create(cluster, 6)
    cluster.clock.advance(60)
    assert _service_tasks_on(cluster, offline) == []
    assert _health(cluster) == (6, 6)
    (ci,) = cluster.call("DescribeContainerInstances", cluster="prod",
                         containerInstances=[cluster.ci_arn(offline)],
                         include=["CONTAINER_INSTANCE_HEALTH"])["containerInstances"]
    assert ci["agentConnected"] is False and ci["status"] == "ACTIVE"
    assert ci["healthStatus"]["overallStatus"] != "OK"


def test_deleting_a_daemon_service_stops_its_tasks_for_good(cluster: World) -> None:
    cluster.register_web(family="agent", cpu=64, memory=64)
    cluster.call("CreateService", cluster="prod", serviceName="logs", taskDefinition="agent",
                 schedulingStrategy="DAEMON")
    cluster.clock.advance(30)
    cluster.call("DeleteService", cluster="prod", service="logs")
    cluster.launch(1)
    cluster.clock.advance(300)
    assert _health(cluster, "logs") == (0, 0)
    assert _service(cluster, "logs")["status"] == "INACTIVE"
    live = [t for i in cluster.ec2.instances for t in cluster.ecs.tasks_on_instance(i)]
    assert live == []


def test_placement_failure_reasons(cluster: World) -> None:
    cluster.register_web()
    instances = list(cluster.ec2.instances)
    for i in instances:
        cluster.ecs.disconnect_agent(i, for_seconds=math.inf)
    _create(cluster, 1)
    cluster.clock.advance(5)
    _drain(cluster, *instances)
    cluster.call("CreateService", cluster="prod", serviceName="api", taskDefinition="web",
                 desiredCount=1)
    cluster.clock.advance(5)
    reasons: dict[str, list[str]] = {}
    for e in cluster.events_of("ECS Service Action"):
        if e["detail"]["eventName"] == "SERVICE_TASK_PLACEMENT_FAILURE":
            reasons.setdefault(e["resources"][0].rsplit("/", 1)[1], []).append(e["detail"]["reason"])
    # A new cause is reported at once; the same one is not repeated (six hours on AWS).
    assert reasons == {"web": ["AGENT", "NO_ACTIVE_INSTANCES"], "api": ["NO_ACTIVE_INSTANCES"]}
    cluster.clock.advance(3600)
    assert sum(map(len, reasons.values())) == sum(
        1 for e in cluster.events_of("ECS Service Action")
        if e["detail"]["eventName"] == "SERVICE_TASK_PLACEMENT_FAILURE")
    (web,) = cluster.call("DescribeServices", cluster="prod", services=["web"])["services"]
    agent = [e["message"] for e in web["events"] if 'encountered error "AGENT"' in e["message"]]
    (message,) = agent
    assert message.startswith("(service web) was unable to place a task because no container "
                              "instance met all of its requirements. The closest matching "
                              "(container-instance ")


def test_a_deployment_held_by_its_limits_says_so_once(cluster: World) -> None:
    cluster.register_web()
    _create(cluster, 3, minimum=100, maximum=100)
    cluster.clock.advance(60)
    cluster.call("UpdateService", cluster="prod", service="web", forceNewDeployment=True)
    cluster.clock.advance(600)
    svc = _service(cluster)
    held = [e["message"] for e in svc["events"]  # type: ignore[attr-defined]
            if "because of the service deployment configuration" in e["message"]]
    assert held == ["(service web) was unable to stop or start tasks during a deployment because "
                    "of the service deployment configuration. Update the minimumHealthyPercent or "
                    "maximumPercent value and try again."]
    assert len(svc["deployments"]) == 2  # type: ignore[arg-type]
    cluster.call("UpdateService", cluster="prod", service="web",
                 deploymentConfiguration={"minimumHealthyPercent": 50, "maximumPercent": 100})
    cluster.clock.advance(600)
    assert len(_service(cluster)["deployments"]) == 1  # type: ignore[arg-type]
