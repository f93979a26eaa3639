"""The ECS backend behind real boto3 clients, wired into the simulated account."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from ecs_cluster_manager.sim import SimAccount
from ecs_cluster_manager.sim.ecs import EcsBackend, StopCause

USER_DATA = "IyEvYmluL2Jhc2gKZWNobyBFQ1NfQ0xVU1RFUj1wcm9kID4+IC9ldGMvZWNzL2Vjcy5jb25maWcK"


@pytest.fixture
def account() -> Iterator[SimAccount]:
    acct = SimAccount(check_responses=True)
    yield acct
    acct.close()


def _ecs(account: SimAccount) -> EcsBackend:
    assert isinstance(account.ecs, EcsBackend)
    return account.ecs


def test_drain_through_boto3(account: SimAccount) -> None:
    ec2, ecs = account.client("ec2"), account.client("ecs")
    _ecs(account).set_default_cluster("prod")
    ecs.create_cluster(clusterName="prod")
    reservation = ec2.run_instances(ImageId="ami-12345678", InstanceType="m5.large",
                                    MinCount=4, MaxCount=4, UserData=USER_DATA)
    ids = [i["InstanceId"] for i in reservation["Instances"]]
    account.clock.run_for(120)
    ecs.register_task_definition(
        family="web", containerDefinitions=[{"name": "web", "image": "nginx", "memory": 256}]
    )
    ecs.create_service(cluster="prod", serviceName="web", taskDefinition="web", desiredCount=6)
    account.clock.run_for(120)
    pages = ecs.get_paginator("list_container_instances").paginate(
        cluster="prod", PaginationConfig={"PageSize": 3}
    )
    assert sum(len(p["containerInstanceArns"]) for p in pages) == 4
    arn = ecs.list_container_instances(cluster="prod", filter=f"ec2InstanceId == '{ids[0]}'")[
        "containerInstanceArns"
    ]
    assert len(arn) == 1
    ecs.update_container_instances_state(cluster="prod", containerInstances=arn, status="DRAINING")
    account.clock.run_for(300)
    assert ecs.list_tasks(cluster="prod", containerInstance=arn[0])["taskArns"] == []
    (svc,) = ecs.describe_services(cluster="prod", services=["web"])["services"]
    assert svc["runningCount"] == 6 and len(svc["deployments"]) == 1
    assert svc["events"][0]["message"] == "(service web) has reached a steady state."
    ec2.terminate_instances(InstanceIds=[ids[0]])
    account.clock.run_for(60)
    assert all(s.cause is StopCause.DRAINING for s in _ecs(account).task_stops())


def test_errors_arrive_as_client_errors(account: SimAccount) -> None:
    ecs = account.client("ecs")
    with pytest.raises(ClientError) as err:
        ecs.describe_services(cluster="nope", services=["web"])
    assert err.value.response["Error"]["Code"] == "ClusterNotFoundException"
    ecs.create_cluster(clusterName="prod")
    with pytest.raises(ClientError) as err:
        ecs.list_container_instances(cluster="prod", filter="ec2InstanceId ~= x")
    assert err.value.response["Error"]["Code"] == "InvalidParameterException"


def _two_instances(account: SimAccount) -> list[str]:
    _ecs(account).set_default_cluster("prod")
    account.client("ecs").create_cluster(clusterName="prod")
    reservation = account.client("ec2").run_instances(
        ImageId="ami-12345678", InstanceType="m5.large", MinCount=2, MaxCount=2,
        UserData=USER_DATA)
    account.clock.run_for(120)
    return [i["InstanceId"] for i in reservation["Instances"]]


def test_a_function_that_drains_is_named_in_the_action_log(account: SimAccount) -> None:
    a, b = _two_instances(account)
    ecs = account.client("ecs")
    arn_a = ecs.list_container_instances(cluster="prod", filter=f"ec2InstanceId == {a}")[
        "containerInstanceArns"][0]
    account.lambda_.register("ecs-dev-drain", "tests.sim.ecs.handlers.drain")
    account.lambda_.invoke_async("ecs-dev-drain", {"cluster": "prod", "arn": arn_a})
    account.clock.run_for(5)
    arn_b = ecs.list_container_instances(cluster="prod", filter=f"ec2InstanceId == {b}")[
        "containerInstanceArns"][0]
    ecs.update_container_instances_state(cluster="prod", containerInstances=[arn_b],
                                         status="DRAINING")
    assert [(x.caller, x.ec2_instance_id) for x in _ecs(account).actions()] == [
        ("ecs-dev-drain", a), (None, b)]


def test_a_leftover_container_instance_fails_delete_cluster_until_deregistered(
        account: SimAccount) -> None:
    a, b = _two_instances(account)
    assert _ecs(account).disconnect_agent(a)
    account.client("ec2").terminate_instances(InstanceIds=[a, b])
    account.clock.run_for(120)
    ecs = account.client("ecs")
    (leftover,) = ecs.list_container_instances(cluster="prod")["containerInstanceArns"]
    with pytest.raises(ClientError) as err:
        ecs.delete_cluster(cluster="prod")
    assert err.value.response["Error"]["Code"] == "ClusterContainsContainerInstancesException"
    ecs.deregister_container_instance(cluster="prod", containerInstance=leftover, force=True)
    assert ecs.delete_cluster(cluster="prod")["cluster"]["status"] == "INACTIVE"


def test_health_details_pass_botocore_validation(account: SimAccount) -> None:
    a, _ = _two_instances(account)
    _ecs(account).set_agent_connectivity_threshold(60)
    _ecs(account).disconnect_agent(a)
    account.clock.run_for(61)
    ecs = account.client("ecs")
    arns = ecs.list_container_instances(cluster="prod")["containerInstanceArns"]
    described = ecs.describe_container_instances(
        cluster="prod", containerInstances=arns, include=["CONTAINER_INSTANCE_HEALTH"])
    overall = {ci["ec2InstanceId"]: ci["healthStatus"]["overallStatus"]
               for ci in described["containerInstances"]}
    assert overall[a] == "IMPAIRED" and set(overall.values()) == {"IMPAIRED", "OK"}
