"""Every modelled operation: request valid for botocore, response valid against its output shape;
events carry the keys of the documented samples."""

from __future__ import annotations

import json
import math
from typing import Any

import botocore.session
from botocore.validate import ParamValidator

from ecs_cluster_manager.sim.ecs import AgentBehaviour, AgentFault
from tests.samples import SAMPLES

from .fakes import World

MODEL = botocore.session.get_session().get_service_model("ecs")


def call(world: World, operation: str, **params: Any) -> dict[str, Any]:
    """Validate the request and the response against the real ECS service model."""
    op = MODEL.operation_model(operation)
    request_report = ParamValidator().validate(params, op.input_shape)
    assert not request_report.has_errors(), request_report.generate_report()
    response = world.ecs.handle(operation, params)
    report = ParamValidator().validate(response, op.output_shape)
    assert not report.has_errors(), f"{operation}: {report.generate_report()}"
    return response


def test_every_operation_validates_against_botocore_shapes(cluster: World) -> None:
    w = cluster
    seen: set[str] = set()

    def c(operation: str, **params: Any) -> dict[str, Any]:
        seen.add(operation)
        return call(w, operation, **params)

    c("CreateCluster", clusterName="batch")
    c("DescribeClusters", clusters=["prod", "nope"], include=["STATISTICS"])
    c("ListClusters", maxResults=1)
    c("DeleteCluster", cluster="batch")
    c("RegisterTaskDefinition", family="web",
      containerDefinitions=[{"name": "web", "image": "nginx", "cpu": 256, "memory": 512,
                             "portMappings": [{"containerPort": 80, "hostPort": 0}],
                             "stopTimeout": 20}])
    c("RegisterTaskDefinition", family="agent", cpu="128", memory="128",
      containerDefinitions=[{"name": "agent", "image": "datadog/agent"}])
    c("DescribeTaskDefinition", taskDefinition="web:1")
    c("ListTaskDefinitions", familyPrefix="we")
    arns = c("ListContainerInstances", cluster="prod", maxResults=2)["containerInstanceArns"]
    c("DescribeContainerInstances", cluster="prod", containerInstances=[*arns, "nope"],
      include=["CONTAINER_INSTANCE_HEALTH", "TAGS"])
    c("CreateService", cluster="prod", serviceName="web", taskDefinition="web", desiredCount=3,
      deploymentConfiguration={"minimumHealthyPercent": 50, "maximumPercent": 200},
      placementStrategy=[{"type": "binpack", "field": "memory"}],
      tags=[{"key": "sim:deregistration-delay", "value": "10"}])
    c("CreateService", cluster="prod", serviceName="logs", taskDefinition="agent",
      schedulingStrategy="DAEMON")
    w.clock.advance(60)
    run = c("RunTask", cluster="prod", taskDefinition="web", count=2, group="batch", startedBy="me")
    c("StartTask", cluster="prod", taskDefinition="web", containerInstances=[arns[0]], startedBy="me")
    task_arns = c("ListTasks", cluster="prod", serviceName="web")["taskArns"]
    c("DescribeTasks", cluster="prod", tasks=[*task_arns, run["tasks"][0]["taskArn"], "nope"])
    c("StopTask", cluster="prod", task=run["tasks"][0]["taskArn"], reason="done")
    c("UpdateContainerInstancesState", cluster="prod", containerInstances=[arns[0], "nope"],
      status="DRAINING")
    c("UpdateService", cluster="prod", service="web", desiredCount=2, forceNewDeployment=True)
    w.clock.advance(5)
    c("ListServices", cluster="prod", maxResults=1)
    c("DescribeServices", cluster="prod", services=["web", "logs", "nope"], include=["TAGS"])
    w.clock.advance(600)
    c("ListTasks", cluster="prod", desiredStatus="STOPPED")
    c("DescribeServices", cluster="prod", services=["web", "logs"])
    c("DescribeTasks", cluster="prod", tasks=[run["tasks"][0]["taskArn"]])
    c("UpdateService", cluster="prod", service="web", desiredCount=0)
    c("DeleteService", cluster="prod", service="web")
    c("DeregisterContainerInstance", cluster="prod", containerInstance=arns[1], force=True)
    c("DeregisterTaskDefinition", taskDefinition="agent:1")
    assert seen == w.ecs.operations


