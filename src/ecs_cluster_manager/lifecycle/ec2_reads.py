"""The one EC2 read a wake-up makes: the instance's state, launch time and our tags."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .aws import is_instance_not_found
from .drain_record import PREFIX, tags_by_key


@dataclass(frozen=True)
class Ec2Instance:
    state: str | None  # None: EC2 does not know the instance
    launch_time: float | None = None
    tags: dict[str, str] = field(default_factory=dict)  # our `ecm:` tags only

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
            tags = {k: v for k, v in tags_by_key(raw.get("Tags", [])).items() if k.startswith(PREFIX)}
            return Ec2Instance(
                state=raw.get("State", {}).get("Name"),
                launch_time=launched.timestamp() if isinstance(launched, datetime) else None,
                tags=tags,
            )
    return Ec2Instance(state=None)
