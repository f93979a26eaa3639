"""Structural promises of the template: hooks, policies, launch template, functions, rules, IAM."""

from __future__ import annotations

import base64
import importlib
import re
from typing import Any

import pytest

from ecs_cluster_manager.lifecycle import config as lifecycle_config
from ecs_cluster_manager.template import (
    ASG_LOGICAL_ID,
    function_settings,
    lifecycle_hooks,
    parameter_defaults,
    resolve,
    rule_patterns,
)

from .conftest import ORIGINAL_PARAMETERS

STACK = "ecs-dev"
PSEUDO = {"AWS::StackName": STACK, "AWS::Region": "us-east-1", "AWS::AccountId": "123456789012",
          "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com"}  # fmt: skip
ASG_NAME = f"{STACK}-ecs"
LAUNCH_FN = "LifecycleLaunchFunction"
TERMINATE_FN = "LifecycleTerminateFunction"


def of_type(resources: dict[str, Any], type_name: str) -> dict[str, Any]:
    return {lid: r for lid, r in resources.items() if r["Type"] == type_name}


def references(value: Any) -> set[str]:
    """Logical ids a value points at through Ref, GetAtt or ${Name} inside Sub."""
    found: set[str] = set()
    if isinstance(value, list):
        for item in value:
            found |= references(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "Ref":
                found.add(item)
            elif key == "Fn::GetAtt":
                found.add(item[0])
            elif key == "Fn::Sub":
                text = item if isinstance(item, str) else item[0]
                found |= {part.split("}")[0].split(".")[0] for part in text.split("${")[1:]}
                found |= references(item)
            else:
                found |= references(item)
    return found


# --- Parameters ----------------------------------------------------------------------------


def test_original_parameters_keep_their_names(template: dict[str, Any]) -> None:
    assert set(ORIGINAL_PARAMETERS) <= set(template["Parameters"])


def test_ami_parameter_is_ssm_typed_and_defaults_to_the_original_path(
    template: dict[str, Any],
) -> None:
    spec = template["Parameters"]["EcsAmiParameterKey"]
    assert spec["Type"] == "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"
    assert spec["Default"] == "/ami/ecs/latest"


@pytest.mark.parametrize("name", ["LambdaFunctionRole", "IamRoleInstanceProfile", "KeyName"])
def test_roles_and_key_are_optional(template: dict[str, Any], name: str) -> None:
    assert template["Parameters"][name]["Default"] == ""


def test_new_parameters_offer_exactly_what_the_functions_accept(template: dict[str, Any]) -> None:
    params = template["Parameters"]
    assert set(params["DrainTimeoutResult"]["AllowedValues"]) == set(lifecycle_config.RESULTS)
    assert set(params["StabilityScope"]["AllowedValues"]) == set(lifecycle_config.SCOPES)
    assert set(params["StandaloneTaskPolicy"]["AllowedValues"]) == set(
        lifecycle_config.STANDALONE_POLICIES
    )
    heartbeat = params["LifecycleHookHeartbeatTimeout"]
    assert (heartbeat["MinValue"], heartbeat["MaxValue"]) == (
        lifecycle_config.HEARTBEAT_MIN_S,
        lifecycle_config.HEARTBEAT_MAX_S,
    )
    assert params["LaunchRequiredAttributes"]["Default"] == ""
    assert params["LaunchRequireHealthOk"]["AllowedValues"] == ["true", "false"]


def test_defaults_match_the_functions_defaults(template: dict[str, Any]) -> None:
    defaults = parameter_defaults(template)
    built = lifecycle_config.Config(cluster="c", asg_name="a", launch_hook="l", terminate_hook="t")
    assert int(defaults["LifecycleHookHeartbeatTimeout"]) == built.heartbeat_timeout_s == 3600
    assert int(defaults["LaunchTimeoutSeconds"]) == built.launch_timeout_s
    assert int(defaults["DrainTimeoutSeconds"]) == built.drain_timeout_s
    assert defaults["DrainTimeoutResult"] == built.drain_timeout_result
    assert defaults["StabilityScope"] == built.stability_scope
    assert defaults["StandaloneTaskPolicy"] == built.standalone_policy
    assert int(defaults["StandaloneTaskGraceSeconds"]) == built.standalone_grace_s
    assert defaults["RollingUpdateBatchSize"] == "1"
    assert defaults["ContainerInsights"] == "enabled"


def test_every_parameter_is_grouped_and_labelled_once(template: dict[str, Any]) -> None:
    interface = template["Metadata"]["AWS::CloudFormation::Interface"]
    grouped = [name for group in interface["ParameterGroups"] for name in group["Parameters"]]
    assert sorted(grouped) == sorted(template["Parameters"])
    assert set(interface["ParameterLabels"]) == set(template["Parameters"])


def test_a_rule_refuses_a_max_size_that_leaves_no_room_for_a_rolling_update(
        template: dict[str, Any]) -> None:
    """UpdatePolicy: MinInstancesInService (ClusterSize) must be less than MaxSize."""
    [rule] = template["Rules"].values()
    [assertion] = rule["Assertions"]
    assert "RuleCondition" not in rule
    assert assertion["Assert"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "ClusterSize"}, {"Ref": "ClusterMaxSize"}]}]}
    assert "ClusterMaxSize must be greater than ClusterSize" in assertion["AssertDescription"]
    policy = template["Resources"][ASG_LOGICAL_ID]["UpdatePolicy"]["AutoScalingRollingUpdate"]
    assert policy["MinInstancesInService"] == {"Ref": "ClusterSize"}


