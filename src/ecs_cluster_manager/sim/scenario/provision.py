"""Provision a scenario's resources directly, with settings taken from the project's template.

Until simulated CloudFormation exists, this stands in for a stack create: hook names, heartbeat
timeouts, default results, termination policies, rule patterns and schedules, and the functions'
handlers, timeouts, memory and environment all come from `cloudformation/ecs-cluster.yaml`
through `ecs_cluster_manager.template`, resolved with the template's parameter defaults and the
scenario's overrides. The functions signal the stack as deployed (one SignalResource per launch,
on CloudFormation's request bucket): no stack exists here, so CloudFormation answers
ValidationError "does not exist", which the launch gate takes for "no signal expected", but the
call is made, waited for and charged like the real one. Leaving the signal out (as this did
before) made every launch one throttled-prone call cheaper than on AWS.
"""

from __future__ import annotations

import base64
import functools
import json
import re
from dataclasses import dataclass
from typing import Any

from ecs_cluster_manager import template as cfn
from ecs_cluster_manager.errors import UserError
from ecs_cluster_manager.sim.account import SimAccount
from ecs_cluster_manager.sim.cloudformation import CloudFormationBackend
from ecs_cluster_manager.sim.ec2.instances import Timings
from ecs_cluster_manager.sim.ecs import AgentBehaviour, EcsBackend, EcsTimings
from ecs_cluster_manager.sim.elbv2 import DEREGISTRATION_DELAY, Elbv2Backend
from ecs_cluster_manager.sim.logs import LambdaLogSink, LogsBackend
from ecs_cluster_manager.sim.scenario.spec import Scenario

LAUNCH_FUNCTION = "LifecycleLaunchFunction"
TERMINATE_FUNCTION = "LifecycleTerminateFunction"


class HandlerError(UserError):
    """A handler given to rehearse cannot be imported."""


@dataclass
class Stack:
    """What the runner needs to know about the provisioned resources."""

    account: SimAccount
    cluster: str
    group: str
    template_id: str
    hooks: dict[str, str]  # transition -> hook name
    functions: dict[str, str]  # logical id -> function name
    parameters: dict[str, str]  # the template's parameters as resolved for this scenario
    neighbour_group: str | None = None


def _parameters(scenario: Scenario, template: dict[str, Any]) -> dict[str, str]:
    values = cfn.parameter_defaults(template)
    values.setdefault("EcsClusterName", f"{scenario.stack_name}-cluster")
    values.update(scenario.parameters)
    values.update({"AWS::StackName": scenario.stack_name, "AWS::Region": "us-east-1",
                   "AWS::AccountId": "123456789012", "AWS::Partition": "aws",
                   "EcsCluster": values["EcsClusterName"]})
    return values


def provision(scenario: Scenario, handlers: dict[str, str] | None = None) -> Stack:
    """Build the account and everything in it; `handlers` overrides a function's handler by
    logical id ("module.function")."""
    ecs_factory = functools.partial(EcsBackend, seed=scenario.seed, timings=EcsTimings(
        pending_s=scenario.cluster.image_pull_s))
    realism = scenario.aws.realism()
    account = SimAccount(seed=scenario.seed, ecs=ecs_factory,
                         ec2_timings=Timings(boot_s=scenario.cluster.ec2_boot_s),
                         limits=realism.limits(), latency=realism.latency(scenario.seed))
    # The functions' output goes to CloudWatch Logs, as on AWS (the picture of a run reads it).
    logs = LogsBackend(account.clock, account.region, account.account_id)
    account.add_service("logs", logs)
    account.add_service("cloudformation", CloudFormationBackend(account))  # answers the signals
    account.lambda_.listeners.append(LambdaLogSink(logs, account.clock, account.ids))
    template = cfn.load_template()
    params = _parameters(scenario, template)
    cluster = params["EcsCluster"]
    arn = f"arn:aws:ecs:us-east-1:123456789012:cluster/{cluster}"
    attributes = {"EcsCluster.Arn": arn}
    functions = _functions(account, template, params, attributes, handlers or {})
    attributes.update({f"{logical}.Arn": account.lambda_.functions[name].arn
                       for logical, name in functions.items()})
    _rules(account, template, params, attributes)
    ecs = account.ecs
    assert isinstance(ecs, EcsBackend)
    ecs.set_default_cluster(cluster)
    ecs.set_agent_behaviour(AgentBehaviour(register_delay_s=scenario.cluster.agent_register_s))
    if scenario.cluster.keep_container_instances:
        ecs.keep_container_instances_on_termination()
    ecs.handle("CreateCluster", {"clusterName": cluster})
    _services(ecs, account.elbv2, cluster, scenario)
    template_id = _launch_template(account, scenario, cluster)
    group, hooks = _group(account, template, params, scenario, template_id)
    neighbour = _neighbour(account, scenario) if scenario.cluster.neighbour_instances else None
    return Stack(account, cluster, group, template_id, hooks, functions, params, neighbour)