def test_registration_failed_instance_validates(world: World) -> None:
    world.ecs.set_agent_behaviour(AgentBehaviour(fault=AgentFault.REGISTRATION_FAILED))
    (instance,) = world.launch(1)
    world.clock.advance(60)
    arns = call(world, "ListContainerInstances", cluster="prod", status="REGISTRATION_FAILED")
    out = call(world, "DescribeContainerInstances", cluster="prod",
               containerInstances=arns["containerInstanceArns"], include=["CONTAINER_INSTANCE_HEALTH"])
    (ci,) = out["containerInstances"]
    assert ci["ec2InstanceId"] == instance and ci["status"] == "REGISTRATION_FAILED"
    assert ci["agentConnected"] is False and ci["statusReason"]


def _sample(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLES / name).read_text())
    return data


def test_events_have_the_documented_shapes(cluster: World) -> None:
    w = cluster
    w.register_web()
    w.call("CreateService", cluster="prod", serviceName="web", taskDefinition="web", desiredCount=1)
    w.clock.advance(60)
    instance = next(iter(w.ec2.instances))
    w.ecs.disconnect_agent(instance, math.inf)
    w.terminate(instance)
    w.clock.advance(120)

    ci_sample = _sample("ecs_container_instance_state_change.json")
    task_sample = _sample("ecs_task_state_change_ec2_launch_type_2020doc.json")
    action_sample = _sample("ecs_service_action_steady_state.json")
    envelope = set(ci_sample) - {"detail"}
    for event in w.events:
        assert set(event) - {"detail"} == envelope
        assert event["source"] == "aws.ecs" and event["account"] == "123456789012"
        assert event["time"].endswith("Z") and len(event["time"]) == len("2016-12-06T16:41:06Z")
    # The 2016 sample predates fields the event's schema has (see SOURCES.md, item 6).
    schema_only = {"registeredAt", "runningTasksCount", "pendingTasksCount", "attachments"}
    for event in w.events_of("ECS Container Instance State Change"):
        assert set(event["detail"]) - {"statusReason"} == set(ci_sample["detail"]) | schema_only
        assert event["resources"] == [event["detail"]["containerInstanceArn"]]
    for event in w.events_of("ECS Task State Change"):
        assert set(task_sample["detail"]) - {"startedAt"} <= set(event["detail"])
    steady = [e for e in w.events_of("ECS Service Action")
              if e["detail"]["eventName"] == "SERVICE_STEADY_STATE"]
    assert steady and all(set(e["detail"]) == set(action_sample["detail"]) for e in steady)


def test_container_instance_event_versions_increase_per_instance(cluster: World) -> None:
    w = cluster
    versions: dict[str, list[int]] = {}
    w.register_web()
    w.call("RunTask", cluster="prod", taskDefinition="web", count=3)
    w.clock.advance(60)
    for instance in list(w.ec2.instances):
        w.terminate(instance)
    for e in w.events_of("ECS Container Instance State Change"):
        versions.setdefault(e["detail"]["containerInstanceArn"], []).append(e["detail"]["version"])
    assert len(versions) == 3
    for seq in versions.values():
        assert seq == list(range(1, len(seq) + 1))
    described = w.call("DescribeContainerInstances", cluster="prod", containerInstances=list(versions))
    for ci in described["containerInstances"]:
        assert ci["version"] == versions[ci["containerInstanceArn"]][-1]


def test_deployment_events_follow_the_samples(cluster: World) -> None:
    w = cluster
    w.register_web()
    w.call("CreateService", cluster="prod", serviceName="web", taskDefinition="web", desiredCount=2)
    w.clock.advance(60)
    w.call("UpdateService", cluster="prod", service="web", forceNewDeployment=True)
    w.clock.advance(120)
    sample = _sample("ecs_deployment_state_change.json")
    names = []
    for event in w.events_of("ECS Deployment State Change"):
        assert set(event["detail"]) == set(sample["detail"])
        names.append(event["detail"]["eventName"])
    assert names == ["SERVICE_DEPLOYMENT_IN_PROGRESS", "SERVICE_DEPLOYMENT_COMPLETED"] * 2
