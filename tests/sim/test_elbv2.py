"""Simulated elbv2 target groups through real boto3 clients, responses checked against
botocore's output shapes, and their deregistration delay reaching the simulated ECS."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_cluster_manager.sim import SimAccount

DELAY = "deregistration_delay.timeout_seconds"


@pytest.fixture
def elbv2() -> Any:
    return SimAccount(check_responses=True).client("elbv2")


def _create(client: Any, name: str) -> str:
    created = client.create_target_group(Name=name, Protocol="HTTP", Port=80,
                                         VpcId="vpc-1")
    return str(created["TargetGroups"][0]["TargetGroupArn"])


def test_every_operation_answers_in_its_shape(elbv2: Any) -> None:
    client = elbv2
    arn = _create(client, "web")
    assert _create(client, "web") == arn  # same name, same group
    attributes = client.describe_target_group_attributes(TargetGroupArn=arn)["Attributes"]
    assert {"Key": DELAY, "Value": "300"} in attributes  # the documented default
    client.modify_target_group_attributes(TargetGroupArn=arn, Attributes=[
        {"Key": DELAY, "Value": "45"}])
    attributes = client.describe_target_group_attributes(TargetGroupArn=arn)["Attributes"]
    assert {"Key": DELAY, "Value": "45"} in attributes
    (described,) = client.describe_target_groups(Names=["web"])["TargetGroups"]
    assert described["TargetGroupArn"] == arn and described["Port"] == 80
    client.delete_target_group(TargetGroupArn=arn)
    assert client.describe_target_groups()["TargetGroups"] == []


def test_pages_follow_the_marker(elbv2: Any) -> None:
    arns = [_create(elbv2, f"tg-{n}") for n in range(5)]
    pages = elbv2.get_paginator("describe_target_groups").paginate(
        PaginationConfig={"PageSize": 2})
    seen = [g["TargetGroupArn"] for page in pages for g in page["TargetGroups"]]
    assert seen == arns


def test_unknown_groups_and_bad_delays_are_refused(elbv2: Any) -> None:
    with pytest.raises(ClientError, match="TargetGroupNotFound"):
        elbv2.describe_target_group_attributes(
            TargetGroupArn="arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/x/1")
    arn = _create(elbv2, "web")
    with pytest.raises(ClientError, match="InvalidConfigurationRequest"):
        elbv2.modify_target_group_attributes(TargetGroupArn=arn, Attributes=[
            {"Key": DELAY, "Value": "3601"}])


def test_the_account_gives_ecs_its_target_groups_delays() -> None:
    account = SimAccount()
    arn = _create(account.client("elbv2"), "web")
    account.client("elbv2").modify_target_group_attributes(
        TargetGroupArn=arn, Attributes=[{"Key": DELAY, "Value": "90"}])
    assert account.ecs.state.target_group_delay(arn) == 90.0  # type: ignore[union-attr]
    assert account.ecs.state.target_group_delay("other") is None  # type: ignore[union-attr]