# --- Auto Scaling group, hooks and policies ------------------------------------------------


def test_group_declares_both_hooks_with_timeout_parameter_and_abandon(
    template: dict[str, Any], resources: dict[str, Any]
) -> None:
    hooks = {hook.transition: hook for hook in lifecycle_hooks(template)}
    assert set(hooks) == {"autoscaling:EC2_INSTANCE_LAUNCHING", "autoscaling:EC2_INSTANCE_TERMINATING"}
    for hook in hooks.values():
        assert hook.heartbeat_timeout == {"Ref": "LifecycleHookHeartbeatTimeout"}
        assert hook.default_result == "ABANDON"
    names = {t: resolve(h.name, PSEUDO) for t, h in hooks.items()}
    assert names["autoscaling:EC2_INSTANCE_LAUNCHING"] == f"{STACK}-launch-hook"
    assert names["autoscaling:EC2_INSTANCE_TERMINATING"] == f"{STACK}-terminate-hook"
    # Separate hook resources would attach after the first instances launched.
    assert not of_type(resources, "AWS::AutoScaling::LifecycleHook")


def test_group_has_an_explicit_name_and_uses_the_latest_launch_template_version(
    resources: dict[str, Any],
) -> None:
    group = resources[ASG_LOGICAL_ID]["Properties"]
    assert resolve(group["AutoScalingGroupName"], PSEUDO) == ASG_NAME
    assert group["LaunchTemplate"]["Version"] == {
        "Fn::GetAtt": ["LaunchTemplate", "LatestVersionNumber"]
    }
    assert group["MinSize"] == group["DesiredCapacity"] == {"Ref": "ClusterSize"}
    assert group["MaxSize"] == {"Ref": "ClusterMaxSize"}
    assert not of_type(resources, "AWS::AutoScaling::LaunchConfiguration")


def test_creation_policy_waits_for_one_signal_per_instance(resources: dict[str, Any]) -> None:
    signal = resources[ASG_LOGICAL_ID]["CreationPolicy"]["ResourceSignal"]
    assert signal["Count"] == {"Ref": "ClusterSize"}
    assert signal["Timeout"] == "PT1H"


def test_rolling_update_policy(resources: dict[str, Any]) -> None:
    rolling = resources[ASG_LOGICAL_ID]["UpdatePolicy"]["AutoScalingRollingUpdate"]
    assert rolling["MaxBatchSize"] == {"Ref": "RollingUpdateBatchSize"}
    assert rolling["MinInstancesInService"] == {"Ref": "ClusterSize"}
    assert rolling["WaitOnResourceSignals"] is True
    assert rolling["PauseTime"] == "PT1H"
    assert set(rolling["SuspendProcesses"]) == {
        "HealthCheck", "ReplaceUnhealthy", "AZRebalance", "AlarmNotification", "ScheduledActions"
    }  # fmt: skip


