"""Load-balanced services stop after their target groups' deregistration delay, and
distinctInstance keeps a service's tasks on different instances."""

from __future__ import annotations

from typing import Any

from .fakes import World


def _tasks(w: World, service: str) -> list[str]:
    return list(w.call("ListTasks", cluster="prod", serviceName=service)["taskArns"])


def _stopped_web(w: World, stop_timeout: int, balancers: list[dict[str, Any]]) -> str:
    """A one-task load-balanced service `web`, its task running and then told to stop."""
    w.register_web(stopTimeout=stop_timeout)
    w.call("CreateService", cluster="prod", serviceName="web", taskDefinition="web",
           desiredCount=1, loadBalancers=balancers)
    w.clock.advance(30)
    (arn,) = _tasks(w, "web")
    w.call("StopTask", cluster="prod", task=arn)
    return arn


def test_a_service_task_waits_out_its_longest_target_group_delay(cluster: World) -> None:
    delays = {"tg-a": 40.0, "tg-b": 75.0}
    cluster.ecs.set_target_group_source(delays.get)
    arn = _stopped_web(cluster, 10, [{"targetGroupArn": arn, "containerName": "web",
                                      "containerPort": 80} for arn in delays])
    cluster.clock.advance(74)
    (task,) = cluster.call("DescribeTasks", cluster="prod", tasks=[arn])["tasks"]
    assert task["lastStatus"] == "DEACTIVATING"
    cluster.clock.advance(2)
    (task,) = cluster.call("DescribeTasks", cluster="prod", tasks=[arn])["tasks"]
    assert task["lastStatus"] == "STOPPING"


def test_an_unknown_target_group_adds_no_delay(cluster: World) -> None:
    cluster.ecs.set_target_group_source(lambda arn: None)
    arn = _stopped_web(cluster, 5, [{"targetGroupArn": "gone"}])
    cluster.clock.advance(10)
    (task,) = cluster.call("DescribeTasks", cluster="prod", tasks=[arn])["tasks"]
    assert task["lastStatus"] == "STOPPED"


def test_distinct_instance_places_one_task_per_instance(cluster: World) -> None:
    cluster.register_web(cpu=64, memory=64)
    constraint = [{"type": "distinctInstance"}]
    cluster.call("CreateService", cluster="prod", serviceName="api", taskDefinition="web",
                 desiredCount=4, placementConstraints=constraint)
    cluster.clock.advance(60)
    (service,) = cluster.call("DescribeServices", cluster="prod", services=["api"])["services"]
    assert service["runningCount"] == 3  # three instances, one task each
    assert service["placementConstraints"] == constraint
    described = cluster.call("DescribeTasks", cluster="prod", tasks=_tasks(cluster, "api"))
    hosts = [t["containerInstanceArn"] for t in described["tasks"]]
    assert len(set(hosts)) == len(hosts) == 3
    assert any("unable to place" in e["message"] for e in service["events"])
