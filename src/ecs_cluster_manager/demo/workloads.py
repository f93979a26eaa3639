"""What runs on the demo cluster: a web service registered with a target group (its tasks
take the group's deregistration delay to stop), a worker, a daemon, and one standalone task."""

from __future__ import annotations

from typing import Any

WEB_DEREGISTRATION_DELAY_S = 120
# (name, desired count, minimum healthy %, maximum %, cpu, memory, extra CreateService args)
SERVICES: tuple[tuple[str, int, int, int, int, int, dict[str, Any]], ...] = (
    ("web", 2, 100, 200, 256, 512, {}),
    ("worker", 3, 50, 100, 512, 1024, {}),
    ("log-router", 0, 0, 100, 128, 128, {"schedulingStrategy": "DAEMON"}),
)
STANDALONE = ("nightly-report", 256, 512)


def _register(ecs: Any, family: str, cpu: int, memory: int) -> None:
    ecs.register_task_definition(family=family, containerDefinitions=[
        {"name": family, "image": f"example/{family}:1", "cpu": cpu, "memory": memory,
         "essential": True}])


def _target_group(elbv2: Any, name: str) -> str:
    """The web service's target group, with its deregistration delay."""
    arn = str(elbv2.create_target_group(Name=name, Protocol="HTTP", Port=80,
                                        VpcId="vpc-00000000")["TargetGroups"][0]["TargetGroupArn"])
    elbv2.modify_target_group_attributes(TargetGroupArn=arn, Attributes=[{
        "Key": "deregistration_delay.timeout_seconds", "Value": str(WEB_DEREGISTRATION_DELAY_S)}])
    return arn


def start(ecs: Any, elbv2: Any, cluster: str) -> list[str]:
    """Create the services and run the standalone task; the names started."""
    started = []
    balanced = {"web": [{"targetGroupArn": _target_group(elbv2, f"{cluster}-web"),
                         "containerName": "web", "containerPort": 80}]}
    for name, count, minimum, maximum, cpu, memory, extra in SERVICES:
        _register(ecs, name, cpu, memory)
        args: dict[str, Any] = {"cluster": cluster, "serviceName": name, "taskDefinition": name,
                                "deploymentConfiguration": {"minimumHealthyPercent": minimum,
                                                            "maximumPercent": maximum}, **extra}
        if name in balanced:
            args["loadBalancers"] = balanced[name]
        if extra.get("schedulingStrategy") != "DAEMON":
            args["desiredCount"] = count
        ecs.create_service(**args)
        started.append(f"service {name}")
    family, cpu, memory = STANDALONE
    _register(ecs, family, cpu, memory)
    ecs.run_task(cluster=cluster, taskDefinition=family, count=1, startedBy="demo")
    started.append(f"task {family}")
    return started