def test_group_waits_for_functions_rules_and_permissions(resources: dict[str, Any]) -> None:
    needed = set(of_type(resources, "AWS::Lambda::Function"))
    needed |= set(of_type(resources, "AWS::Events::Rule"))
    needed |= set(of_type(resources, "AWS::Lambda::Permission"))
    assert needed <= set(resources[ASG_LOGICAL_ID]["DependsOn"])


def test_nothing_the_group_depends_on_refers_back_to_it(resources: dict[str, Any]) -> None:
    # A reference from a function, rule or policy to the group would be a dependency cycle.
    for logical_id in resources[ASG_LOGICAL_ID]["DependsOn"]:
        assert ASG_LOGICAL_ID not in references(resources[logical_id]), logical_id
    assert ASG_LOGICAL_ID not in references(resources["LifecycleFunctionRole"])


# --- Launch template ------------------------------------------------------------------------


def test_launch_template_requires_imdsv2_and_encrypted_gp3(resources: dict[str, Any]) -> None:
    data = resources["LaunchTemplate"]["Properties"]["LaunchTemplateData"]
    assert data["ImageId"] == {"Ref": "EcsAmiParameterKey"}
    assert data["MetadataOptions"]["HttpTokens"] == "required"
    [volume] = data["BlockDeviceMappings"]
    assert volume["Ebs"] == {
        "VolumeSize": {"Ref": "EbsVolumeSize"}, "VolumeType": "gp3", "Encrypted": True,
        "DeleteOnTermination": True,
    }  # fmt: skip
    assert data["KeyName"] == {"Fn::If": ["HasKeyName", {"Ref": "KeyName"}, {"Ref": "AWS::NoValue"}]}


def test_user_data_joins_the_cluster_and_never_signals(resources: dict[str, Any]) -> None:
    user_data = resources["LaunchTemplate"]["Properties"]["LaunchTemplateData"]["UserData"]
    script = user_data["Fn::Base64"]["Fn::Sub"]
    rendered = resolve({"Fn::Sub": script}, {"EcsCluster": "DevCluster"})
    lines = rendered.splitlines()
    assert "ECS_CLUSTER=DevCluster" in lines
    assert "ECS_ENABLE_SPOT_INSTANCE_DRAINING=true" in lines
    # Warm-pool instances must not register while warming (ECS Developer Guide, "Using Amazon
    # EC2 Auto Scaling warm pools": ECS_WARM_POOLS_CHECK=true in the user data).
    assert "ECS_WARM_POOLS_CHECK=true" in lines
    assert "cfn-signal" not in rendered
    assert "ECS_CONTAINER_STOP_TIMEOUT" not in rendered
    assert base64.b64encode(rendered.encode())  # plain ASCII script


