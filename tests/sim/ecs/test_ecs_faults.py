"""The ECS fault API: health and its events, agents killed while booting, standalone tasks that
finish, who stopped a task or drained an instance, event fields as AWS sends them."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from ecs_cluster_manager.sim.ecs import AgentBehaviour, StopCause

from .fakes import World

SAMPLES = Path(__file__).parents[2] / "fixtures" / "aws-events"


def _sample(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SAMPLES / name).read_text())
    return loaded


def _health_events(w: World) -> list[dict[str, Any]]:
    return [e["detail"] for e in w.events_of("ECS Container Instance Health Change")]


def _health(w: World, instance: str) -> dict[str, Any]:
    (ci,) = w.call("DescribeContainerInstances", cluster="prod",
                   containerInstances=[w.ci_arn(instance)],
                   include=["CONTAINER_INSTANCE_HEALTH"])["containerInstances"]
    status: dict[str, Any] = ci["healthStatus"]
    return status


def test_state_change_event_carries_every_documented_field(cluster: World) -> None:
    documented = set(_sample("ecs_container_instance_state_change.json")["detail"])
    # Fields of the event's schema (EventBridge schema registry) that the 2016 sample predates.
    schema_only = {"registeredAt", "runningTasksCount", "pendingTasksCount", "attachments"}
    cluster.register_web()
    a = next(iter(cluster.ec2.instances))
    cluster.call("StartTask", cluster="prod", taskDefinition="web",
                 containerInstances=[cluster.ci_arn(a)])
    cluster.clock.advance(30)
    last = [e for e in cluster.events_of("ECS Container Instance State Change")
            if e["detail"]["ec2InstanceId"] == a][-1]["detail"]
    assert documented | schema_only <= set(last)
    # Placing a task is what changes the instance (its resources); the task is still pending
    # then, and its start does not send another instance event (ecs_container_instance_events).
    assert (last["runningTasksCount"], last["pendingTasksCount"]) == (0, 1)
    assert last["registeredAt"].endswith("Z") and last["registeredAt"] < last["updatedAt"]
    envelope = set(_sample("ecs_container_instance_state_change.json"))
    assert set(cluster.events[-1]) == envelope


def test_initializing_runtime_turns_ok_with_one_health_event(world: World) -> None:
    world.ecs.set_agent_behaviour(AgentBehaviour(register_delay_s=10, runtime_initializing_s=45))
    (a,) = world.launch(1)
    world.clock.advance(20)
    assert _health(world, a)["overallStatus"] == "INITIALIZING"
    assert _health_events(world) == []  # the first status is no transition
    assert world.ecs.container_instance_for(a).health == "INITIALIZING"  # type: ignore[union-attr]
    world.clock.advance(40)
    (event,) = world.events_of("ECS Container Instance Health Change")
    sample = _sample("ecs_container_instance_health_change.json")
    assert set(event) == set(sample)
    assert set(event["detail"]) == set(sample["detail"])
    assert set(event["detail"]["healthChecks"][0]) == set(sample["detail"]["healthChecks"][0])
    assert event["detail"]["overallStatus"] == "OK"
    assert event["detail"]["containerInstanceArn"] == world.ci_arn(a)
    assert _health(world, a)["overallStatus"] == "OK"


def test_impaired_runtime_and_recovery_send_health_events(cluster: World) -> None:
    a, *_ = cluster.ec2.instances
    assert cluster.ecs.set_runtime_health(a, "IMPAIRED", "Docker daemon unresponsive")
    health = _health(cluster, a)
    assert health["overallStatus"] == "IMPAIRED"
    assert health["details"][0]["statusReason"] == "Docker daemon unresponsive"
    assert cluster.ecs.set_runtime_health(a, "IMPAIRED", "Docker daemon unresponsive")  # no change
    assert cluster.ecs.set_runtime_health(a, "OK")
    assert [(d["ec2InstanceId"], d["overallStatus"]) for d in _health_events(cluster)] == [
        (a, "IMPAIRED"), (a, "OK")]
    with pytest.raises(ValueError, match="expected one of"):
        cluster.ecs.set_runtime_health(a, "BROKEN")
    assert not cluster.ecs.set_runtime_health("i-0000000000000dead", "OK")


def test_a_disconnected_agent_reports_insufficient_data(cluster: World) -> None:
    a, *_ = cluster.ec2.instances
    cluster.ecs.disconnect_agent(a, 60)
    assert _health(cluster, a)["overallStatus"] == "INSUFFICIENT_DATA"
    cluster.clock.advance(60)
    assert [d["overallStatus"] for d in _health_events(cluster)] == ["INSUFFICIENT_DATA", "OK"]


def test_killing_the_agent_of_a_booting_instance_delays_its_registration(world: World) -> None:
    world.ecs.set_agent_behaviour(AgentBehaviour(register_delay_s=20))
    late, never = world.boot(2)
    assert world.ecs.disconnect_agent(late, for_seconds=300)
    assert world.ecs.disconnect_agent(never)  # for good
    world.clock.advance(30)
    world.start(late)
    world.start(never)
    world.clock.advance(260)
    assert world.ecs.container_instance_for(late) is None
    world.clock.advance(20)
    view = world.ecs.container_instance_for(late)
    assert view is not None and view.agent_connected
    world.clock.advance(86_400)
    assert world.ecs.container_instance_for(never) is None


def test_killing_an_agent_that_is_not_there_is_refused(cluster: World) -> None:
    a, *_ = cluster.ec2.instances
    assert not cluster.ecs.disconnect_agent("i-0000000000000dead")
    cluster.terminate(a)
    assert not cluster.ecs.disconnect_agent(a)
    b = list(cluster.ec2.instances)[1]
    assert cluster.ecs.disconnect_agent(b)
    assert not cluster.ecs.disconnect_agent(b)  # already down


def test_standalone_tasks_finish_after_their_lifetime(cluster: World) -> None:
    cluster.register_web(family="batch")
    cluster.ecs.set_task_lifetime("batch", 300)
    (task,) = cluster.call("RunTask", cluster="prod", taskDefinition="batch")["tasks"]
    cluster.clock.advance(200)
    assert cluster.call("DescribeTasks", cluster="prod", tasks=[task["taskArn"]])[
        "tasks"][0]["lastStatus"] == "RUNNING"
    cluster.clock.advance(120)
    (done,) = cluster.call("DescribeTasks", cluster="prod", tasks=[task["taskArn"]])["tasks"]
    assert (done["lastStatus"], done["stopCode"]) == ("STOPPED", "EssentialContainerExited")
    assert done["stoppedReason"] == "Essential container in task exited"
    (stop,) = cluster.ecs.task_stops()
    assert stop.cause is StopCause.TASK_EXITED
    cluster.ecs.set_task_lifetime("batch", None)
    (forever,) = cluster.call("RunTask", cluster="prod", taskDefinition="batch")["tasks"]
    cluster.clock.advance(math.floor(86_400 / 2))
    assert cluster.call("DescribeTasks", cluster="prod", tasks=[forever["taskArn"]])[
        "tasks"][0]["lastStatus"] == "RUNNING"


def test_actions_record_who_called(cluster: World) -> None:
    caller: list[str | None] = ["ecs-dev-drain"]
    cluster.ecs.set_caller_source(lambda: caller[0])
    a, b, _ = cluster.ec2.instances
    cluster.register_web()
    (task,) = cluster.call("StartTask", cluster="prod", taskDefinition="web",
                           containerInstances=[cluster.ci_arn(a)])["tasks"]
    cluster.call("UpdateContainerInstancesState", cluster="prod",
                 containerInstances=[cluster.ci_arn(b)], status="DRAINING")
    caller[0] = None
    cluster.call("StopTask", cluster="prod", task=task["taskArn"])
    actions = cluster.ecs.actions()
    assert [(x.operation, x.caller, x.ec2_instance_id, x.detail) for x in actions] == [
        ("UpdateContainerInstancesState", "ecs-dev-drain", b, "DRAINING"),
        ("StopTask", None, a, "Task stopped by user"),
    ]
    assert cluster.ecs.actions(since=1) == actions[1:]
    (stop,) = cluster.ecs.task_stops()
    assert stop.caller is None and stop.cause is StopCause.USER
    caller[0] = "ecs-dev-drain"
    cluster.call("DeregisterContainerInstance", cluster="prod",
                 containerInstance=cluster.ci_arn(b), force=True)
    assert (cluster.ecs.actions()[-1].operation, cluster.ecs.actions()[-1].caller) == (
        "DeregisterContainerInstance", "ecs-dev-drain")


def test_an_agent_disconnected_past_the_threshold_makes_the_instance_impaired(
        cluster: World) -> None:
    cluster.ecs.set_agent_connectivity_threshold(300)
    a, b, _ = cluster.ec2.instances
    cluster.ecs.disconnect_agent(a, 200)  # back before the threshold: never impaired
    cluster.ecs.disconnect_agent(b, 900)
    cluster.clock.advance(301)
    health = _health(cluster, b)
    assert health["overallStatus"] == "IMPAIRED"
    assert {(d["type"], d["status"]) for d in health["details"]} == {
        ("CONTAINER_RUNTIME", "INSUFFICIENT_DATA"), ("AGENT_CONNECTIVITY", "IMPAIRED")}
    cluster.clock.advance(600)
    assert _health(cluster, b)["overallStatus"] == "OK"
    by_instance: dict[str, list[str]] = {}
    for d in _health_events(cluster):
        by_instance.setdefault(d["ec2InstanceId"], []).append(d["overallStatus"])
    assert by_instance == {a: ["INSUFFICIENT_DATA", "OK"],
                           b: ["INSUFFICIENT_DATA", "IMPAIRED", "OK"]}
    impaired = [d for d in _health_events(cluster) if d["overallStatus"] == "IMPAIRED"]
    assert {c["type"] for c in impaired[0]["healthChecks"]} == {"CONTAINER_RUNTIME",
                                                                "AGENT_CONNECTIVITY"}