def _functions(account: SimAccount, template: dict[str, Any], params: dict[str, str],
               attributes: dict[str, str], handlers: dict[str, str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for logical, setting in cfn.function_settings(template).items():
        env = {key: str(cfn.resolve(value, params, attributes))
               for key, value in setting.environment.items()}
        name = f"{params['AWS::StackName']}-{logical}"
        account.lambda_.register(
            name, handlers.get(logical, setting.handler),
            timeout_s=int(cfn.resolve(setting.timeout, params, attributes) or 3),
            memory_mb=int(cfn.resolve(setting.memory, params, attributes) or 128),
            environment=env, runtime=setting.runtime, isolated=True)
        names[logical] = name
        if logical in handlers:
            _load_now(account, name, handlers[logical])
    return names


def _load_now(account: SimAccount, name: str, handler: str) -> None:
    """A handler given on the command line fails now, as one line, rather than per event."""
    try:
        account.lambda_.functions[name].load()
    except Exception as error:  # the user's module can raise anything while it is imported
        module, _, function = handler.rpartition(".")
        where = ""
        if isinstance(error, SyntaxError):
            where = f" ({error.filename}, line {error.lineno})"
        raise HandlerError(f"cannot load handler {module}:{function}: "
                           f"{type(error).__name__}: {error.args[0] if error.args else error}"
                           f"{where}") from None


def _rules(account: SimAccount, template: dict[str, Any], params: dict[str, str],
           attributes: dict[str, str]) -> None:
    events = account.events
    for logical, rule in cfn.rule_patterns(template).items():
        spec: dict[str, Any] = {"Name": f"{params['AWS::StackName']}-{logical}"}
        if rule.event_pattern is not None:
            pattern = cfn.resolve(rule.event_pattern, params, attributes)
            spec["EventPattern"] = json.dumps(pattern)
        if rule.schedule_expression:
            spec["ScheduleExpression"] = rule.schedule_expression
        events.handle("PutRule", spec)
        targets = [{"Id": target, "Arn": attributes[f"{target}.Arn"]} for target in rule.targets]
        events.handle("PutTargets", {"Rule": spec["Name"], "Targets": targets})


def _target_group(elbv2: Elbv2Backend, service: str, delay_s: float) -> str:
    """A target group whose deregistration delay is the service's (ECS waits that long before
    it stops a task registered with it)."""
    name = re.sub(r"[^A-Za-z0-9-]", "-", service)[:32].strip("-") or "service"
    arn = str(elbv2.handle("CreateTargetGroup", {"Name": name})["TargetGroups"][0]
              ["TargetGroupArn"])
    elbv2.handle("ModifyTargetGroupAttributes", {"TargetGroupArn": arn, "Attributes": [
        {"Key": DEREGISTRATION_DELAY, "Value": str(round(delay_s))}]})
    return arn


def _services(ecs: EcsBackend, elbv2: Elbv2Backend, cluster: str, scenario: Scenario) -> None:
    for service in scenario.cluster.services:
        ecs.handle("RegisterTaskDefinition", {
            "family": service.name, "requiresCompatibilities": ["EC2"],
            "containerDefinitions": [{"name": service.name, "image": "public.ecr.aws/x/app",
                                      "cpu": service.cpu, "memory": service.memory,
                                      "essential": True,
                                      "stopTimeout": service.stop_timeout_s}]})
        request: dict[str, Any] = {
            "cluster": cluster, "serviceName": service.name, "taskDefinition": service.name,
            "launchType": "EC2",
            "deploymentConfiguration": {
                "minimumHealthyPercent": service.minimum_healthy_percent,
                "maximumPercent": service.maximum_percent},
            "placementConstraints": [c.model_dump(exclude_none=True)
                                     for c in service.placement_constraints],
            "placementStrategy": [p.model_dump(exclude_none=True)
                                  for p in service.placement_strategy]}
        if service.daemon:
            request["schedulingStrategy"] = "DAEMON"
            request["deploymentConfiguration"]["maximumPercent"] = 100
        else:
            request["desiredCount"] = service.count
        if service.deregistration_delay_s:
            request["loadBalancers"] = [{
                "targetGroupArn": _target_group(elbv2, service.name,
                                                service.deregistration_delay_s),
                "containerName": service.name, "containerPort": 80}]
        ecs.handle("CreateService", request)
    for task in scenario.cluster.standalone_tasks:
        ecs.set_task_lifetime(task.family, task.runs_for_s)
        ecs.handle("RegisterTaskDefinition", {
            "family": task.family, "requiresCompatibilities": ["EC2"],
            "containerDefinitions": [{"name": task.family, "image": "public.ecr.aws/x/job",
                                      "cpu": task.cpu, "memory": task.memory,
                                      "essential": True}]})


def _launch_template(account: SimAccount, scenario: Scenario, cluster: str) -> str:
    user_data = base64.b64encode(
        # as the template's user data: a warm-pool instance registers only once it leaves the pool
        f"#!/bin/bash\necho ECS_CLUSTER={cluster} >> /etc/ecs/ecs.config\n"
        "echo ECS_WARM_POOLS_CHECK=true >> /etc/ecs/ecs.config\n".encode()).decode()
    created = account.ec2.handle("CreateLaunchTemplate", {
        "LaunchTemplateName": f"{scenario.stack_name}-nodes",
        "LaunchTemplateData": {"ImageId": scenario.cluster.ami,
                               "InstanceType": scenario.cluster.instance_type,
                               "UserData": user_data}})
    return str(created["LaunchTemplate"]["LaunchTemplateId"])


def _group(account: SimAccount, template: dict[str, Any], params: dict[str, str],
           scenario: Scenario, template_id: str) -> tuple[str, dict[str, str]]:
    properties = template["Resources"][cfn.ASG_LOGICAL_ID]["Properties"]
    name = str(cfn.resolve(properties["AutoScalingGroupName"], params))
    hooks: dict[str, str] = {}
    specs = []
    for hook in cfn.lifecycle_hooks(template):
        hook_name = str(cfn.resolve(hook.name, params))
        hooks[hook.transition] = hook_name
        specs.append({"LifecycleHookName": hook_name, "LifecycleTransition": hook.transition,
                      "HeartbeatTimeout": int(cfn.resolve(hook.heartbeat_timeout, params)),
                      "DefaultResult": str(cfn.resolve(hook.default_result, params))})
    account.autoscaling.handle("CreateAutoScalingGroup", {
        "AutoScalingGroupName": name, "MinSize": scenario.cluster.min_size,
        "MaxSize": scenario.max_size,
        "DesiredCapacity": scenario.instances,
        "LaunchTemplate": {"LaunchTemplateId": template_id, "Version": "$Latest"},
        "TerminationPolicies": list(properties.get("TerminationPolicies", ["Default"])),
        "LifecycleHookSpecificationList": specs})
    return name, hooks


def _neighbour(account: SimAccount, scenario: Scenario) -> str:
    """Another team's group in the same account: its own cluster and launch template, and a
    terminate hook (2 minutes, then CONTINUE) that no function of ours may complete."""
    name = f"{scenario.stack_name}-neighbour"
    account.ecs.handle("CreateCluster", {"clusterName": name})  # type: ignore[union-attr]
    user_data = base64.b64encode(
        f"#!/bin/bash\necho ECS_CLUSTER={name} >> /etc/ecs/ecs.config\n".encode()).decode()
    created = account.ec2.handle("CreateLaunchTemplate", {
        "LaunchTemplateName": name, "LaunchTemplateData": {
            "ImageId": scenario.cluster.ami, "InstanceType": scenario.cluster.instance_type,
            "UserData": user_data}})
    account.autoscaling.handle("CreateAutoScalingGroup", {
        "AutoScalingGroupName": name, "MinSize": 0, "MaxSize": 10,
        "DesiredCapacity": scenario.cluster.neighbour_instances,
        "LaunchTemplate": {"LaunchTemplateId": created["LaunchTemplate"]["LaunchTemplateId"],
                           "Version": "$Latest"},
        "LifecycleHookSpecificationList": [{
            "LifecycleHookName": f"{name}-terminate-hook", "HeartbeatTimeout": 120,
            "LifecycleTransition": "autoscaling:EC2_INSTANCE_TERMINATING",
            "DefaultResult": "CONTINUE"}]})
    return name


def start_standalone_tasks(stack: Stack, scenario: Scenario) -> None:
    """Standalone tasks start once the cluster has capacity (RunTask places them at once)."""
    ecs = stack.account.ecs
    assert isinstance(ecs, EcsBackend)
    for task in scenario.cluster.standalone_tasks:
        ecs.handle("RunTask", {"cluster": stack.cluster, "taskDefinition": task.family,
                               "count": task.count, "launchType": "EC2",
                               "startedBy": "ecm-scenario"})
