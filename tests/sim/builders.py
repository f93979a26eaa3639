"""Small builders shared by the simulator tests."""

from __future__ import annotations

import base64
from typing import Any

LAUNCH = "autoscaling:EC2_INSTANCE_LAUNCHING"
TERMINATE = "autoscaling:EC2_INSTANCE_TERMINATING"
USER_DATA = base64.b64encode(b"#!/bin/bash\necho ECS_CLUSTER=main >> /etc/ecs/ecs.config\n").decode()


def launch_template(ec2: Any, name: str = "ecs-nodes", image: str = "ami-00000001",
                    instance_type: str = "m5.large") -> str:
    response = ec2.create_launch_template(
        LaunchTemplateName=name,
        LaunchTemplateData={"ImageId": image, "InstanceType": instance_type,
                            "UserData": USER_DATA})
    return str(response["LaunchTemplate"]["LaunchTemplateId"])


def group(asg: Any, ec2: Any, *, desired: int = 2, hooks: tuple[str, ...] = (),
          heartbeat: int = 300, default_result: str = "ABANDON", name: str = "ecs-asg",
          max_size: int = 10, **extra: Any) -> str:
    """A group on a fresh launch template with the named hooks ("launch"/"terminate")."""
    launch_template(ec2)
    specs = [{"LifecycleHookName": f"{kind}-hook",
              "LifecycleTransition": LAUNCH if kind == "launch" else TERMINATE,
              "HeartbeatTimeout": heartbeat, "DefaultResult": default_result}
             for kind in hooks]
    asg.create_auto_scaling_group(
        AutoScalingGroupName=name, MinSize=0, MaxSize=max_size, DesiredCapacity=desired,
        LaunchTemplate={"LaunchTemplateName": "ecs-nodes", "Version": "$Latest"},
        LifecycleHookSpecificationList=specs, **extra)
    return name


def members(asg: Any, name: str = "ecs-asg") -> dict[str, str]:
    """instance id -> lifecycle state."""
    found = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])
    return {i["InstanceId"]: i["LifecycleState"]
            for i in found["AutoScalingGroups"][0]["Instances"]}
