"""The CloudFormation API around a deployed stack: responses in botocore's output shapes
(the fixture checks every response), capabilities, templates from S3, and deletion."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_cluster_manager.sim.project_stack import CAPABILITIES, ProjectStack
from ecs_cluster_manager.template import default_template_path


def test_describe_calls_answer_in_the_real_output_shapes(deployed: ProjectStack) -> None:
    cfn, name = deployed.cloudformation, deployed.stack_name
    stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert outputs["ClusterName"] == deployed.parameter("EcsClusterName")
    assert outputs["AutoScalingGroupName"] == f"{name}-ecs"
    events = cfn.describe_stack_events(StackName=name)["StackEvents"]
    assert events[0]["ResourceStatus"] == "CREATE_COMPLETE"  # newest first
    assert events[0]["LogicalResourceId"] == name
    resources = cfn.describe_stack_resources(StackName=name)["StackResources"]
    assert {r["ResourceStatus"] for r in resources} == {"CREATE_COMPLETE"}
    summaries = cfn.list_stack_resources(StackName=stack["StackId"])["StackResourceSummaries"]
    assert len(summaries) == len(resources)
    group = cfn.describe_stack_resource(StackName=name, LogicalResourceId="EcsAutoScalingGroup")
    assert group["StackResourceDetail"]["PhysicalResourceId"] == f"{name}-ecs"
    assert "Resources" in cfn.get_template(StackName=name)["TemplateBody"]


def test_iam_resources_need_the_iam_capability(stack: ProjectStack) -> None:
    body = default_template_path().read_text(encoding="utf-8")
    with pytest.raises(ClientError) as error:
        stack.cloudformation.create_stack(StackName="no-caps", TemplateBody=body,
                                          Parameters=stack.parameters)
    assert error.value.response["Error"]["Code"] == "InsufficientCapabilitiesException"
    assert error.value.response["Error"]["Message"] == "Requires capabilities : [CAPABILITY_IAM]"


def test_a_template_in_s3_deploys_and_a_stack_name_is_unique(stack: ProjectStack) -> None:
    stack.s3.put_object(Bucket=stack.parameter("DeploymentS3Bucket"), Key="ecs-cluster.yaml",
                        Body=default_template_path().read_bytes())
    url = f"https://{stack.parameter('DeploymentS3Bucket')}.s3.amazonaws.com/ecs-cluster.yaml"
    kwargs: dict[str, Any] = {"StackName": stack.stack_name, "TemplateURL": url,
                              "Parameters": stack.parameters, "Capabilities": CAPABILITIES}
    stack.stack_id = stack.cloudformation.create_stack(**kwargs)["StackId"]
    stack.ecs.set_default_cluster(stack.parameter("EcsClusterName"))  # as ProjectStack.create
    with pytest.raises(ClientError) as error:
        stack.cloudformation.create_stack(**kwargs)
    assert error.value.response["Error"]["Code"] == "AlreadyExistsException"
    assert stack.wait() == "CREATE_COMPLETE"


def test_delete_removes_the_resources_it_created(deployed: ProjectStack) -> None:
    account = deployed.account
    deployed.cloudformation.delete_stack(StackName=deployed.stack_name)
    assert deployed.wait() == "DELETE_COMPLETE"
    assert account.autoscaling.groups == {}
    assert account.lambda_.functions == {}
    assert account.events.rules == {}
    with pytest.raises(ClientError) as error:
        deployed.cloudformation.describe_stacks(StackName=deployed.stack_name)
    assert "does not exist" in error.value.response["Error"]["Message"]


def test_list_stacks_shows_deleted_ones_and_filters_by_status(deployed: ProjectStack) -> None:
    cfn = deployed.cloudformation
    deployed.cloudformation.delete_stack(StackName=deployed.stack_name)
    assert deployed.wait() == "DELETE_COMPLETE"
    summaries = cfn.list_stacks()["StackSummaries"]
    assert [(s["StackName"], s["StackStatus"]) for s in summaries] == [
        (deployed.stack_name, "DELETE_COMPLETE")]
    assert "DeletionTime" in summaries[0]
    assert cfn.list_stacks(StackStatusFilter=["CREATE_COMPLETE"])["StackSummaries"] == []


def test_validate_template_reports_parameters_and_the_iam_capability(stack: ProjectStack) -> None:
    body = default_template_path().read_text(encoding="utf-8")
    validated = stack.cloudformation.validate_template(TemplateBody=body)
    assert validated["Capabilities"] == ["CAPABILITY_IAM"]
    assert "AWS::IAM::Role" in validated["CapabilitiesReason"]
    keys = {p["ParameterKey"]: p for p in validated["Parameters"]}
    assert set(keys) >= {p["ParameterKey"] for p in stack.parameters}
    assert keys["EcsAmiParameterKey"]["DefaultValue"] == "/ami/ecs/latest"
    assert keys["EcsAmiParameterKey"]["NoEcho"] is False
    with pytest.raises(ClientError) as error:
        stack.cloudformation.validate_template(TemplateBody="{}")
    assert error.value.response["Error"]["Code"] == "ValidationError"
