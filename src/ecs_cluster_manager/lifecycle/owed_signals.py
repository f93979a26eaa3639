"""Signals the stack is still owed: a launch completed, its SUCCESS signal failed.

The launch gate completes a ready instance's action first and signals CloudFormation right after
(decide_launch.py). The completion is Auto Scaling's own check that the action was ours and
waiting, so the signal needs no look of its own, and CloudFormation's request rate (assumed 2
per second, see the simulator's ratelimits.py) no longer holds the completions back. A signal
that fails after the completion (still throttled after its retries, or any other error) tags
the instance `ecm:signal-owed` (act.py) before the wake-up ends. The launch sweep finds such
instances in service with one DescribeInstances (tag filters, "List and filter your resources"
in the Amazon EC2 User Guide) and hands them to a chain. A link's ids are untrusted, but the tag
is not: only our functions write `ecm:` tags (IAM), and this one only after Auto Scaling
accepted the completion. So a link looks at the instance (no Auto Scaling call, which the
completions need), and if it is of our group and still tagged, signals SUCCESS if it is still
ready as the gate means it, and clears the tag. CloudFormation keeps one signal per UniqueId,
so a repeated one counts once. What this does not cover: a function that dies between the completion and the
signal (a crash within one call's time); the update then waits for the signal until its
PauseTime and rolls back, which `ecm watch` shows.
"""

from __future__ import annotations

from .aws import Clients
from .config import Config
from .decide_launch import LaunchObservation, decide_launch
from .drain_record import SIGNAL_OWED_TAG
from .ec2_reads import GROUP_TAG
from .gate import IN_SERVICE
from .model import Decision, RememberContainerInstance, Signal

OWED_PAGE = 50  # instances looked for per sweep; more are found on the following minutes


def owed(clients: Clients, config: Config, states: dict[str, str]) -> list[str]:
    """Instances of the group, in service, tagged as still owed a signal (one call)."""
    if not config.signals_stack:
        return []
    response = clients.ec2.describe_instances(MaxResults=OWED_PAGE, Filters=[
        {"Name": f"tag:{GROUP_TAG}", "Values": [config.asg_name]},
        {"Name": f"tag:{SIGNAL_OWED_TAG}", "Values": ["?*"]},  # a cleared tag is empty
        {"Name": "instance-state-name", "Values": ["running"]},
    ])
    found = [i["InstanceId"] for r in response.get("Reservations", []) for i in r.get("Instances", [])]
    return [i for i in found if states.get(i) == IN_SERVICE]


def finish(obs: LaunchObservation, config: Config) -> Decision:
    """What an instance in service that still carries the launch-wait tag is owed."""
    if not obs.signal_owed or obs.group != config.asg_name:  # the ids of a chain are untrusted
        return Decision("ignored", "not an instance of the group tagged as owed a signal")
    ci = obs.container_instance
    clear = (*obs.stale_tags, SIGNAL_OWED_TAG)
    if ci is not None and decide_launch(obs, config).decision == "continue":
        return Decision("signalled", "in service and ready: the SUCCESS signal its launch still owed",
                        (Signal("SUCCESS", obs.now), RememberContainerInstance(ci.arn, clear)))
    return Decision("forgotten", "in service but no longer ready: no signal",
                    (RememberContainerInstance("", clear),))
