"""The real template creates and updates in moto's CloudFormation, with both parameter files.

moto ignores lifecycle hooks and rolling updates (shared/research/moto-and-tooling-probe.md);
what this proves is the wiring: parameter types, references, conditions, resolved names.

The prerequisites the spec asks for are created first (AMI parameter, bucket with the zips,
and for the original file its role, instance profile and key pair). Only SubnetIds and
SecurityGroupIds are swapped for moto's, because those ids name one account's resources.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from ecs_cluster_manager.lifecycle.config import ENV_VARS, load_config
from ecs_cluster_manager.packaging import write_packages

from .conftest import DEV_EXAMPLE, ORIGINAL_COMPLETED, TEMPLATE_PATH, parameter_file

STACK = "ecs-dev"
REGION = "us-east-1"
FAKE_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION}  # fmt: skip


@dataclass
class Deployment:
    """What the stack looked like after create and after each update (read inside moto)."""

    file: str
    given: dict[str, str]
    amis: list[str]
    created: dict[str, Any] = field(default_factory=dict)
    updated: dict[str, Any] = field(default_factory=dict)
    resized: dict[str, Any] = field(default_factory=dict)


def client(service: str) -> Any:
    return boto3.client(service, region_name=REGION)


def prepare_account(values: dict[str, str], zips: Path) -> list[str]:
    """The spec's prerequisites plus a network; returns two AMI ids (current and next)."""
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")[
            "Subnet"
        ]["SubnetId"]
        for i, az in ((1, "a"), (2, "b"))
    ]
    group = ec2.create_security_group(GroupName="ecs", Description="ecs", VpcId=vpc)["GroupId"]
    values["SubnetIds"], values["SecurityGroupIds"] = ",".join(subnets), group

    amis = [image["ImageId"] for image in ec2.describe_images(Owners=["amazon"])["Images"][:2]]
    client("ssm").put_parameter(
        Name="/ami/ecs/latest", Value=amis[0], Type="String", DataType="aws:ec2:image"
    )
    s3 = client("s3")
    s3.create_bucket(Bucket=values["DeploymentS3Bucket"])
    for built, key in zip(
        write_packages(zips),
        (values.get("LifecycleLaunchFunctionZip"), values.get("LifecycleTerminateFunctionZip")),
        strict=True,
    ):
        s3.upload_file(str(built.path), values["DeploymentS3Bucket"], key or built.path.name)

    iam = client("iam")
    if values.get("LambdaFunctionRole"):
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                 "Principal": {"Service": "lambda.amazonaws.com"}}]}  # fmt: skip
        iam.create_role(RoleName=values["LambdaFunctionRole"], AssumeRolePolicyDocument=json.dumps(trust))
    if values.get("IamRoleInstanceProfile"):
        iam.create_instance_profile(InstanceProfileName=values["IamRoleInstanceProfile"])
    if values.get("KeyName"):
        ec2.create_key_pair(KeyName=values["KeyName"])
    return amis


def as_parameters(values: dict[str, str]) -> list[dict[str, str]]:
    return [{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()]


def deploy(action: str, values: dict[str, str]) -> None:
    cfn = client("cloudformation")
    call = cfn.create_stack if action == "create" else cfn.update_stack
    call(StackName=STACK, TemplateBody=TEMPLATE_PATH.read_text(), Parameters=as_parameters(values),
         Capabilities=["CAPABILITY_IAM"])  # fmt: skip


def snapshot() -> dict[str, Any]:
    """Everything the tests assert on, read back from moto's backends."""
    cfn = client("cloudformation")
    stack = cfn.describe_stacks(StackName=STACK)["Stacks"][0]
    summaries = cfn.list_stack_resources(StackName=STACK)["StackResourceSummaries"]
    physical = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in summaries}
    [group] = client("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=[physical["EcsAutoScalingGroup"]]
    )["AutoScalingGroups"]
    ec2 = client("ec2")
    versions = ec2.describe_launch_template_versions(LaunchTemplateId=physical["LaunchTemplate"])[
        "LaunchTemplateVersions"
    ]
    lam, events = client("lambda"), client("events")
    functions = {
        lid: lam.get_function_configuration(FunctionName=physical[lid])
        for lid in ("LifecycleLaunchFunction", "LifecycleTerminateFunction")
    }
    policies = {
        lid: json.loads(lam.get_policy(FunctionName=physical[lid])["Policy"])["Statement"]
        for lid in functions
    }
    rules = {}
    for lid in ("LaunchLifecycleRule", "TerminateLifecycleRule", "LaunchContainerInstanceRule",
                "TerminateContainerInstanceRule", "SweepScheduleRule"):  # fmt: skip
        rule = events.describe_rule(Name=physical[lid])
        targets = events.list_targets_by_rule(Rule=physical[lid])["Targets"]
        rules[lid] = {**rule, "TargetArns": sorted(t["Arn"] for t in targets)}
    log_groups = client("logs").describe_log_groups(logGroupNamePrefix="/ecs-cluster-manager/")
    return {
        "status": stack["StackStatus"],
        "outputs": {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])},
        "resources": {r["LogicalResourceId"]: r["ResourceStatus"] for r in summaries},
        "physical": physical,
        "group": group,
        "versions": sorted(versions, key=lambda v: v["VersionNumber"]),
        "functions": functions,
        "policies": policies,
        "rules": rules,
        "log_groups": {g["logGroupName"]: g.get("retentionInDays") for g in log_groups["logGroups"]},
        "cluster": client("ecs").describe_clusters(clusters=[physical["EcsCluster"]])["clusters"][0],
    }


