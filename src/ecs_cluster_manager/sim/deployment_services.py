"""Add S3, SSM Parameter Store and CloudFormation to a simulated account, so that a template
and its artefacts deploy into it the way a user deploys them on AWS.

    account = SimAccount()
    services = add_deployment_services(account)
    account.client("cloudformation").create_stack(...)
"""

from __future__ import annotations

from dataclasses import dataclass

from ecs_cluster_manager.sim.account import SimAccount
from ecs_cluster_manager.sim.cloudformation import CloudFormationBackend
from ecs_cluster_manager.sim.s3 import S3Backend
from ecs_cluster_manager.sim.ssm import SsmBackend


@dataclass(frozen=True)
class DeploymentServices:
    s3: S3Backend
    ssm: SsmBackend
    cloudformation: CloudFormationBackend


def add_deployment_services(account: SimAccount) -> DeploymentServices:
    services = DeploymentServices(
        s3=S3Backend(account.clock, account.region),
        ssm=SsmBackend(account.clock, account.region, account.account_id),
        cloudformation=CloudFormationBackend(account),
    )
    account.add_service("s3", services.s3)
    account.add_service("ssm", services.ssm)
    account.add_service("cloudformation", services.cloudformation)
    return services
