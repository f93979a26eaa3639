"""Every modelled operation answers in the real service's output shape.

The `account` fixture validates each response against botocore's output shape
(`check_responses=True`); this tour calls every operation the EC2, Auto Scaling, EventBridge and
Lambda backends model, and checks that none was left out.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from ecs_cluster_manager.sim import SimAccount
from ecs_cluster_manager.sim.response_check import response_problems
from tests.sim.builders import group, members

H = "tests.sim.lambda_handlers"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def _ec2_tour(account: SimAccount, ec2: Any) -> None:
    template = ec2.describe_launch_templates()["LaunchTemplates"][0]["LaunchTemplateId"]
    ec2.create_launch_template_version(LaunchTemplateId=template, SourceVersion="1",
                                       LaunchTemplateData={"ImageId": "ami-00000002"})
    ec2.modify_launch_template(LaunchTemplateId=template, DefaultVersion="2")
    ec2.describe_launch_template_versions(LaunchTemplateId=template)
    (instance,) = ec2.run_instances(LaunchTemplate={"LaunchTemplateId": template},
                                    MinCount=1, MaxCount=1)["Instances"]
    instance_id = instance["InstanceId"]
    ec2.create_tags(Resources=[instance_id], Tags=[{"Key": "k", "Value": "v"}])
    ec2.describe_tags()
    ec2.delete_tags(Resources=[instance_id], Tags=[{"Key": "k"}])
    ec2.describe_instances(MaxResults=5)
    ec2.describe_instance_attribute(InstanceId=instance_id, Attribute="userData")
    account.clock.run_for(20)
    ec2.stop_instances(InstanceIds=[instance_id])
    account.clock.run_for(60)
    ec2.start_instances(InstanceIds=[instance_id])
    ec2.terminate_instances(InstanceIds=[instance_id])


def _autoscaling_tour(account: SimAccount, asg: Any) -> None:
    asg.update_auto_scaling_group(AutoScalingGroupName="ecs-asg", MaxSize=8)
    asg.put_lifecycle_hook(AutoScalingGroupName="ecs-asg", LifecycleHookName="extra",
                           LifecycleTransition="autoscaling:EC2_INSTANCE_TERMINATING")
    asg.describe_lifecycle_hooks(AutoScalingGroupName="ecs-asg")
    asg.delete_lifecycle_hook(AutoScalingGroupName="ecs-asg", LifecycleHookName="extra")
    asg.set_desired_capacity(AutoScalingGroupName="ecs-asg", DesiredCapacity=2)
    account.clock.run_for(30)
    first, second = members(asg)
    asg.record_lifecycle_action_heartbeat(AutoScalingGroupName="ecs-asg",
                                          LifecycleHookName="launch-hook", InstanceId=first)
    for instance_id in (first, second):
        asg.complete_lifecycle_action(AutoScalingGroupName="ecs-asg",
                                      LifecycleHookName="launch-hook", InstanceId=instance_id,
                                      LifecycleActionResult="CONTINUE")
    account.clock.run_for(30)
    asg.describe_auto_scaling_instances(InstanceIds=[first])
    asg.terminate_instance_in_auto_scaling_group(InstanceId=first,
                                                 ShouldDecrementDesiredCapacity=True)
    asg.suspend_processes(AutoScalingGroupName="ecs-asg")
    asg.describe_auto_scaling_groups(AutoScalingGroupNames=["ecs-asg"])
    asg.resume_processes(AutoScalingGroupName="ecs-asg")
    asg.describe_scaling_activities(AutoScalingGroupName="ecs-asg")
    asg.put_warm_pool(AutoScalingGroupName="ecs-asg", MinSize=1, PoolState="Running")
    account.clock.run_for(30)
    asg.describe_warm_pool(AutoScalingGroupName="ecs-asg")
    asg.describe_auto_scaling_groups(AutoScalingGroupNames=["ecs-asg"])
    asg.delete_warm_pool(AutoScalingGroupName="ecs-asg", ForceDelete=True)
    asg.delete_auto_scaling_group(AutoScalingGroupName="ecs-asg", ForceDelete=True)


def _events_and_lambda_tour(account: SimAccount) -> None:
    events, functions = account.client("events"), account.client("lambda")
    arn = functions.create_function(FunctionName="echo", Runtime="python3.12",
                                    Handler="app.handler", Role="arn:aws:iam::1:role/r",
                                    Code={"ZipFile": _zip()})["FunctionArn"]
    functions.add_permission(FunctionName="echo", StatementId="events", Action="lambda:Invoke"
                             "Function", Principal="events.amazonaws.com")
    functions.get_function(FunctionName="echo")
    functions.get_function_configuration(FunctionName="echo")
    functions.update_function_configuration(FunctionName="echo", Timeout=30)
    functions.update_function_code(FunctionName="echo", ZipFile=_zip())
    functions.list_functions()
    functions.invoke(FunctionName="echo", Payload=b'{"a": 1}')
    events.put_rule(Name="r", EventPattern=json.dumps({"source": ["x"]}))
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": arn}])
    events.list_targets_by_rule(Rule="r")
    events.describe_rule(Name="r")
    events.list_rules()
    events.disable_rule(Name="r")
    events.enable_rule(Name="r")
    events.put_events(Entries=[{"Source": "x", "DetailType": "d", "Detail": "{}"}])
    events.test_event_pattern(EventPattern='{"source": ["x"]}', Event=json.dumps({
        "id": "1", "source": "x", "detail-type": "d", "account": "1", "region": "r",
        "time": "2026-01-01T00:00:00Z", "resources": [], "detail": {}}))
    account.clock.run_for(5)
    events.remove_targets(Rule="r", Ids=["t"])
    events.delete_rule(Name="r")
    functions.delete_function(FunctionName="echo")


def test_every_modelled_operation_answers_in_its_output_shape(account: SimAccount) -> None:
    ec2, asg = account.client("ec2"), account.client("autoscaling")
    group(asg, ec2, desired=0, hooks=("launch",))
    _ec2_tour(account, ec2)
    _autoscaling_tour(account, asg)
    _events_and_lambda_tour(account)
    called = set(account.metrics.calls)
    for service in ("ec2", "autoscaling", "events", "lambda"):
        modelled = {f"{service}:{op}" for op in account.backends[service].operations}
        assert modelled <= called, f"not exercised: {sorted(modelled - called)}"


def test_the_checker_catches_a_wrong_shape(account: SimAccount) -> None:
    model = account.session.client("autoscaling").meta.service_model.operation_model(
        "DescribeAutoScalingGroups")
    assert response_problems(model, {"AutoScalingGroups": []}) is None
    problems = response_problems(model, {"AutoScalingGroups": [{"MinSize": "1"}]})
    assert problems is not None
    assert "MinSize" in problems
