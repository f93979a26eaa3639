"""Reading the simulated world back for assertions."""

from __future__ import annotations

from typing import Any

from ecs_cluster_manager.sim.project_stack import ProjectStack


def group(project: ProjectStack) -> dict[str, Any]:
    client = project.account.client("autoscaling")
    name = project.output("AutoScalingGroupName")
    described: dict[str, Any] = client.describe_auto_scaling_groups(
        AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
    return described


def images(project: ProjectStack) -> dict[str, str]:
    """Instance id -> AMI of every running instance of the group."""
    ids = [i["InstanceId"] for i in group(project)["Instances"]]
    ec2 = project.account.client("ec2")
    found = ec2.describe_instances(InstanceIds=ids)["Reservations"] if ids else []
    return {i["InstanceId"]: i["ImageId"] for r in found for i in r["Instances"]}


def reasons(project: ProjectStack, logical_id: str | None = None) -> list[str]:
    return [e.get("ResourceStatusReason", "") for e in project.events()
            if logical_id in (None, e["LogicalResourceId"])]


def statuses(project: ProjectStack, logical_id: str) -> list[str]:
    return [e["ResourceStatus"] for e in project.events() if e["LogicalResourceId"] == logical_id]


def settle(project: ProjectStack, hours: float = 2.0) -> None:
    """Let drains and launches that outlive the stack operation finish."""
    project.account.clock.run_for(hours * 3600)


def start_service(project: ProjectStack, name: str = "web", count: int = 2) -> None:
    ecs = project.account.client("ecs")
    cluster = project.output("ClusterName")
    ecs.register_task_definition(family=name, containerDefinitions=[
        {"name": name, "image": "nginx", "cpu": 256, "memory": 512, "essential": True}])
    ecs.create_service(cluster=cluster, serviceName=name, taskDefinition=name,
                       desiredCount=count,
                       deploymentConfiguration={"minimumHealthyPercent": 50,
                                                "maximumPercent": 200})
