"""Act: carry out a decision's actions, each idempotent, in the order the decision lists them.

Order matters for crash safety: the drain record is written before DRAINING is set, a FAILURE
signal is sent before the ABANDON, and a SUCCESS signal after the CONTINUE only while the
launch-wait tag marks it as owed (owed_signals.py), so a crash between two steps leaves something
a later wake-up repeats harmlessly rather than a step that is lost.
A completion or heartbeat that Auto Scaling refuses (no action of ours waiting) ends the list:
what follows it (remembering the container instance, clearing the wait's timing tags) belongs
to an action that is not there, and could undo another action's tags (a drain's, say).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from botocore.exceptions import ClientError

from .aws import Clients, error_code, error_message, is_no_active_action
from .config import Config
from .drain_record import (
    CONTAINER_INSTANCE_TAG,
    HEARTBEAT_TAG,
    LAUNCH_WAIT_TAG,
    SIGNAL_OWED_TAG,
    compact_tags,
    epoch_value,
    record_to_tags,
)
from .model import (
    Action,
    Complete,
    Heartbeat,
    RecordDrainStart,
    RememberContainerInstance,
    RememberLaunchWait,
    SetDraining,
    Signal,
    StopTasks,
)

# EC2 allows 50 tags per resource (Amazon EC2 User Guide, "Tag your Amazon EC2 resources") and
# answers CreateTags beyond that with this code (Amazon EC2 API Reference, "Error codes").
TAG_LIMIT_EXCEEDED = "TagLimitExceeded"


@dataclass
class Outcome:
    """What acting did, for the log line."""

    done: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    refused: bool = False  # Auto Scaling found no action of ours waiting for a completion or heartbeat


@dataclass(frozen=True)
class ActionContext:
    clients: Clients
    config: Config
    hook: str
    instance_id: str


def _complete(ctx: ActionContext, action: Complete, outcome: Outcome) -> None:
    try:
        ctx.clients.autoscaling.complete_lifecycle_action(
            LifecycleHookName=ctx.hook, AutoScalingGroupName=ctx.config.asg_name,
            LifecycleActionResult=action.result, InstanceId=ctx.instance_id)
        outcome.done.append(f"completed {action.result}")
    except ClientError as error:
        if not is_no_active_action(error):
            raise
        outcome.refused = True
        outcome.notes.append("no active lifecycle action: already completed")


def _tag(ctx: ActionContext, tags: list[dict[str, str]], done: str, outcome: Outcome) -> None:
    """A best-effort tag: losing it costs a lookup or an early heartbeat later, never safety."""
    try:
        ctx.clients.ec2.create_tags(Resources=[ctx.instance_id], Tags=tags)
        outcome.done.append(done)
    except ClientError as error:
        outcome.notes.append(f"could not tag instance: {error_code(error)}")


def _heartbeat(ctx: ActionContext, action: Heartbeat, outcome: Outcome) -> None:
    try:
        ctx.clients.autoscaling.record_lifecycle_action_heartbeat(
            LifecycleHookName=ctx.hook, AutoScalingGroupName=ctx.config.asg_name,
            InstanceId=ctx.instance_id)
        outcome.done.append("heartbeat")
    except ClientError as error:
        if not is_no_active_action(error):
            raise
        outcome.refused = True
        outcome.notes.append("no active lifecycle action: nothing to keep alive")
        return
    # The time taken before the call: never later than the heartbeat Auto Scaling counts from.
    _tag(ctx, [{"Key": HEARTBEAT_TAG, "Value": epoch_value(action.at)}], "remembered heartbeat", outcome)


def _signal(ctx: ActionContext, action: Signal, outcome: Outcome) -> None:
    try:
        ctx.clients.cloudformation.signal_resource(
            StackName=ctx.config.stack_name, LogicalResourceId=ctx.config.asg_logical_id,
            UniqueId=ctx.instance_id, Status=action.status)
        outcome.done.append(f"signalled {action.status}")
    except ClientError as error:
        # CloudFormation answers ValidationError when the stack is not waiting for signals
        # (no create or rolling update in progress): normal for ordinary scaling.
        code = error_code(error)
        if code == "ValidationError":
            outcome.notes.append(f"no signal expected: {error_message(error)}")
        elif code.startswith("AccessDenied"):
            # Completing the action matters more; the stack will time out waiting and say so.
            outcome.notes.append("not allowed to signal the stack: grant cloudformation:SignalResource")
        else:
            raise


def _signal_or_owe(ctx: ActionContext, action: Signal, outcome: Outcome) -> None:
    """A signal that follows an accepted completion and fails is owed: the instance is tagged so
    that the launch sweep sends it (owed_signals.py), then the error goes on as usual."""
    try:
        _signal(ctx, action, outcome)
    except Exception:
        if any(done.startswith("completed") for done in outcome.done):
            _tag(ctx, [{"Key": SIGNAL_OWED_TAG, "Value": epoch_value(action.at)}], "signal owed", outcome)
        raise


def _remember(ctx: ActionContext, action: RememberContainerInstance, outcome: Outcome) -> None:
    # Saves the drain gate a ListContainerInstances call later, and in the same call clears the
    # timing tags of the wait that ends here, so a later action never counts from them.
    tags = [{"Key": CONTAINER_INSTANCE_TAG, "Value": action.arn}] if action.arn else []
    tags += [{"Key": key, "Value": ""} for key in action.clear]
    if tags:  # an empty ARN only clears
        _tag(ctx, tags, "remembered container instance" if action.arn else "cleared the wait's tags", outcome)


def _record_drain(ctx: ActionContext, action: RecordDrainStart, outcome: Outcome) -> None:
    """The full record, else the compact one when the instance has no room for it.

    Must succeed before DRAINING is set, except when even the compact record finds no room: then
    draining still starts (it only moves tasks away), and the gate, having no record, keeps
    waiting until Auto Scaling's own timeout rather than ever continuing early.
    """
    try:
        ctx.clients.ec2.create_tags(Resources=[ctx.instance_id], Tags=record_to_tags(action.record))
        outcome.done.append("recorded drain start")
        return
    except ClientError as error:
        if error_code(error) != TAG_LIMIT_EXCEEDED:
            raise
    try:
        ctx.clients.ec2.create_tags(Resources=[ctx.instance_id], Tags=compact_tags(action.record))
        outcome.done.append("recorded drain start (compact: EC2 tag limit; every service is checked)")
    except ClientError as error:
        if error_code(error) != TAG_LIMIT_EXCEEDED:
            raise
        outcome.notes.append("no room for the drain record (EC2 tag limit): remove two tags from the "
                             "instance, or the drain waits for the hook's timeout")


def _set_draining(ctx: ActionContext, action: SetDraining, outcome: Outcome) -> None:
    response = ctx.clients.ecs.update_container_instances_state(
        cluster=ctx.config.cluster, containerInstances=[action.arn], status="DRAINING")
    failures = response.get("failures", [])
    if failures:
        outcome.notes.append(f"DRAINING refused: {failures[0].get('reason', 'unknown')}")
    else:
        outcome.done.append("set DRAINING")


def _stop_tasks(ctx: ActionContext, action: StopTasks, outcome: Outcome) -> None:
    for arn in action.arns:
        try:
            ctx.clients.ecs.stop_task(cluster=ctx.config.cluster, task=arn, reason=action.reason[:255])
            outcome.done.append(f"stopped {arn.rsplit('/', 1)[-1]}")
        except ClientError as error:
            # Already stopped or gone, or refused: the task still holds the instance, so the
            # gate keeps waiting and the next wake-up tries again.
            outcome.notes.append(f"could not stop {arn.rsplit('/', 1)[-1]}: {error_code(error)}")


def apply(ctx: ActionContext, actions: tuple[Action, ...]) -> Outcome:
    outcome = Outcome()
    for action in actions:
        if outcome.refused:
            break
        if isinstance(action, Complete):
            _complete(ctx, action, outcome)
        elif isinstance(action, Heartbeat):
            _heartbeat(ctx, action, outcome)
        elif isinstance(action, Signal):
            _signal_or_owe(ctx, action, outcome)
        elif isinstance(action, RememberContainerInstance):
            _remember(ctx, action, outcome)
        elif isinstance(action, RememberLaunchWait):
            tags = [{"Key": LAUNCH_WAIT_TAG, "Value": epoch_value(action.started_at)}]
            _tag(ctx, tags, "remembered launch wait start", outcome)
        elif isinstance(action, RecordDrainStart):
            _record_drain(ctx, action, outcome)
        elif isinstance(action, SetDraining):
            _set_draining(ctx, action, outcome)
        elif isinstance(action, StopTasks):
            _stop_tasks(ctx, action, outcome)
    return outcome
