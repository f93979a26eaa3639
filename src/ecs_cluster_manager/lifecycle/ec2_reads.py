"""The one EC2 read a wake-up makes: the instance's state, launch time and our tags."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .aws import is_instance_not_found
from .drain_record import PREFIX, tags_by_key

# Auto Scaling tags every instance it launches with its group's name (Amazon EC2 Auto Scaling User
# Guide, "Tag Auto Scaling groups and instances"): a free answer to "is this one of ours?".
GROUP_TAG = "aws:autoscaling:groupName"


@dataclass(frozen=True)
class Ec2Instance:
    state: str | None  # None: EC2 does not know the instance
    launch_time: float | None = None
    tags: dict[str, str] = field(default_factory=dict)  # our `ecm:` tags only
    group: str | None = None  # the Auto Scaling group that launched it, when tagged

    @property
    def exists(self) -> bool:
        return self.state not in (None, "terminated")


def describe_instance(ec2: Any, instance_id: str) -> Ec2Instance:
    try:
        response = ec2.describe_instances(InstanceIds=[instance_id])
    except Exception as error:
        if is_instance_not_found(error):
            return Ec2Instance(state=None)
        raise
    for reservation in response.get("Reservations", []):
        for raw in reservation.get("Instances", []):
            launched = raw.get("LaunchTime")
            every = tags_by_key(raw.get("Tags", []))
            return Ec2Instance(
                state=raw.get("State", {}).get("Name"),
                launch_time=launched.timestamp() if isinstance(launched, datetime) else None,
                tags={k: v for k, v in every.items() if k.startswith(PREFIX)},
                group=every.get(GROUP_TAG),
            )
    return Ec2Instance(state=None)
