"""Spot interruptions: the two-minute warning event, then EC2 reclaims the instance.

Follows "Spot Instance interruption notices"
(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html):
EC2 emits "EC2 Spot Instance Interruption Warning" two minutes before it stops or terminates the
instance, with `instance-action` and a resource ARN in the page's own format,
`arn:aws:ec2:<availability-zone>:instance/<id>` ("This format differs from the EC2 resource ARN
format"); `instance-action` is terminate, stop or hibernate. "Hibernation gets the notice but not
two minutes' warning": a hibernate interruption stops the instance at once (modelled as a stop).
The warning is best effort (it can be dropped like any best-effort event), and "a
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
INTERRUPTED = "Server.SpotInstanceShutdown: Spot instance interrupted"


ACTIONS = ("terminate", "stop", "hibernate")


def interrupt(ec2: Ec2Backend, instance: Instance, warning_s: float = WARNING_S,
              action: str = "terminate") -> None:
    """Announce the interruption now and terminate (or stop: "stop", "hibernate") the instance
    `warning_s` later."""
    if action not in ACTIONS:
        raise ValueError(f"instance-action {action!r}: use one of {', '.join(ACTIONS)}")
    arn = f"arn:aws:ec2:{instance.availability_zone}:instance/{instance.instance_id}"
    ec2.publish("aws.ec2", "EC2 Spot Instance Interruption Warning",
                {"instance-id": instance.instance_id, "instance-action": action}, [arn])
    if action == "terminate":
        ec2.clock.call_later(warning_s, lambda: ec2.terminate(instance, RECLAIMED))
    else:
        delay = 0.0 if action == "hibernate" else warning_s
        ec2.clock.call_later(delay, lambda: ec2.stop(instance, INTERRUPTED))
