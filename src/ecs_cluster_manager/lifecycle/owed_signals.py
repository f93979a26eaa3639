"""Signals the stack is still owed: a launch completed, its SUCCESS signal not yet sent.

The launch gate completes a ready instance's action first and signals CloudFormation after
(decide_launch.py). The completion is Auto Scaling's own check that the action was ours and
waiting, so the signal needs no look of its own, and CloudFormation's request rate (assumed 2
per second, see the simulator's ratelimits.py) no longer holds the completions back. From the
completion until the wake-up clears the launch-wait tag (in the call that remembers the
container instance, after the signal) the signal is owed; a wake-up that ends in between (a
signal still throttled after its retries, a crash) leaves that tag on an instance in service.
The launch sweep finds those with one DescribeInstances (tag filters, "List and filter your
resources" in the Amazon EC2 User Guide) and hands them to a chain whose links check with Auto
Scaling that the instance is in service, look at it again, and signal SUCCESS only if it is
ready as the gate means it (an instance put in service by a timeout or by hand is not), then
clear the tag. CloudFormation keeps one signal per UniqueId, so a repeated one counts once.
"""

from __future__ import annotations

from .aws import Clients
from .config import Config
from .decide_launch import LaunchObservation, decide_launch
from .drain_record import LAUNCH_WAIT_TAG
from .ec2_reads import GROUP_TAG
from .gate import IN_SERVICE
from .model import Decision, RememberContainerInstance, Signal

OWED_PAGE = 50  # instances looked for per sweep; more are found on the following minutes


def owed(clients: Clients, config: Config, states: dict[str, str]) -> list[str]:
    """Instances of the group, in service, that still carry a launch-wait start (one call)."""
    if not config.signals_stack:
        return []
    response = clients.ec2.describe_instances(MaxResults=OWED_PAGE, Filters=[
        {"Name": f"tag:{GROUP_TAG}", "Values": [config.asg_name]},
        {"Name": f"tag:{LAUNCH_WAIT_TAG}", "Values": ["?*"]},  # a cleared tag is empty
        {"Name": "instance-state-name", "Values": ["running"]},
    ])
    found = [i["InstanceId"] for r in response.get("Reservations", []) for i in r.get("Instances", [])]
    return [i for i in found if states.get(i) == IN_SERVICE]


def finish(obs: LaunchObservation, config: Config) -> Decision:
    """What an instance in service that still carries the launch-wait tag is owed."""
    ci = obs.container_instance
    if ci is not None and decide_launch(obs, config).decision == "continue":
        return Decision("signalled", "in service and ready: the SUCCESS signal its launch still owed",
                        (Signal("SUCCESS"), RememberContainerInstance(ci.arn, obs.stale_tags)))
    return Decision("forgotten", "in service but not ready (continued by a timeout or by hand): no signal",
                    (RememberContainerInstance("", obs.stale_tags),))
