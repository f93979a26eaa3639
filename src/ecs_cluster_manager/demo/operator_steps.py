"""The demo's steps that a user performs with `ecm`: deploy (with `ecm status` shown while a
drain waits) and logs."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from ecs_cluster_manager.demo.operator import Operator
from ecs_cluster_manager.demo.phases import OperatorSteps


def _live_tasks_on_draining_instance(operator: Operator) -> bool:
    project = operator.project
    for group in project.account.autoscaling.groups.values():
        for member in group.instances.values():
            if (member.state == "Terminating:Wait"
                    and project.ecs.tasks_on_instance(member.instance_id)):
                return True
    return False


def _status_once_while_draining(operator: Operator) -> None:
    def check() -> None:
        if _live_tasks_on_draining_instance(operator):
            operator.after_sleep.remove(check)
            operator.ecm("status", "--stack-name", operator.project.stack_name)

    operator.after_sleep.append(check)


def _ensure_bucket(operator: Operator) -> None:
    """The user's one-time `aws s3 mb` before the first deploy."""
    s3 = operator.clients("s3")
    bucket = operator.parameters["DeploymentS3Bucket"]
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError:
        s3.create_bucket(Bucket=bucket)


def steps(operator: Operator) -> OperatorSteps:
    stack = operator.project.stack_name

    def deploy(args: dict[str, Any]) -> None:
        _ensure_bucket(operator)
        path = operator.parameter_file(**dict(args.get("changes", {})))
        if args.get("status_while_draining"):
            _status_once_while_draining(operator)
        operator.ecm("deploy", "--stack-name", stack, "--parameters", str(path), "--yes",
                     "--poll", "15")

    def logs(args: dict[str, Any]) -> None:
        hook = str(args.get("hook", "terminate"))
        phase = operator.watch.phase
        actions = [a for a in operator.watch.actions.values()
                   if a.phase == phase and a.kind == hook]
        if actions:
            instance = max(actions, key=lambda a: a.start).instance_id
            operator.ecm("logs", "--stack-name", stack, "--instance", instance, "--since", "2h")

    return {"ecm_deploy": deploy, "ecm_logs": logs}