@pytest.fixture(scope="module", params=[DEV_EXAMPLE, ORIGINAL_COMPLETED], ids=["dev", "original"])
def deployment(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    values = parameter_file(request.param)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in FAKE_ENV.items():
            patch.setenv(name, value)
        with mock_aws():
            amis = prepare_account(values, tmp_path_factory.mktemp("zips"))
            result = Deployment(file=request.param.name, given=dict(values), amis=amis)
            deploy("create", values)
            result.created = snapshot()
            # Update 1: pin another AMI through another SSM parameter (the spec's "specific
            # AMI" case) and change a function setting. (A same-path update after the SSM value
            # changed re-resolves on AWS; moto only re-resolves when the parameter value changes.)
            client("ssm").put_parameter(
                Name="/ami/ecs/pinned", Value=amis[1], Type="String", DataType="aws:ec2:image"
            )
            deploy("update", {**values, "EcsAmiParameterKey": "/ami/ecs/pinned", "DrainTimeoutSeconds": "5000"})
            result.updated = snapshot()
            # Update 2: scale out (the spec's "Lifecycle updates (scale in/out)").
            deploy("update", {**values, "ClusterSize": "3"})
            result.resized = snapshot()
            yield result


def test_stack_creates_with_every_resource(deployment: Deployment) -> None:
    created = deployment.created
    assert created["status"] == "CREATE_COMPLETE"
    assert created["resources"], "no resources listed"
    assert set(created["resources"].values()) == {"CREATE_COMPLETE"}
    roles_given = bool(deployment.given.get("LambdaFunctionRole"))
    assert ("LifecycleFunctionRole" in created["resources"]) is not roles_given
    profile_given = bool(deployment.given.get("IamRoleInstanceProfile"))
    assert ("EcsInstanceProfile" in created["resources"]) is not profile_given


def test_group_is_named_sized_and_launched(deployment: Deployment) -> None:
    group, given = deployment.created["group"], deployment.given
    assert group["AutoScalingGroupName"] == f"{STACK}-ecs"
    assert deployment.created["outputs"]["AutoScalingGroupName"] == f"{STACK}-ecs"
    assert group["MinSize"] == group["DesiredCapacity"] == int(given["ClusterSize"])
    assert group["MaxSize"] == int(given["ClusterMaxSize"])
    assert len(group["Instances"]) == int(given["ClusterSize"])
    assert group["LaunchTemplate"]["LaunchTemplateId"] == deployment.created["physical"]["LaunchTemplate"]
    assert set(group["VPCZoneIdentifier"].split(",")) == set(given["SubnetIds"].split(","))


def test_launch_template_resolved_the_ami_and_settings(deployment: Deployment) -> None:
    data = deployment.created["versions"][-1]["LaunchTemplateData"]
    assert data["ImageId"] == deployment.amis[0]
    assert data["InstanceType"] == deployment.given["EcsInstanceType"]
    assert data["MetadataOptions"]["HttpTokens"] == "required"
    [volume] = data["BlockDeviceMappings"]
    assert volume["Ebs"]["VolumeSize"] == int(deployment.given["EbsVolumeSize"])
    assert (volume["Ebs"]["VolumeType"], volume["Ebs"]["Encrypted"]) == ("gp3", True)
    assert ("KeyName" in data) is bool(deployment.given.get("KeyName"))
    user_data = base64.b64decode(data["UserData"]).decode()
    assert f"ECS_CLUSTER={deployment.given['EcsClusterName']}" in user_data.splitlines()
    profile = data["IamInstanceProfile"]["Name"]
    expected = deployment.given.get("IamRoleInstanceProfile") or deployment.created["physical"]["EcsInstanceProfile"]
    assert profile == expected


def test_functions_get_a_configuration_the_functions_accept(deployment: Deployment) -> None:
    given = deployment.given
    envs = [fn["Environment"]["Variables"] for fn in deployment.created["functions"].values()]
    assert envs[0] == envs[1]
    assert sorted(envs[0]) == sorted(ENV_VARS)
    config = load_config({k: str(v) for k, v in envs[0].items()})
    assert config.cluster == given["EcsClusterName"] == deployment.created["cluster"]["clusterName"]
    assert config.asg_name == deployment.created["group"]["AutoScalingGroupName"]
    assert (config.launch_hook, config.terminate_hook) == (f"{STACK}-launch-hook", f"{STACK}-terminate-hook")
    assert (config.stack_name, config.asg_logical_id) == (STACK, "EcsAutoScalingGroup")
    assert config.heartbeat_timeout_s == int(given.get("LifecycleHookHeartbeatTimeout", "3600"))


def test_functions_run_the_contract_handlers_with_the_right_role(deployment: Deployment) -> None:
    functions = deployment.created["functions"]
    launch, terminate = functions["LifecycleLaunchFunction"], functions["LifecycleTerminateFunction"]
    assert launch["Handler"] == "ecs_cluster_manager.lifecycle.launch.handler"
    assert terminate["Handler"] == "ecs_cluster_manager.lifecycle.terminate.handler"
    for fn in functions.values():
        assert (fn["Runtime"], fn["Timeout"], fn["MemorySize"]) == ("python3.12", 60, 256)
        role = deployment.given.get("LambdaFunctionRole")
        if role:
            assert fn["Role"].endswith(f":role/{role}")
        else:
            assert fn["Role"].endswith(f":role/{deployment.created['physical']['LifecycleFunctionRole']}")


def test_rules_target_the_functions_with_resolved_patterns(deployment: Deployment) -> None:
    rules = deployment.created["rules"]
    fn_arn = {lid: fn["FunctionArn"] for lid, fn in deployment.created["functions"].items()}
    launch, terminate = fn_arn["LifecycleLaunchFunction"], fn_arn["LifecycleTerminateFunction"]
    assert rules["LaunchLifecycleRule"]["TargetArns"] == [launch]
    assert rules["TerminateLifecycleRule"]["TargetArns"] == [terminate]
    assert rules["LaunchContainerInstanceRule"]["TargetArns"] == [launch]
    assert rules["TerminateContainerInstanceRule"]["TargetArns"] == [terminate]
    assert rules["SweepScheduleRule"]["TargetArns"] == sorted([launch, terminate])
    launch_pattern = json.loads(rules["LaunchLifecycleRule"]["EventPattern"])
    assert launch_pattern["detail"] == {
        "AutoScalingGroupName": [f"{STACK}-ecs"], "LifecycleHookName": [f"{STACK}-launch-hook"]
    }
    for lid in ("LaunchContainerInstanceRule", "TerminateContainerInstanceRule"):
        ecs_pattern = json.loads(rules[lid]["EventPattern"])
        assert ecs_pattern["detail"]["clusterArn"] == [deployment.created["outputs"]["ClusterArn"]]
    assert rules["SweepScheduleRule"]["ScheduleExpression"] == "rate(1 minute)"


def test_each_function_may_be_invoked_only_by_its_rules(deployment: Deployment) -> None:
    rules = deployment.created["rules"]
    for lid, fn in deployment.created["functions"].items():
        expected = {r["Arn"] for r in rules.values() if fn["FunctionArn"] in r["TargetArns"]}
        statements = deployment.created["policies"][lid]
        sources = {s["Condition"]["ArnLike"]["AWS:SourceArn"] for s in statements}
        assert sources == expected
        assert len(statements) == len(expected) == 3
        assert {s["Principal"]["Service"] for s in statements} == {"events.amazonaws.com"}


def test_log_groups_have_the_retention(deployment: Deployment) -> None:
    retention = int(deployment.given.get("LogRetentionInDays", "30"))
    assert deployment.created["log_groups"] == {
        f"/ecs-cluster-manager/{STACK}/launch": retention,
        f"/ecs-cluster-manager/{STACK}/terminate": retention,
    }


def test_update_rolls_the_launch_template_onto_the_new_ami(deployment: Deployment) -> None:
    updated = deployment.updated
    assert updated["status"] == "UPDATE_COMPLETE"
    assert [v["LaunchTemplateData"]["ImageId"] for v in updated["versions"]][-1] == deployment.amis[1]
    assert len(updated["versions"]) == len(deployment.created["versions"]) + 1
    env = updated["functions"]["LifecycleLaunchFunction"]["Environment"]["Variables"]
    assert str(env["ECM_DRAIN_TIMEOUT_S"]) == "5000"


def test_scale_out_update_changes_the_group(deployment: Deployment) -> None:
    resized = deployment.resized
    assert resized["status"] == "UPDATE_COMPLETE"
    assert resized["group"]["DesiredCapacity"] == resized["group"]["MinSize"] == 3
    assert resized["group"]["AutoScalingGroupName"] == f"{STACK}-ecs"
