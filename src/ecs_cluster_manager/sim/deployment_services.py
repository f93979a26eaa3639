"""Add S3, SSM Parameter Store, CloudWatch Logs, CloudFormation and EC2's catalogue (VPC,
subnets, security group, key pair, AMIs, instance type offerings) to a simulated account, so
that a template and its artefacts deploy into it the way a user deploys them on AWS, the
parameters can be checked against what the account has, and the functions' output can be read
back from their log groups.

    account = SimAccount()
    services = add_deployment_services(account)
    account.client("cloudformation").create_stack(...)
"""

from __future__ import annotations

from dataclasses import dataclass

from botocore.handlers import parse_get_bucket_location

from ecs_cluster_manager.sim.account import SimAccount
from ecs_cluster_manager.sim.cloudformation import CloudFormationBackend
from ecs_cluster_manager.sim.ec2.catalogue import Catalogue, default_catalogue
from ecs_cluster_manager.sim.ec2.catalogue_api import CatalogueBackend, Ec2WithCatalogue
from ecs_cluster_manager.sim.logs import LambdaLogSink, LogsBackend
from ecs_cluster_manager.sim.s3 import S3Backend
from ecs_cluster_manager.sim.ssm import SsmBackend


@dataclass(frozen=True)
class DeploymentServices:
    s3: S3Backend
    ssm: SsmBackend
    cloudformation: CloudFormationBackend
    logs: LogsBackend
    catalogue: Catalogue


def add_deployment_services(account: SimAccount) -> DeploymentServices:
    services = DeploymentServices(
        s3=S3Backend(account.clock, account.region),
        ssm=SsmBackend(account.clock, account.region, account.account_id),
        cloudformation=CloudFormationBackend(account),
        logs=LogsBackend(account.clock, account.region, account.account_id),
        catalogue=default_catalogue(account.region, account.account_id),
    )
    account.add_service("s3", services.s3)
    # botocore parses GetBucketLocation's XML body in an after-call handler; the simulator
    # answers already parsed, with no body, so that handler has nothing to read.
    account.session.events.unregister("after-call.s3.GetBucketLocation",
                                      handler=parse_get_bucket_location)
    account.add_service("ssm", services.ssm)
    account.add_service("cloudformation", services.cloudformation)
    account.add_service("logs", services.logs)
    account.add_service("ec2", Ec2WithCatalogue(account.ec2, CatalogueBackend(services.catalogue)))
    account.lambda_.listeners.append(LambdaLogSink(services.logs, account.clock, account.ids))
    return services
