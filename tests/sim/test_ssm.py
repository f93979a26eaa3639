"""Simulated SSM Parameter Store: versions, Overwrite, aws:ec2:image, history and selectors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_cluster_manager.sim import SimAccount
from ecs_cluster_manager.sim.deployment_services import add_deployment_services

AMI_1, AMI_2 = "ami-0123456789abcdef0", "ami-0fedcba9876543210"


@pytest.fixture
def ssm() -> Iterator[Any]:
    account = SimAccount(check_responses=True)
    add_deployment_services(account)
    yield account.client("ssm")
    account.close()


def test_overwrite_makes_a_new_version_and_history_keeps_both(ssm: Any) -> None:
    assert ssm.put_parameter(Name="/ami/ecs/latest", Value=AMI_1, Type="String",
                             DataType="aws:ec2:image")["Version"] == 1
    assert ssm.put_parameter(Name="/ami/ecs/latest", Value=AMI_2, Overwrite=True)["Version"] == 2
    current = ssm.get_parameter(Name="/ami/ecs/latest")["Parameter"]
    assert (current["Value"], current["Version"], current["DataType"]) == (AMI_2, 2, "aws:ec2:image")
    assert ssm.get_parameter(Name="/ami/ecs/latest:1")["Parameter"]["Value"] == AMI_1
    history = ssm.get_parameter_history(Name="/ami/ecs/latest")["Parameters"]
    assert [(h["Version"], h["Value"]) for h in history] == [(1, AMI_1), (2, AMI_2)]


def test_put_without_overwrite_fails_when_it_exists(ssm: Any) -> None:
    ssm.put_parameter(Name="/p", Value="a", Type="String")
    with pytest.raises(ssm.exceptions.ParameterAlreadyExists):
        ssm.put_parameter(Name="/p", Value="b", Type="String")
    assert ssm.get_parameter(Name="/p")["Parameter"]["Value"] == "a"


def test_image_data_type_rejects_a_non_ami_value(ssm: Any) -> None:
    with pytest.raises(ClientError) as error:
        ssm.put_parameter(Name="/ami", Value="not-an-ami", Type="String",
                          DataType="aws:ec2:image")
    assert error.value.response["Error"]["Code"] == "ValidationException"


def test_get_parameters_reports_unknown_names_as_invalid(ssm: Any) -> None:
    ssm.put_parameter(Name="/a", Value="1", Type="String")
    found = ssm.get_parameters(Names=["/a", "/missing"])
    assert [p["Name"] for p in found["Parameters"]] == ["/a"]
    assert found["InvalidParameters"] == ["/missing"]
    with pytest.raises(ssm.exceptions.ParameterNotFound):
        ssm.get_parameter(Name="/missing")
