"""Auto Scaling holds requests to the service-side limits botocore leaves unchecked."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.sim.builders import LAUNCH, group


def _refused(call: Any, **params: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call(**params)
    assert caught.value.response["Error"]["Code"] == "ValidationError"
    return str(caught.value.response["Error"]["Message"])


def test_a_hook_name_over_255_characters_or_off_pattern_is_refused(asg: Any, ec2: Any) -> None:
    group(asg, ec2, desired=0)
    message = _refused(asg.put_lifecycle_hook, AutoScalingGroupName="ecs-asg",
                       LifecycleHookName="h" * 256, LifecycleTransition=LAUNCH)
    assert message.startswith("1 validation error detected: Value 'hhh")
    assert message.endswith("at 'lifecycleHookName' failed to satisfy constraint: Member must "
                            "have length less than or equal to 255")
    message = _refused(asg.put_lifecycle_hook, AutoScalingGroupName="ecs-asg",
                       LifecycleHookName="drain hook", LifecycleTransition=LAUNCH)
    assert "Member must satisfy regular expression pattern: [A-Za-z0-9\\-_\\/]+" in message
    asg.put_lifecycle_hook(AutoScalingGroupName="ecs-asg", LifecycleHookName="h" * 255,
                           LifecycleTransition=LAUNCH)


def test_metadata_and_group_names_are_bounded_and_errors_are_counted(asg: Any,
                                                                     ec2: Any) -> None:
    group(asg, ec2, desired=0)
    message = _refused(asg.put_lifecycle_hook, AutoScalingGroupName="g" * 256,
                       LifecycleHookName="ok", LifecycleTransition=LAUNCH,
                       NotificationMetadata="m" * 4001)
    assert message.startswith("2 validation errors detected: ")
    assert "at 'autoScalingGroupName'" in message and "at 'notificationMetadata'" in message
    assert "less than or equal to 4000" in message


def test_nested_specifications_and_tokens_are_checked(asg: Any, ec2: Any) -> None:
    message = _refused(
        asg.create_auto_scaling_group, AutoScalingGroupName="g", MinSize=0, MaxSize=1,
        LaunchTemplate={"LaunchTemplateName": "ecs-nodes"},
        LifecycleHookSpecificationList=[{"LifecycleHookName": "bad name!",
                                         "LifecycleTransition": LAUNCH}])
    assert "at 'lifecycleHookSpecificationList.member.1.lifecycleHookName'" in message
    group(asg, ec2, desired=0)
    message = _refused(asg.complete_lifecycle_action, AutoScalingGroupName="ecs-asg",
                       LifecycleHookName="h", LifecycleActionResult="CONTINUE",
                       LifecycleActionToken="t" * 37)
    assert "at 'lifecycleActionToken'" in message and "less than or equal to 36" in message


def test_metadata_outside_printable_ascii_is_refused(asg: Any, ec2: Any) -> None:
    group(asg, ec2, desired=0)
    message = _refused(asg.put_lifecycle_hook, AutoScalingGroupName="ecs-asg",
                       LifecycleHookName="ok", LifecycleTransition=LAUNCH,
                       NotificationMetadata="caf\u00e9")
    assert "at 'notificationMetadata'" in message and "regular expression pattern" in message


def test_eventbridge_rule_names_are_held_to_their_pattern_and_length(events: Any) -> None:
    for name, constraint in (("r" * 65, "less than or equal to 64"),
                             ("has space", "regular expression pattern")):
        with pytest.raises(ClientError) as caught:
            events.put_rule(Name=name, ScheduleExpression="rate(5 minutes)")
        error = caught.value.response["Error"]
        assert error["Code"] == "ValidationException"
        assert "at 'name'" in error["Message"] and constraint in error["Message"]
