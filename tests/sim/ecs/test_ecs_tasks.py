"""Task lifecycle, standalone tasks, ListTasks semantics, and how tasks end."""

from __future__ import annotations

from typing import Any

import pytest

from ecs_cluster_manager.sim.ecs import StopCause, StopProfile
from ecs_cluster_manager.sim.errors import AwsError

from .fakes import World


def _describe(w: World, arn: str) -> dict[str, Any]:
    (task,) = w.call("DescribeTasks", cluster="prod", tasks=[arn])["tasks"]
    return task


def _status_timeline(w: World, arn: str, seconds: int) -> list[tuple[int, str]]:
    """(second, lastStatus) at every change over the next `seconds`."""
    out: list[tuple[int, str]] = []
    for second in range(seconds):
        status = _describe(w, arn)["lastStatus"]
        if not out or out[-1][1] != status:
            out.append((second, status))
        w.clock.advance(1)
    return out


def test_standalone_task_walks_every_state(cluster: World) -> None:
    cluster.register_web(stopTimeout=20)
    (task,) = cluster.call("RunTask", cluster="prod", taskDefinition="web", startedBy="batch")["tasks"]
    assert task["group"] == "family:web" and task["startedBy"] == "batch"
    assert _status_timeline(cluster, task["taskArn"], 10) == [
        (0, "PROVISIONING"), (1, "PENDING"), (4, "ACTIVATING"), (5, "RUNNING")
    ]
    stopped = cluster.call("StopTask", cluster="prod", task=task["taskArn"])["task"]
    assert stopped["desiredStatus"] == "STOPPED" and stopped["stopCode"] == "UserInitiated"
    assert _status_timeline(cluster, task["taskArn"], 30) == [
        (0, "DEACTIVATING"), (1, "STOPPING"), (20, "DEPROVISIONING"), (21, "STOPPED")
    ]
    final = _describe(cluster, task["taskArn"])
    assert final["stoppedReason"] == "Task stopped by user"
    assert final["stoppedAt"] >= final["stoppingAt"] >= final["startedAt"]


def test_service_stop_takes_deregistration_delay_plus_stop_timeout(cluster: World) -> None:
    cluster.register_web(stopTimeout=15)
    cluster.call("CreateService", cluster="prod", serviceName="web", taskDefinition="web",
                 desiredCount=1)
    cluster.ecs.set_service_stop_profile("prod", "web", StopProfile(deregistration_delay_s=60))
    cluster.clock.advance(30)
    (arn,) = cluster.call("ListTasks", cluster="prod", serviceName="web")["taskArns"]
    cluster.call("StopTask", cluster="prod", task=arn)
    assert _status_timeline(cluster, arn, 90) == [
        (0, "DEACTIVATING"), (60, "STOPPING"), (75, "DEPROVISIONING"), (76, "STOPPED")
    ]


def test_stop_timeout_override_and_tag(cluster: World) -> None:
    cluster.register_web()
    cluster.call("CreateService", cluster="prod", serviceName="api", taskDefinition="web",
                 desiredCount=1, tags=[{"key": "sim:deregistration-delay", "value": "5"},
                                       {"key": "sim:stop-timeout", "value": "2"}])
    cluster.clock.advance(30)
    (arn,) = cluster.call("ListTasks", cluster="prod", serviceName="api")["taskArns"]
    cluster.call("StopTask", cluster="prod", task=arn)
    assert _status_timeline(cluster, arn, 12) == [
        (0, "DEACTIVATING"), (5, "STOPPING"), (7, "DEPROVISIONING"), (8, "STOPPED")
    ]


def test_list_tasks_default_hides_stopping_tasks_like_aws(cluster: World) -> None:
    instance = next(iter(cluster.ec2.instances))
    cluster.register_web()
    started = cluster.call("StartTask", cluster="prod", taskDefinition="web",
                           containerInstances=[cluster.ci_arn(instance)])["tasks"]
    cluster.clock.advance(10)
    cluster.call("StopTask", cluster="prod", task=started[0]["taskArn"])
    cluster.clock.advance(5)
    by_instance = {"cluster": "prod", "containerInstance": cluster.ci_arn(instance)}
    assert cluster.call("ListTasks", **by_instance)["taskArns"] == []
    stopping = cluster.call("ListTasks", desiredStatus="STOPPED", **by_instance)["taskArns"]
    assert stopping == [started[0]["taskArn"]]
    assert _describe(cluster, stopping[0])["lastStatus"] == "STOPPING"
    view = cluster.ecs.container_instance_for(instance)
    assert view is not None and view.running_tasks_count == 0 and view.pending_tasks_count == 0
    assert [t.last_status for t in cluster.ecs.tasks_on_instance(instance)] == ["STOPPING"]


def test_list_tasks_filters(cluster: World) -> None:
    cluster.register_web()
    cluster.register_web(family="cron")
    cluster.call("RunTask", cluster="prod", taskDefinition="web", count=2, startedBy="a")
    cluster.call("RunTask", cluster="prod", taskDefinition="cron", startedBy="b")
    cluster.clock.advance(10)
    assert len(cluster.call("ListTasks", cluster="prod")["taskArns"]) == 3
    assert len(cluster.call("ListTasks", cluster="prod", family="web")["taskArns"]) == 2
    assert len(cluster.call("ListTasks", cluster="prod", startedBy="b")["taskArns"]) == 1
    page = cluster.call("ListTasks", cluster="prod", maxResults=2)
    rest = cluster.call("ListTasks", cluster="prod", maxResults=2, nextToken=page["nextToken"])
    assert len(page["taskArns"]) == 2 and len(rest["taskArns"]) == 1 and "nextToken" not in rest


