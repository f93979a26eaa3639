"""Add S3, SSM Parameter Store, CloudWatch Logs and CloudFormation to a simulated account, so
that a template and its artefacts deploy into it the way a user deploys them on AWS, and the
functions' output can be read back from their log groups.

    account = SimAccount()
    services = add_deployment_services(account)
    account.client("cloudformation").create_stack(...)
"""

from __future__ import annotations

from dataclasses import dataclass

from ecs_cluster_manager.sim.account import SimAccount
from ecs_cluster_manager.sim.cloudformation import CloudFormationBackend
from ecs_cluster_manager.sim.logs import LambdaLogSink, LogsBackend
from ecs_cluster_manager.sim.s3 import S3Backend
from ecs_cluster_manager.sim.ssm import SsmBackend


@dataclass(frozen=True)
class DeploymentServices:
    s3: S3Backend
    ssm: SsmBackend
    cloudformation: CloudFormationBackend
    logs: LogsBackend


def add_deployment_services(account: SimAccount) -> DeploymentServices:
    services = DeploymentServices(
        s3=S3Backend(account.clock, account.region),
        ssm=SsmBackend(account.clock, account.region, account.account_id),
        cloudformation=CloudFormationBackend(account),
        logs=LogsBackend(account.clock, account.ids, account.region, account.account_id),
    )
    account.add_service("s3", services.s3)
    account.add_service("ssm", services.ssm)
    account.add_service("cloudformation", services.cloudformation)
    account.add_service("logs", services.logs)
    account.lambda_.listeners.append(LambdaLogSink(services.logs, account.clock, account.ids))
    return services
