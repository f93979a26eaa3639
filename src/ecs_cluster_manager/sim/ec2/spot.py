"""Spot interruptions: the two-minute warning event, then EC2 reclaims the instance.

Follows "Spot Instance interruption notices"
(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html):
EC2 emits "EC2 Spot Instance Interruption Warning" two minutes before it stops or terminates the
instance, with `instance-action` and a resource ARN in the page's own format,
`arn:aws:ec2:<availability-zone>:instance/<id>` ("This format differs from the EC2 resource ARN
format"). The warning is best effort (it can be dropped like any best-effort event), and "a
lifecycle hook does not prevent Spot reclamation": the instance is terminated outside Auto
Scaling, which notices only through its health checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_cluster_manager.sim.ec2.instances import Instance

if TYPE_CHECKING:
    from ecs_cluster_manager.sim.ec2.backend import Ec2Backend

WARNING_S = 120.0
# The state reason EC2 gives an instance it reclaims
# (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_StateReason.html).
RECLAIMED = "Server.SpotInstanceTermination: Spot instance termination"


def interrupt(ec2: Ec2Backend, instance: Instance, warning_s: float = WARNING_S) -> None:
    """Announce the interruption now and terminate the instance `warning_s` later."""
    arn = f"arn:aws:ec2:{instance.availability_zone}:instance/{instance.instance_id}"
    ec2.publish("aws.ec2", "EC2 Spot Instance Interruption Warning",
                {"instance-id": instance.instance_id, "instance-action": "terminate"}, [arn])
    ec2.clock.call_later(warning_s, lambda: ec2.terminate(instance, RECLAIMED))