def test_standalone_tasks_survive_draining(cluster: World) -> None:
    instance = next(iter(cluster.ec2.instances))
    cluster.register_web()
    cluster.call("StartTask", cluster="prod", taskDefinition="web",
                 containerInstances=[cluster.ci_arn(instance)])
    cluster.call("UpdateContainerInstancesState", cluster="prod",
                 containerInstances=[cluster.ci_arn(instance)], status="DRAINING")
    cluster.clock.advance(3600)
    assert [t.last_status for t in cluster.ecs.tasks_on_instance(instance)] == ["RUNNING"]
    assert cluster.ecs.task_stops() == []


def test_instance_termination_stops_tasks_and_records_the_cause(cluster: World) -> None:
    instance = next(iter(cluster.ec2.instances))
    cluster.register_web()
    arn = cluster.ci_arn(instance)
    (running,) = cluster.call("StartTask", cluster="prod", taskDefinition="web",
                              containerInstances=[arn])["tasks"]
    (stopping,) = cluster.call("StartTask", cluster="prod", taskDefinition="web",
                               containerInstances=[arn])["tasks"]
    cluster.clock.advance(10)
    cluster.call("StopTask", cluster="prod", task=stopping["taskArn"])
    cluster.terminate(instance)
    for t in (running, stopping):
        assert _describe(cluster, t["taskArn"])["lastStatus"] == "STOPPED"
    stops = [(s.task_arn, s.cause, s.last_status_when_requested) for s in cluster.ecs.task_stops()]
    assert stops == [
        (stopping["taskArn"], StopCause.USER, "RUNNING"),
        (running["taskArn"], StopCause.INSTANCE_TERMINATED, "RUNNING"),
        (stopping["taskArn"], StopCause.INSTANCE_TERMINATED, "DEACTIVATING"),
    ]
    assert _describe(cluster, running["taskArn"])["stoppedReason"] == f"Host EC2 (instance {instance}) terminated."


def test_stopped_tasks_stay_visible_for_an_hour(cluster: World) -> None:
    cluster.register_web(stopTimeout=1)
    (task,) = cluster.call("RunTask", cluster="prod", taskDefinition="web")["tasks"]
    cluster.call("StopTask", cluster="prod", task=task["taskArn"])
    cluster.clock.advance(10)
    assert _describe(cluster, task["taskArn"])["lastStatus"] == "STOPPED"
    cluster.clock.advance(3600)
    out = cluster.call("DescribeTasks", cluster="prod", tasks=[task["taskArn"]])
    assert out["tasks"] == [] and out["failures"][0]["reason"] == "MISSING"


def test_disconnected_agent_freezes_task_transitions(cluster: World) -> None:
    instance = next(iter(cluster.ec2.instances))
    cluster.register_web(stopTimeout=5)
    (task,) = cluster.call("StartTask", cluster="prod", taskDefinition="web",
                           containerInstances=[cluster.ci_arn(instance)])["tasks"]
    cluster.clock.advance(10)
    cluster.ecs.disconnect_agent(instance, for_seconds=600)
    cluster.call("StopTask", cluster="prod", task=task["taskArn"])
    cluster.clock.advance(300)
    frozen = _describe(cluster, task["taskArn"])
    assert frozen["desiredStatus"] == "STOPPED" and frozen["lastStatus"] == "RUNNING"
    cluster.clock.advance(300)
    cluster.clock.advance(10)
    assert _describe(cluster, task["taskArn"])["lastStatus"] == "STOPPED"


def test_run_task_reports_resource_shortfalls(cluster: World) -> None:
    cluster.register_web(cpu=1024, memory=4096)
    out = cluster.call("RunTask", cluster="prod", taskDefinition="web", count=5)
    assert len(out["tasks"]) == 3
    assert [f["reason"] for f in out["failures"]] == ["RESOURCE:MEMORY", "RESOURCE:MEMORY"]
    instances = {t["containerInstanceArn"] for t in out["tasks"]}
    assert len(instances) == 3  # 4 GiB each on 7.5 GiB instances: one per instance


def test_run_task_on_an_empty_cluster(world: World) -> None:
    world.call("CreateCluster", clusterName="prod")
    world.register_web()
    with pytest.raises(AwsError) as err:
        world.call("RunTask", cluster="prod", taskDefinition="web")
    assert err.value.message == "No Container Instances were found in your cluster."


def test_task_definition_resources(world: World) -> None:
    with pytest.raises(AwsError) as err:
        world.call("RegisterTaskDefinition", family="x",
                   containerDefinitions=[{"name": "x", "image": "busybox"}])
    assert err.value.code == "ClientException"
    out = world.call("RegisterTaskDefinition", family="x", cpu="1 vCPU", memory="2 GB",
                     containerDefinitions=[{"name": "x", "image": "busybox"}])
    assert out["taskDefinition"]["revision"] == 1
    world.call("RegisterTaskDefinition", family="x", cpu="512", memory="1024",
               containerDefinitions=[{"name": "x", "image": "busybox"}])
    latest = world.call("DescribeTaskDefinition", taskDefinition="x")["taskDefinition"]
    assert latest["revision"] == 2 and latest["cpu"] == "512"
    first = world.ecs.state.task_definitions["x"][0]
    assert (first.cpu, first.memory) == (1024, 2048)


def test_task_stops_since(cluster: World) -> None:
    cluster.register_web(stopTimeout=1)
    tasks = cluster.call("RunTask", cluster="prod", taskDefinition="web", count=3)["tasks"]
    for t in tasks:
        cluster.call("StopTask", cluster="prod", task=t["taskArn"])
    assert [s.task_arn for s in cluster.ecs.task_stops(since=1)] == [t["taskArn"] for t in tasks[1:]]
    assert cluster.ecs.task_stops(since=3) == []
