"""Real boto3 clients reach the simulated account; errors, faults and counts."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, ParamValidationError

from ecs_cluster_manager.sim import AwsError, SimAccount
from tests.sim.builders import group, launch_template


def test_botocore_still_validates_parameters_before_the_simulator(ec2: Any) -> None:
    with pytest.raises(ParamValidationError):
        ec2.describe_instances(InstanceIds="i-not-a-list")


def test_aws_errors_become_client_errors_with_aws_codes(asg: Any) -> None:
    with pytest.raises(ClientError) as caught:
        asg.set_desired_capacity(AutoScalingGroupName="missing", DesiredCapacity=1)
    error = caught.value.response["Error"]
    assert error["Code"] == "ValidationError"
    assert "missing" in error["Message"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_an_unmodelled_operation_names_itself(account: SimAccount) -> None:
    with pytest.raises(ClientError) as caught:
        account.client("ec2").describe_vpcs()
    assert caught.value.response["Error"]["Code"] == "UnsupportedOperation"
    assert "ec2:DescribeVpcs" in caught.value.response["Error"]["Message"]


def test_installed_makes_plain_boto3_clients_reach_the_account(account: SimAccount) -> None:
    launch_template(account.client("ec2"), name="via-installed")
    before = boto3.DEFAULT_SESSION
    with account.installed():
        found = boto3.client("ec2").describe_launch_templates()["LaunchTemplates"]
    assert [t["LaunchTemplateName"] for t in found] == ["via-installed"]
    assert boto3.DEFAULT_SESSION is before


def test_two_accounts_are_isolated() -> None:
    first, second = SimAccount(ecs=None), SimAccount(ecs=None)
    launch_template(first.client("ec2"))
    assert second.client("ec2").describe_launch_templates()["LaunchTemplates"] == []


def test_throttling_for_the_next_n_calls_uses_the_services_own_code(
        account: SimAccount, asg: Any, ec2: Any) -> None:
    group(asg, ec2, desired=0)
    account.faults.throttle("autoscaling:DescribeAutoScalingGroups", calls=2)
    codes = []
    for _ in range(3):
        try:
            asg.describe_auto_scaling_groups()
            codes.append("ok")
        except ClientError as error:
            codes.append(error.response["Error"]["Code"])
            assert error.response["Error"]["Message"] == "Rate exceeded"
    assert codes == ["Throttling", "Throttling", "ok"]
    assert account.metrics.calls["autoscaling:DescribeAutoScalingGroups"] == 3


def test_throttling_for_a_time_window_with_a_chosen_error(account: SimAccount) -> None:
    ec2 = account.client("ec2")
    account.faults.throttle("ec2:DescribeInstances", seconds=60,
                            error=AwsError("ThrottlingException", "Rate exceeded"))
    with pytest.raises(ClientError) as caught:
        ec2.describe_instances()
    assert caught.value.response["Error"]["Code"] == "ThrottlingException"
    account.clock.run_for(61)
    assert ec2.describe_instances()["Reservations"] == []
    assert account.faults.fired[0]["operation"] == "ec2:DescribeInstances"


def test_paginators_work_through_the_transport(account: SimAccount, asg: Any, ec2: Any) -> None:
    group(asg, ec2, desired=7)
    account.clock.run_for(60)
    paginator = asg.get_paginator("describe_auto_scaling_instances")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 3}))
    assert [len(p["AutoScalingInstances"]) for p in pages] == [3, 3, 1]
