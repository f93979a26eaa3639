"""A function role brought by the user, with or without an IAM path, as IAM accepts it."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from ecs_cluster_manager.sim.project_stack import ProjectStack, example_parameters


def _with(**values: str) -> list[dict[str, str]]:
    parameters = [p for p in example_parameters() if p["ParameterKey"] not in values]
    return parameters + [{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()]


def test_a_role_name_with_a_path_is_refused_with_what_to_do(stack: ProjectStack) -> None:
    stack.parameters = _with(LambdaFunctionRole="team/ecs-dev-lifecycle")
    with pytest.raises(ClientError) as raised:
        stack.create()
    message = raised.value.response["Error"]["Message"]
    assert "LambdaFunctionRole" in message and "LambdaFunctionRolePath" in message


def test_a_role_with_a_path_is_used_by_arn_and_given_the_policy_by_name(stack: ProjectStack) -> None:
    stack.parameters = _with(LambdaFunctionRole="ecs-dev-lifecycle", LambdaFunctionRolePath="/team/")
    stack.create()
    assert stack.wait() == "CREATE_COMPLETE"
    functions = stack.account.client("lambda")
    for output in ("LaunchFunctionArn", "TerminateFunctionArn"):
        role = functions.get_function(FunctionName=stack.output(output))["Configuration"]["Role"]
        assert role == "arn:aws:iam::123456789012:role/team/ecs-dev-lifecycle"
    resources = {r["LogicalResourceId"]: r["ResourceStatus"] for r in stack.cloudformation
                 .describe_stack_resources(StackName=stack.stack_name)["StackResources"]}
    assert "LifecycleFunctionRole" not in resources  # the user's role is used, none is created
    assert resources["LifecycleFunctionPolicy"] == "CREATE_COMPLETE"  # attached by bare name


def test_iam_refuses_a_path_in_a_policy_s_role_names(stack: ProjectStack) -> None:
    """AWS::IAM::Policy attaches by role name; IAM's own pattern refuses `team/name`."""
    body = {"Resources": {"Policy": {"Type": "AWS::IAM::Policy", "Properties": {
        "PolicyName": "p", "Roles": ["team/ecs-dev-lifecycle"],
        "PolicyDocument": {"Version": "2012-10-17", "Statement": []}}}}}
    stack.cloudformation.create_stack(StackName="iam", TemplateBody=json.dumps(body),
                                      Capabilities=["CAPABILITY_IAM"])
    stack.account.clock.run_until_true(lambda: not stack.services.cloudformation.busy("iam"), 600)
    described = stack.cloudformation.describe_stacks(StackName="iam")["Stacks"][0]
    assert described["StackStatus"] == "ROLLBACK_COMPLETE"
    events = stack.cloudformation.describe_stack_events(StackName="iam")["StackEvents"]
    failed = [e["ResourceStatusReason"] for e in events if e["ResourceStatus"] == "CREATE_FAILED"]
    assert any("Member must satisfy regular expression pattern" in r for r in failed)
