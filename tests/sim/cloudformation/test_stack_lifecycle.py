"""The project's template deployed into the simulated account and updated as a user would:
creation waits for ECS readiness through signals, a new AMI rolls the group, ClusterSize
changes in place, a launch that never joins rolls back, and a cancelled update rolls back."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from ecs_cluster_manager.sim.ecs import StopCause
from ecs_cluster_manager.sim.project_stack import ProjectStack
from tests.sim.cloudformation.conftest import AMI_1, AMI_2, AMI_BAD
from tests.sim.cloudformation.helpers import group, images, reasons, settle, start_service, statuses


def test_creation_completes_only_after_each_instance_joined_ecs(stack: ProjectStack) -> None:
    stack.create()
    stack.account.clock.run_for(5)
    assert stack.status() == "CREATE_IN_PROGRESS"
    assert stack.wait() == "CREATE_COMPLETE"
    signals = [r for r in reasons(stack, "EcsAutoScalingGroup") if r.startswith("Received")]
    members = set(images(stack))
    assert sorted(signals) == sorted(f"Received SUCCESS signal with UniqueId {i}" for i in members)
    for instance_id in members:
        joined = stack.ecs.container_instance_for(instance_id)
        assert joined is not None and joined.status == "ACTIVE" and joined.agent_connected
    assert not stack.services.cloudformation.crashes


def test_instances_join_the_cluster_their_launch_template_user_data_names(stack: ProjectStack) -> None:
    """No default cluster is configured: only the template's user data (ECS_CLUSTER=...) can
    have put the agents into the stack's cluster."""
    assert stack.ecs.agents.default_cluster != stack.parameter("EcsClusterName")
    stack.create()
    assert stack.wait() == "CREATE_COMPLETE"
    for instance_id in images(stack):
        joined = stack.ecs.container_instance_for(instance_id)
        assert joined is not None and joined.cluster.rsplit("/", 1)[-1] == stack.parameter("EcsClusterName")


def test_functions_run_the_uploaded_zip_and_unmodelled_types_are_recorded(
        deployed: ProjectStack) -> None:
    functions = deployed.account.lambda_.functions
    bucket = deployed.parameter("DeploymentS3Bucket")
    uploaded = deployed.services.s3.object_bytes(bucket, "ecs-lifecycle-hook-launch.zip")
    assert [f.zip_bytes == uploaded for f in functions.values()] == [True, True]
    assert "Not modelled by the ecm simulator: recorded only" in reasons(deployed, "EcsInstanceRole")
    stacks = deployed.cloudformation.describe_stacks(StackName=deployed.stack_name)["Stacks"]
    ami = next(p for p in stacks[0]["Parameters"] if p["ParameterKey"] == "EcsAmiParameterKey")
    assert (ami["ParameterValue"], ami["ResolvedValue"]) == ("/ami/ecs/latest", AMI_1)


def test_an_agent_that_never_joins_fails_creation_and_rolls_back(stack: ProjectStack) -> None:
    stack.publish_ami(AMI_BAD, agent_never_connects=True)
    stack.create()
    assert stack.wait() == "ROLLBACK_COMPLETE"
    # With call latency the two failures need not land together: the first already fails it.
    assert any(re.fullmatch(r"Received [12] FAILURE signal\(s\) out of 2\. Unable to satisfy "
                            r"100% MinSuccessfulInstancesPercent requirement", reason)
               for reason in reasons(stack, "EcsAutoScalingGroup"))
    assert stack.account.autoscaling.groups == {}


def test_unchanged_update_without_a_new_ami_has_nothing_to_do(deployed: ProjectStack) -> None:
    with pytest.raises(ClientError) as error:
        deployed.update()
    assert error.value.response["Error"]["Message"] == "No updates are to be performed."


def test_a_new_ami_rolls_every_instance_without_killing_a_task(deployed: ProjectStack) -> None:
    start_service(deployed)
    settle(deployed, 0.2)
    before = set(images(deployed))
    deployed.publish_ami(AMI_2)
    deployed.update()
    assert deployed.wait() == "UPDATE_COMPLETE"
    assert any(r.startswith("Rolling update initiated. Terminating 2 obsolete instance(s)")
               for r in reasons(deployed, "EcsAutoScalingGroup"))
    settle(deployed)
    after = images(deployed)
    assert set(after).isdisjoint(before) and set(after.values()) == {AMI_2}
    assert group(deployed)["LaunchTemplate"]["Version"] == "2"
    killed = [s for s in deployed.ecs.task_stops() if s.cause == StopCause.INSTANCE_TERMINATED]
    assert killed == []


def test_cluster_size_change_scales_in_place_without_a_rolling_update(
        deployed: ProjectStack) -> None:
    before = set(images(deployed))
    deployed.update(ClusterSize="3")
    assert deployed.wait() == "UPDATE_COMPLETE"
    assert not any("Rolling update" in r for r in reasons(deployed))
    settle(deployed, 0.5)
    described = group(deployed)
    assert (described["MinSize"], described["DesiredCapacity"]) == (3, 3)
    assert before < set(images(deployed))
    assert [i["LifecycleState"] for i in described["Instances"]] == ["InService"] * 3


def test_a_launch_that_never_joins_rolls_back_to_the_previous_template_and_size(
        deployed: ProjectStack) -> None:
    before = images(deployed)
    deployed.publish_ami(AMI_BAD, agent_never_connects=True)
    deployed.update()
    assert deployed.wait() == "UPDATE_ROLLBACK_COMPLETE"
    assert "Received 1 FAILURE signal(s) out of 1. Unable to satisfy 100% " \
        "MinSuccessfulInstancesPercent requirement" in reasons(deployed, "EcsAutoScalingGroup")
    assert statuses(deployed, deployed.stack_name)[-3:] == [
        "UPDATE_ROLLBACK_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
        "UPDATE_ROLLBACK_COMPLETE"]
    settle(deployed)
    described = group(deployed)
    assert described["LaunchTemplate"]["Version"] == "1"
    assert (described["MinSize"], described["DesiredCapacity"]) == (2, 2)
    assert images(deployed) == before


def test_a_cancelled_update_rolls_back_and_replaces_what_it_launched(
        deployed: ProjectStack) -> None:
    deployed.publish_ami(AMI_2)
    deployed.update()
    deployed.account.clock.run_until_true(
        lambda: any("Terminating instance(s)" in r for r in reasons(deployed)), 3600)
    deployed.cancel_update()
    assert deployed.wait() == "UPDATE_ROLLBACK_COMPLETE"
    assert "Stack update cancelled" in reasons(deployed, deployed.stack_name)
    assert "Resource update cancelled" in reasons(deployed, "EcsAutoScalingGroup")
    settle(deployed)
    assert set(images(deployed).values()) == {AMI_1}
    with pytest.raises(ClientError) as error:
        deployed.cancel_update()
    assert "CancelUpdateStack cannot be called" in error.value.response["Error"]["Message"]


def test_signal_outside_a_wait_is_a_validation_error(deployed: ProjectStack) -> None:
    with pytest.raises(ClientError) as error:
        deployed.cloudformation.signal_resource(
            StackName=deployed.stack_name, LogicalResourceId="EcsAutoScalingGroup",
            UniqueId="i-0123456789abcdef0", Status="SUCCESS")
    assert error.value.response["Error"]["Code"] == "ValidationError"
