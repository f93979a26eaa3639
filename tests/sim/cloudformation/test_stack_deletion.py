"""A resource CloudFormation cannot delete fails the stack's deletion (DELETE_FAILED, the
stack and the resource stay, a retry deletes what is left) and a create rollback
(ROLLBACK_FAILED): here, an ECS cluster that still has a registered container instance."""

from __future__ import annotations

from ecs_cluster_manager.sim.project_stack import ProjectStack
from tests.sim.cloudformation.conftest import AMI_1, AMI_BAD
from tests.sim.cloudformation.helpers import reasons, statuses

REFUSED = "The Cluster cannot be deleted while Container Instances are active or draining."


def join_by_hand(project: ProjectStack) -> str:
    """An instance launched outside the group whose agent joins the stack's cluster."""
    user_data = f"#!/bin/bash\necho ECS_CLUSTER={project.parameter('EcsClusterName')} >> x\n"
    ec2 = project.account.client("ec2")
    instance_id: str = ec2.run_instances(
        ImageId=AMI_1, InstanceType="m5.large", MinCount=1, MaxCount=1,
        UserData=user_data)["Instances"][0]["InstanceId"]
    project.account.clock.run_for(120)
    joined = project.ecs.container_instance_for(instance_id)
    assert joined is not None and joined.status == "ACTIVE"
    return instance_id


def release(project: ProjectStack, instance_id: str) -> None:
    """Terminate the instance and deregister what ECS may leave behind, as `ecm delete` does."""
    project.account.client("ec2").terminate_instances(InstanceIds=[instance_id])
    project.account.clock.run_for(300)
    joined = project.ecs.container_instance_for(instance_id)
    if joined is not None and joined.status != "INACTIVE":
        project.account.client("ecs").deregister_container_instance(
            cluster=project.parameter("EcsClusterName"), containerInstance=joined.arn,
            force=True)


def test_a_cluster_with_a_container_instance_fails_the_deletion(deployed: ProjectStack) -> None:
    stray = join_by_hand(deployed)
    deployed.cloudformation.delete_stack(StackName=deployed.stack_name)
    assert deployed.wait() == "DELETE_FAILED"
    stack = deployed.cloudformation.describe_stacks(StackName=deployed.stack_name)["Stacks"][0]
    assert stack["StackStatusReason"] == "The following resource(s) failed to delete: [EcsCluster]. "
    assert statuses(deployed, "EcsCluster")[-1] == "DELETE_FAILED"
    assert REFUSED in reasons(deployed, "EcsCluster")
    left = deployed.cloudformation.describe_stack_resources(
        StackName=deployed.stack_name)["StackResources"]
    assert [r["LogicalResourceId"] for r in left] == ["EcsCluster"]  # the rest was deleted
    assert deployed.account.autoscaling.groups == {}

    release(deployed, stray)
    deployed.cloudformation.delete_stack(StackName=deployed.stack_name)
    assert deployed.wait() == "DELETE_COMPLETE"


def test_a_create_rollback_that_cannot_delete_the_cluster_fails(stack: ProjectStack) -> None:
    stack.publish_ami(AMI_BAD, agent_never_connects=True)  # the group's instances never join
    stack.create()
    stack.account.clock.run_for(60)  # the cluster exists; the group waits for signals
    join_by_hand(stack)  # AMI_1: this one joins
    assert stack.wait() == "ROLLBACK_FAILED"
    assert stack.services.cloudformation.stack(stack.stack_id).reason == \
        "The following resource(s) failed to delete: [EcsCluster]. "
    assert REFUSED in reasons(stack, "EcsCluster")
