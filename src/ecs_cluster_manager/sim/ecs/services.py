"""CreateService, UpdateService, DeleteService, ListServices and DescribeServices.

Defaults follow the service definition parameters
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_definition_parameters.html):
a replica service runs with minimumHealthyPercent 100 and maximumPercent 200; a daemon service
with 0 and 100, and maximumPercent must be 100. A new deployment (PRIMARY) starts when the task
definition changes or forceNewDeployment is set; the previous one becomes ACTIVE until its
tasks are gone. DescribeServices takes up to 10 services, ListServices pages 10 by default
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html).
DeleteService refuses a replica service scaled above 0 unless forced.
"""

from __future__ import annotations

from typing import Any

from ecs_cluster_manager.sim.errors import AwsError

from . import events, pagination, serialize, service_status, task_definitions
from .describe import describe_each
from .model import Deployment, Service, StopProfile, TaskDefinition
from .scheduler import Scheduler
from .state import ClusterIndex, EcsState

MAX_DESCRIBE = 10
# Scenario files can set a service's stop time through these tags.
TAG_DEREGISTRATION_DELAY = "sim:deregistration-delay"
TAG_STOP_TIMEOUT = "sim:stop-timeout"


def _deployment(state: EcsState, definition: TaskDefinition) -> Deployment:
    deployment_id = f"ecs-svc/{state.random.randrange(10**18, 10**19)}"
    return Deployment(
        id=deployment_id,
        task_definition=definition,
        created_at=state.now(),
        updated_at=state.now(),
        rollout_state_reason=f"ECS deployment {deployment_id} in progress.",
    )


def create(state: EcsState, scheduler: Scheduler, params: dict[str, Any]) -> dict[str, Any]:
    index = state.cluster(params.get("cluster"))
    name = params["serviceName"]
    existing = index.services.get(name)
    if existing is not None and existing.status != "INACTIVE":
        raise AwsError("InvalidParameterException", "Creation of service was not idempotent.")
    if "taskDefinition" not in params:
        raise AwsError("InvalidParameterException", "TaskDefinition must be specified.")
    definition = task_definitions.resolve(state, params["taskDefinition"])
    daemon = params.get("schedulingStrategy", "REPLICA") == "DAEMON"
    config = params.get("deploymentConfiguration", {})
    maximum = config.get("maximumPercent", 100 if daemon else 200)
    minimum = config.get("minimumHealthyPercent", 0 if daemon else 100)
    if daemon and maximum != 100:
        raise AwsError("InvalidParameterException", "The maximumPercent for a DAEMON service must be 100.")
    if not daemon and "desiredCount" not in params:
        raise AwsError("InvalidParameterException", "desiredCount must be specified for a REPLICA service.")
    svc = Service(
        name=name,
        arn=state.arn(f"service/{index.cluster.name}/{name}"),
        cluster=index.cluster.name,
        task_definition=definition,
        desired_count=0 if daemon else params["desiredCount"],
        scheduling_strategy="DAEMON" if daemon else "REPLICA",
        minimum_healthy_percent=minimum,
        maximum_percent=maximum,
        created_at=state.now(),
        placement_strategy=list(params.get("placementStrategy", [])),
        load_balancers=list(params.get("loadBalancers", [])),
        tags=list(params.get("tags", [])),
        stop_profile=_profile_from_tags(params.get("tags", [])),
        placement_constraints=list(params.get("placementConstraints", [])),
    )
    svc.deployments.append(_deployment(state, definition))
    index.services.pop(name, None)
    index.services[name] = svc
    events.deployment_changed(state, svc, svc.primary, "SERVICE_DEPLOYMENT_IN_PROGRESS")
    scheduler.request(svc)
    return {"service": as_dict(svc, index, include_tags=True)}


def _profile_from_tags(tags: list[dict[str, str]]) -> StopProfile:
    values = {t.get("key"): t.get("value") for t in tags}
    delay = values.get(TAG_DEREGISTRATION_DELAY)
    timeout = values.get(TAG_STOP_TIMEOUT)
    return StopProfile(
        deregistration_delay_s=float(delay) if delay else 0.0,
        stop_timeout_s=float(timeout) if timeout else None,
    )


def _active(state: EcsState, index: ClusterIndex, ref: str) -> Service:
    svc = state.service(index, ref)
    if svc is None:
        raise AwsError("ServiceNotFoundException", "Service not found.")
    if svc.status != "ACTIVE":
        raise AwsError("ServiceNotActiveException", "Service was not ACTIVE.")
    return svc


