"""`ecm hook`, `ecm cancel`, `ecm delete` and AWS errors, against the simulated account."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from ecs_cluster_manager.cli.main import main
from ecs_cluster_manager.demo import workloads
from ecs_cluster_manager.demo.clients import simulated_factory
from ecs_cluster_manager.sim.errors import AwsError
from ecs_cluster_manager.sim.project_stack import ProjectStack
from tests.cli.harness import Ecm, held_instances, run_until_held

BAD_AMI = "ami-0badbadbadbad0003"


def roll_onto_bad_ami(project: ProjectStack) -> str:
    project.publish_ami(BAD_AMI, agent_never_connects=True)
    project.update()
    return run_until_held(project, "Pending:Wait")


def test_heartbeat_then_abandon_a_held_launch(ecm: Ecm, project: ProjectStack) -> None:
    instance = roll_onto_bad_ami(project)
    ran = ecm("hook", "heartbeat", "--stack-name", "ecm-dev", instance)
    assert ran.code == 0, ran.err
    assert ran.out.strip() == (f"{instance}: ecm-dev-launch-hook extended (heartbeat) "
                               "(was Pending:Wait)")
    assert ecm("hook", "abandon", "--stack-name", "ecm-dev", instance).code == 0
    project.account.clock.run_for(30)
    assert instance not in held_instances(project, "Pending:Wait")


def test_continue_on_terminate_refuses_while_tasks_run(ecm: Ecm, project: ProjectStack) -> None:
    ecs = project.account.client("ecs")
    workloads.start(ecs, project.account.client("elbv2"), project.parameter("EcsClusterName"))
    project.account.clock.run_for(300)
    victim = next(iter(project.account.autoscaling.groups["ecm-dev-ecs"].instances))
    project.account.client("autoscaling").terminate_instance_in_auto_scaling_group(
        InstanceId=victim, ShouldDecrementDesiredCapacity=False)
    assert run_until_held(project, "Terminating:Wait") == victim
    project.account.clock.run_for(5)  # draining: the web tasks wait out their delay
    refused = ecm("hook", "continue", "--stack-name", "ecm-dev", victim)
    assert refused.code == 1
    assert "task(s) not STOPPED" in refused.err and "pass --force" in refused.err
    assert victim in held_instances(project, "Terminating:Wait")
    assert ecm("hook", "continue", "--force", "--stack-name", "ecm-dev", victim).code == 0
    assert victim not in held_instances(project, "Terminating:Wait")


def test_hook_on_an_instance_in_service(ecm: Ecm, project: ProjectStack) -> None:
    instance = next(iter(project.account.autoscaling.groups["ecm-dev-ecs"].instances))
    ran = ecm("hook", "continue", "--stack-name", "ecm-dev", instance)
    assert ran.code == 1
    assert ran.err.strip() == (f"ecm: {instance} is InService, not held on a lifecycle hook; "
                               "nothing to do.")


def test_cancel_watches_the_rollback(ecm: Ecm, project: ProjectStack) -> None:
    roll_onto_bad_ami(project)
    ran = ecm("cancel", "--stack-name", "ecm-dev", "--poll", "30")
    assert ran.code == 0, ran.err
    assert ran.out.splitlines()[-1] == "ecm-dev: UPDATE_ROLLBACK_COMPLETE, rollout succeeded"
    again = ecm("cancel", "--stack-name", "ecm-dev")
    assert again.code == 1 and "only an update in progress can be cancelled" in again.err


def test_delete_needs_yes_off_a_terminal_then_deletes(ecm: Ecm, project: ProjectStack) -> None:
    refused = ecm("delete", "--stack-name", "ecm-dev")
    assert refused.code == 2 and "pass --yes" in refused.err
    ran = ecm("delete", "--stack-name", "ecm-dev", "--yes")
    assert ran.code == 0, ran.err
    assert ran.out.splitlines()[-1] == "ecm-dev: DELETE_COMPLETE, rollout succeeded"


@pytest.mark.parametrize(("code", "expected"), [
    ("ExpiredToken", "ecm: your AWS credentials have expired (ExpiredToken on DescribeStacks)"),
    ("AccessDenied", "ecm: access denied to DescribeStacks (AccessDenied: not allowed)"),
])
def test_credential_errors_are_one_line(ecm: Ecm, project: ProjectStack, code: str,
                                        expected: str) -> None:
    project.account.faults.throttle("cloudformation:DescribeStacks", calls=1,
                                    error=AwsError(code, "not allowed"))
    ran = ecm("status", "--stack-name", "ecm-dev")
    assert ran.code == 1
    assert ran.err.startswith(expected) and len(ran.err.strip().splitlines()) == 1


def test_debug_shows_the_traceback(project: ProjectStack) -> None:
    project.account.faults.throttle("cloudformation:DescribeStacks", calls=1,
                                    error=AwsError("AccessDenied", "not allowed"))
    with pytest.raises(ClientError):
        main(["--debug", "status", "--stack-name", "ecm-dev"],
             clients_factory=simulated_factory(project.account))


def test_stack_name_from_the_environment(ecm: Ecm, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECM_STACK_NAME", "ecm-dev")
    assert ecm("status").code == 0
    monkeypatch.delenv("ECM_STACK_NAME")
    missing = ecm("status")
    assert missing.code == 2 and "pass --stack-name or set ECM_STACK_NAME" in missing.err


def test_delete_deregisters_a_container_instance_ecs_left_behind(
        ecm: Ecm, project: ProjectStack) -> None:
    """An instance whose agent was disconnected when it was terminated stays registered (ECS
    Developer Guide, "Deregister a container instance") and would block DeleteCluster.

    The terminate function's sweep deregisters such leftovers too; with the sweep switched off
    (as when the functions are broken or were deleted first) `ecm delete` must still clean up."""
    sweep = project.cloudformation.describe_stack_resource(
        StackName="ecm-dev", LogicalResourceId="SweepScheduleRule")["StackResourceDetail"]["PhysicalResourceId"]
    project.account.client("events").disable_rule(Name=sweep)
    victim = next(iter(project.account.autoscaling.groups["ecm-dev-ecs"].instances))
    project.ecs.disconnect_agent(victim)
    project.account.client("ec2").terminate_instances(InstanceIds=[victim])
    project.account.clock.run_for(120)
    ran = ecm("delete", "--stack-name", "ecm-dev", "--yes")
    assert ran.code == 0, ran.err
    assert f"(its instance {victim} is terminated)" in ran.err
    assert ran.out.splitlines()[-1] == "ecm-dev: DELETE_COMPLETE, rollout succeeded"
