"""The account's seams: the real simulated ECS behind EC2, extra services, handler logs."""

from __future__ import annotations

from typing import Any

import pytest

from ecs_cluster_manager.sim import SimAccount
from ecs_cluster_manager.sim.errors import AwsError
from tests.sim.builders import group, members


def test_instances_launched_by_the_group_join_the_simulated_ecs_cluster() -> None:
    account = SimAccount(check_responses=True)  # the default ECS backend (part B)
    ecs, asg, ec2 = (account.client(s) for s in ("ecs", "autoscaling", "ec2"))
    ecs.create_cluster(clusterName="main")  # the cluster the launch template's user data names
    group(asg, ec2, desired=2)
    account.clock.run_for(120)
    arns = ecs.list_container_instances(cluster="main")["containerInstanceArns"]
    described = ecs.describe_container_instances(cluster="main",
                                                 containerInstances=arns)["containerInstances"]
    assert {ci["ec2InstanceId"] for ci in described} == set(members(asg))
    assert {ci["status"] for ci in described} == {"ACTIVE"}
    container_events = [e for e in account.events.history
                        if e["detail-type"] == "ECS Container Instance State Change"]
    assert container_events


class _Echo:
    def handle(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        if operation != "GetParameter":
            raise AwsError("InvalidAction", operation)
        return {"Parameter": {"Name": params["Name"], "Value": "ami-1", "Type": "String",
                              "Version": 1}}


def test_add_service_answers_another_service(account: SimAccount) -> None:
    account.add_service("ssm", _Echo())
    found = account.client("ssm").get_parameter(Name="/ami/ecs/latest")
    assert found["Parameter"]["Value"] == "ami-1"
    assert account.metrics.calls["ssm:GetParameter"] == 1


def test_what_a_handler_prints_goes_to_its_log(account: SimAccount,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    account.lambda_.register("rec", "tests.sim.lambda_handlers.fail")
    account.lambda_.invoke_async("rec", {"n": 1})
    account.clock.run_for(1)
    (function, _, text) = account.lambda_.logs[0]
    assert function == "rec"
    assert "RuntimeError: boom" in text
    assert "boom" not in capsys.readouterr().out


def test_a_crash_stays_armed_until_an_invocation_reaches_its_call(account: SimAccount) -> None:
    account.lambda_.register("short", "tests.sim.lambda_handlers.record")  # makes no API call
    account.lambda_.register("calls", "tests.sim.lambda_handlers.count_groups")
    account.faults.crash_invocation(at_call=1)
    account.lambda_.invoke_async("short", {})
    account.clock.run_for(1)
    account.lambda_.invoke_async("calls", {})
    account.clock.run_for(1)
    assert [w.error is None for w in account.metrics.wakeups] == [True, False]
    assert account.faults.fired[0]["function"] == "calls"
