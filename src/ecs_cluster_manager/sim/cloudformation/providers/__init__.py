"""Resource providers by resource type; any other type (IAM) is recorded only (not modelled)."""

from __future__ import annotations

from ecs_cluster_manager.sim.cloudformation.providers.autoscaling import AutoScalingGroup
from ecs_cluster_manager.sim.cloudformation.providers.base import (
    Context,
    Provider,
    RecordOnly,
    ResourceFailed,
)
from ecs_cluster_manager.sim.cloudformation.providers.iam import IamPolicy
from ecs_cluster_manager.sim.cloudformation.providers.simple import (
    EcsCluster,
    EventsRule,
    LambdaFunction,
    LambdaPermission,
    LaunchTemplate,
    LogGroup,
)

PROVIDERS: dict[str, Provider] = {
    "AWS::ECS::Cluster": EcsCluster(),
    "AWS::EC2::LaunchTemplate": LaunchTemplate(),
    "AWS::AutoScaling::AutoScalingGroup": AutoScalingGroup(),
    "AWS::Lambda::Function": LambdaFunction(),
    "AWS::Lambda::Permission": LambdaPermission(),
    "AWS::Events::Rule": EventsRule(),
    "AWS::Logs::LogGroup": LogGroup(),
    "AWS::IAM::Policy": IamPolicy(),
}
_RECORD_ONLY = RecordOnly()


def provider_for(resource_type: str) -> Provider:
    return PROVIDERS.get(resource_type, _RECORD_ONLY)


__all__ = ["Context", "Provider", "ResourceFailed", "provider_for"]