def update(state: EcsState, scheduler: Scheduler, params: dict[str, Any]) -> dict[str, Any]:
    index = state.cluster(params.get("cluster"))
    svc = _active(state, index, params["service"])
    if "desiredCount" in params and svc.scheduling_strategy == "REPLICA":
        svc.desired_count = params["desiredCount"]
        svc.steady = False
    config = params.get("deploymentConfiguration", {})
    svc.maximum_percent = config.get("maximumPercent", svc.maximum_percent)
    svc.minimum_healthy_percent = config.get("minimumHealthyPercent", svc.minimum_healthy_percent)
    if "placementStrategy" in params:
        svc.placement_strategy = list(params["placementStrategy"])
    if "placementConstraints" in params:
        svc.placement_constraints = list(params["placementConstraints"])
    new_definition = svc.task_definition
    if params.get("taskDefinition"):
        new_definition = task_definitions.resolve(state, params["taskDefinition"])
    if new_definition is not svc.task_definition or params.get("forceNewDeployment"):
        svc.task_definition = new_definition
        for old in svc.deployments:
            old.status = "ACTIVE"
        svc.deployments.insert(0, _deployment(state, new_definition))
        svc.steady = False
        events.deployment_changed(state, svc, svc.primary, "SERVICE_DEPLOYMENT_IN_PROGRESS")
    scheduler.request(svc)
    return {"service": as_dict(svc, index, include_tags=False)}


def delete(state: EcsState, scheduler: Scheduler, params: dict[str, Any]) -> dict[str, Any]:
    index = state.cluster(params.get("cluster"))
    svc = _active(state, index, params["service"])
    if svc.scheduling_strategy == "REPLICA" and svc.desired_count > 0 and not params.get("force"):
        raise AwsError(
            "InvalidParameterException",
            "The service cannot be stopped while it is scaled above 0.",
        )
    svc.status = "DRAINING"
    svc.desired_count = 0
    scheduler.request(svc)
    return {"service": as_dict(svc, index, include_tags=False)}


def list_services(state: EcsState, params: dict[str, Any]) -> dict[str, Any]:
    index = state.cluster(params.get("cluster"))
    strategy = params.get("schedulingStrategy")
    arns = [
        s.arn
        for s in index.services.values()
        if s.status != "INACTIVE" and (strategy is None or s.scheduling_strategy == strategy)
    ]
    return pagination.page(arns, params, "serviceArns", default_size=10)


def describe(state: EcsState, params: dict[str, Any]) -> dict[str, Any]:
    index = state.cluster(params.get("cluster"))
    include_tags = "TAGS" in params.get("include", [])
    found, failures = describe_each(
        state, index, params["services"], member="services", kind="service", limit=MAX_DESCRIBE,
        lookup=lambda ref: state.service(index, ref),
        render=lambda svc: as_dict(svc, index, include_tags=include_tags),
    )
    return {"services": found, "failures": failures}


def as_dict(svc: Service, index: ClusterIndex, *, include_tags: bool) -> dict[str, Any]:
    running, pending = service_status.counts(svc)
    out: dict[str, Any] = {
        "serviceArn": svc.arn,
        "serviceName": svc.name,
        "clusterArn": index.cluster.arn,
        "loadBalancers": svc.load_balancers,
        "serviceRegistries": [],
        "status": svc.status,
        "desiredCount": svc.desired_count,
        "runningCount": running,
        "pendingCount": pending,
        "launchType": "EC2",
        "taskDefinition": svc.task_definition.arn,
        "deploymentConfiguration": {
            "deploymentCircuitBreaker": {"enable": False, "rollback": False},
            "maximumPercent": svc.maximum_percent,
            "minimumHealthyPercent": svc.minimum_healthy_percent,
        },
        "deployments": [
            serialize.deployment(svc, d, *service_status.counts(svc, d.id))
            for d in svc.deployments
        ],
        "events": [
            {"id": e["id"], "createdAt": serialize.as_datetime(e["createdAt"]), "message": e["message"]}
            for e in svc.events
        ],
        "createdAt": serialize.as_datetime(svc.created_at),
        "placementConstraints": svc.placement_constraints,
        "placementStrategy": svc.placement_strategy,
        "schedulingStrategy": svc.scheduling_strategy,
        "deploymentController": {"type": "ECS"},
        "enableECSManagedTags": False,
        "propagateTags": "NONE",
        "enableExecuteCommand": False,
    }
    if include_tags:
        out["tags"] = svc.tags
    return out