def test_instance_profile_is_created_only_when_none_is_given(resources: dict[str, Any]) -> None:
    role = resources["EcsInstanceRole"]
    assert role["Condition"] == resources["EcsInstanceProfile"]["Condition"] == "CreateInstanceProfile"
    arns = [resolve(arn, PSEUDO) for arn in role["Properties"]["ManagedPolicyArns"]]
    assert arns == [
        "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    ]
    profile = resources["LaunchTemplate"]["Properties"]["LaunchTemplateData"]["IamInstanceProfile"]
    assert profile["Name"] == {
        "Fn::If": ["CreateInstanceProfile", {"Ref": "EcsInstanceProfile"}, {"Ref": "IamRoleInstanceProfile"}]
    }  # fmt: skip


# --- Functions ------------------------------------------------------------------------------


def test_functions_follow_the_contract(template: dict[str, Any]) -> None:
    functions = function_settings(template)
    assert functions[LAUNCH_FN].handler == "ecs_cluster_manager.lifecycle.launch.handler"
    assert functions[TERMINATE_FN].handler == "ecs_cluster_manager.lifecycle.terminate.handler"
    for setting in functions.values():
        assert setting.runtime in {"python3.12", "python3.13"}
        assert setting.architectures == ("arm64",)
        assert setting.timeout == 60
        assert setting.memory == 256


@pytest.mark.parametrize("function", [LAUNCH_FN, TERMINATE_FN])
def test_handlers_exist(template: dict[str, Any], function: str) -> None:
    module_name, _, attribute = function_settings(template)[function].handler.rpartition(".")
    assert callable(getattr(importlib.import_module(module_name), attribute))


def test_both_functions_get_exactly_the_configuration_variables(template: dict[str, Any]) -> None:
    functions = function_settings(template)
    launch_env, terminate_env = functions[LAUNCH_FN].environment, functions[TERMINATE_FN].environment
    assert launch_env == terminate_env
    assert sorted(launch_env) == sorted(lifecycle_config.ENV_VARS)
    assert launch_env["ECM_ASG_LOGICAL_ID"] == ASG_LOGICAL_ID
    assert launch_env["ECM_STACK_NAME"] == {"Ref": "AWS::StackName"}
    hooks = lifecycle_hooks(template)
    assert launch_env["ECM_HEARTBEAT_TIMEOUT_S"] == hooks[0].heartbeat_timeout


def test_default_environment_is_accepted_by_the_functions(template: dict[str, Any]) -> None:
    values = {**parameter_defaults(template), **PSEUDO, "EcsCluster": "DevCluster"}
    env = resolve(function_settings(template)[LAUNCH_FN].environment, values)
    config = lifecycle_config.load_config({k: str(v) for k, v in env.items()})
    assert (config.cluster, config.asg_name) == ("DevCluster", ASG_NAME)
    assert (config.launch_hook, config.terminate_hook) == (f"{STACK}-launch-hook", f"{STACK}-terminate-hook")
    assert config.signals_stack
    assert config.launch_required_attributes == ()
    group = resolve(template["Resources"][ASG_LOGICAL_ID]["Properties"]["AutoScalingGroupName"], PSEUDO)
    hook_names = {resolve(h.name, PSEUDO) for h in lifecycle_hooks(template)}
    assert group == config.asg_name
    assert hook_names == {config.launch_hook, config.terminate_hook}


def test_functions_log_to_their_own_groups_with_retention(resources: dict[str, Any]) -> None:
    for function, group in ((LAUNCH_FN, "LaunchLogGroup"), (TERMINATE_FN, "TerminateLogGroup")):
        properties = resources[function]["Properties"]
        assert properties["LoggingConfig"]["LogGroup"] == {"Ref": group}
        assert resources[group]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionInDays"}


def test_function_role_is_created_only_when_none_is_given(resources: dict[str, Any]) -> None:
    assert resources["LifecycleFunctionRole"]["Condition"] == "CreateFunctionRole"
    for function in (LAUNCH_FN, TERMINATE_FN):
        role = resources[function]["Properties"]["Role"]
        condition, created, given = role["Fn::If"]
        assert condition == "CreateFunctionRole"
        assert created == {"Fn::GetAtt": ["LifecycleFunctionRole", "Arn"]}
        plain = {**PSEUDO, "LambdaFunctionRole": "LambdaECSScalingRole", "LambdaFunctionRolePath": "/"}
        assert resolve(given, plain) == "arn:aws:iam::123456789012:role/LambdaECSScalingRole"
        with_path = {**plain, "LambdaFunctionRole": "ecs-dev-lifecycle", "LambdaFunctionRolePath": "/team/"}
        assert resolve(given, with_path) == "arn:aws:iam::123456789012:role/team/ecs-dev-lifecycle"


@pytest.mark.parametrize(("name", "value", "accepted"), [
    ("LambdaFunctionRole", "", True),
    ("LambdaFunctionRole", "ecs-dev-lifecycle", True),
    ("LambdaFunctionRole", "team/ecs-dev-lifecycle", False),  # IAM::Policy Roles take a bare name
    ("LambdaFunctionRole", "arn:aws:iam::123456789012:role/x", False),
    ("LambdaFunctionRolePath", "/", True),
    ("LambdaFunctionRolePath", "/team/", True),
    ("LambdaFunctionRolePath", "/a/b/", True),
    ("LambdaFunctionRolePath", "team/", False),
    ("LambdaFunctionRolePath", "/team", False),
])
def test_role_name_and_path_follow_iam_syntax(template: dict[str, Any], name: str, value: str,
                                              accepted: bool) -> None:
    pattern = template["Parameters"][name]["AllowedPattern"]
    assert bool(re.fullmatch(pattern, value)) is accepted


# --- Rules and permissions ------------------------------------------------------------------


def test_five_rules_route_to_the_right_functions(template: dict[str, Any]) -> None:
    rules = rule_patterns(template)
    assert {lid: set(rule.targets) for lid, rule in rules.items()} == {
        "LaunchLifecycleRule": {LAUNCH_FN},
        "TerminateLifecycleRule": {TERMINATE_FN},
        "LaunchContainerInstanceRule": {LAUNCH_FN},
        "TerminateContainerInstanceRule": {TERMINATE_FN},
        "SweepScheduleRule": {LAUNCH_FN, TERMINATE_FN},
    }
    assert rules["SweepScheduleRule"].schedule_expression == "rate(1 minute)"
    assert rules["SweepScheduleRule"].event_pattern is None


def test_one_permission_per_rule_and_function_scoped_to_that_rule(
    template: dict[str, Any], resources: dict[str, Any]
) -> None:
    wanted = {(lid, fn) for lid, rule in rule_patterns(template).items() for fn in rule.targets}
    granted = set()
    for permission in of_type(resources, "AWS::Lambda::Permission").values():
        properties = permission["Properties"]
        assert properties["Principal"] == "events.amazonaws.com"
        assert properties["Action"] == "lambda:InvokeFunction"
        rule, attribute = properties["SourceArn"]["Fn::GetAtt"]
        assert attribute == "Arn"
        granted.add((rule, properties["FunctionName"]["Ref"]))
    assert granted == wanted
    assert len(of_type(resources, "AWS::Lambda::Permission")) == len(wanted)


# --- IAM ------------------------------------------------------------------------------------

READ_ONLY_PREFIXES = ("Describe", "List", "Get")


def statements(resources: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = resources["LifecycleFunctionPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    return found


def test_function_policy_is_attached_to_the_role_in_use_created_or_brought(resources: dict[str, Any]) -> None:
    """The original sample's role lacks SignalResource, CreateTags and StopTask: attach ours to it too."""
    policy = resources["LifecycleFunctionPolicy"]
    assert "Condition" not in policy
    assert policy["Properties"]["Roles"] == [
        {"Fn::If": ["CreateFunctionRole", {"Ref": "LifecycleFunctionRole"}, {"Ref": "LambdaFunctionRole"}]}]
    assert "Policies" not in resources["LifecycleFunctionRole"]["Properties"]
    assert "LifecycleFunctionPolicy" in resources["EcsAutoScalingGroup"]["DependsOn"]
    actions = {a for st in statements(resources) for a in as_list(st["Action"])}
    assert {"cloudformation:SignalResource", "ec2:CreateTags", "ecs:StopTask"} <= actions


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_no_mutating_action_on_every_resource(resources: dict[str, Any]) -> None:
    for statement in statements(resources):
        assert statement["Effect"] == "Allow"
        if "*" in as_list(statement["Resource"]):
            for action in as_list(statement["Action"]):
                assert action.split(":")[1].startswith(READ_ONLY_PREFIXES), statement["Sid"]


def test_role_grants_exactly_what_the_functions_call(resources: dict[str, Any]) -> None:
    granted = {action for s in statements(resources) for action in as_list(s["Action"])}
    assert granted == {
        "autoscaling:CompleteLifecycleAction", "autoscaling:RecordLifecycleActionHeartbeat",
        "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances",
        "ecs:ListContainerInstances", "ecs:DescribeContainerInstances",
        "ecs:UpdateContainerInstancesState", "ecs:ListTasks", "ecs:DescribeTasks", "ecs:StopTask",
        "ecs:ListServices", "ecs:DescribeServices", "ec2:DescribeInstances", "ec2:CreateTags",
        "cloudformation:SignalResource", "logs:CreateLogStream", "logs:PutLogEvents",
        "lambda:InvokeFunction", "ecs:DeregisterContainerInstance",
    }  # fmt: skip


def test_functions_may_invoke_only_themselves(resources: dict[str, Any]) -> None:
    """The sweep's fan-out invokes the running function; nothing else may be invoked."""
    statement = by_action(resources, "lambda:InvokeFunction")
    assert as_list(statement["Action"]) == ["lambda:InvokeFunction"]
    assert statement["Resource"] == [{"Fn::GetAtt": ["LifecycleLaunchFunction", "Arn"]},
                                     {"Fn::GetAtt": ["LifecycleTerminateFunction", "Arn"]}]


def by_action(resources: dict[str, Any], action: str) -> dict[str, Any]:
    [statement] = [s for s in statements(resources) if action in as_list(s["Action"])]
    return statement


def test_lifecycle_actions_only_on_this_group(resources: dict[str, Any]) -> None:
    statement = by_action(resources, "autoscaling:CompleteLifecycleAction")
    arn = resolve(statement["Resource"], PSEUDO)
    assert arn == (
        "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:*:"
        f"autoScalingGroupName/{ASG_NAME}"
    )


def test_ecs_actions_only_on_this_cluster(resources: dict[str, Any]) -> None:
    values = {**PSEUDO, "EcsCluster": "DevCluster"}
    cluster_arn = "arn:aws:ecs:us-east-1:123456789012:cluster/DevCluster"
    attributes = {"EcsCluster.Arn": cluster_arn}
    for statement in statements(resources):
        actions = as_list(statement["Action"])
        if not any(a.startswith("ecs:") for a in actions):
            continue
        scoped = [resolve(r, values, attributes) for r in as_list(statement["Resource"])]
        if scoped == ["*"]:
            assert resolve(statement["Condition"], values, attributes) == {
                "ArnEquals": {"ecs:cluster": cluster_arn}
            }
            continue
        for arn in scoped:
            assert arn == cluster_arn or arn.split(":")[-1].split("/")[1] == "DevCluster", arn


def test_create_tags_only_on_this_groups_instances_and_ecm_keys(resources: dict[str, Any]) -> None:
    statement = by_action(resources, "ec2:CreateTags")
    assert resolve(statement["Resource"], PSEUDO).endswith(":instance/*")
    condition = resolve(statement["Condition"], PSEUDO)
    assert condition["StringEquals"] == {"aws:ResourceTag/aws:autoscaling:groupName": ASG_NAME}
    assert condition["ForAllValues:StringLike"] == {"aws:TagKeys": ["ecm:*"]}


def test_signal_only_this_stack_and_log_only_own_groups(resources: dict[str, Any]) -> None:
    assert by_action(resources, "cloudformation:SignalResource")["Resource"] == {"Ref": "AWS::StackId"}
    assert by_action(resources, "logs:PutLogEvents")["Resource"] == [
        {"Fn::GetAtt": ["LaunchLogGroup", "Arn"]},
        {"Fn::GetAtt": ["TerminateLogGroup", "Arn"]},
    ]


# --- Outputs and scanner suppressions ---------------------------------------------------------


def test_outputs_name_cluster_group_functions_and_logs(template: dict[str, Any]) -> None:
    assert {
        "ClusterName", "ClusterArn", "AutoScalingGroupName", "LaunchFunctionArn",
        "TerminateFunctionArn", "LaunchLogGroupName", "TerminateLogGroupName",
    } <= set(template["Outputs"])  # fmt: skip


def test_every_checkov_skip_is_justified(resources: dict[str, Any]) -> None:
    for logical_id, resource in resources.items():
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            assert skip["id"].startswith("CKV_"), logical_id
            assert len(skip["comment"].split()) >= 8, f"{logical_id} {skip['id']}: say why"


@pytest.mark.parametrize(
    ("role", "service"),
    [("EcsInstanceRole", "ec2.amazonaws.com"), ("LifecycleFunctionRole", "lambda.amazonaws.com")],
)
def test_roles_trust_only_their_service(resources: dict[str, Any], role: str, service: str) -> None:
    [statement] = resources[role]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement == {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
