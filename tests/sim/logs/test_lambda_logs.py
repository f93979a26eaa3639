"""Lambda invocations write to CloudWatch Logs as Lambda does: one stream per execution
environment, START / output / END / REPORT, lines stamped with virtual time; and the project's
stack writes its functions' decision lines into the template's log groups."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from ecs_cluster_manager.sim import SimAccount
from ecs_cluster_manager.sim.deployment_services import add_deployment_services
from ecs_cluster_manager.sim.project_stack import ProjectStack
from tests.sim.cloudformation.conftest import AMI_1


@pytest.fixture
def account() -> Iterator[SimAccount]:
    account = SimAccount(check_responses=True, ecs=None)
    add_deployment_services(account)
    yield account
    account.close()


def events_of(account: SimAccount, group: str) -> list[dict[str, Any]]:
    paginator = account.client("logs").get_paginator("filter_log_events")
    return [e for page in paginator.paginate(logGroupName=group) for e in page["events"]]


def test_an_invocation_writes_start_output_end_and_report(account: SimAccount) -> None:
    account.lambda_.register("talker", "tests.sim.logs.handlers.talk", timeout_s=60)
    account.lambda_.invoke_async("talker", {"id": "i-7", "seconds": 30})
    account.clock.run_for(60)
    events = events_of(account, "/aws/lambda/talker")
    messages = [e["message"] for e in events]
    assert messages[0].startswith("START RequestId: ") and "Version: $LATEST" in messages[0]
    assert [json.loads(m)["decision"] for m in messages[1:3]] == ["wait", "complete"]
    assert messages[3].startswith("END RequestId: ")
    assert messages[4].startswith("REPORT RequestId: ")
    assert "\tDuration: 30000.00 ms\tBilled Duration: 30000 ms\tMemory Size: 128 MB" in messages[4]
    times = [e["timestamp"] for e in events]
    assert times[2] - times[1] == 30_000  # each line at the virtual time it was printed
    stream = events[0]["logStreamName"]
    assert stream.split("/[$LATEST]")[0].count("/") == 2 and len(stream.split("]")[1]) == 32


def test_overlapping_invocations_use_separate_environments(account: SimAccount) -> None:
    account.lambda_.register("talker", "tests.sim.logs.handlers.talk", timeout_s=60)
    account.lambda_.invoke_async("talker", {"id": "i-1", "seconds": 30})
    account.clock.run_for(10)
    account.lambda_.invoke_async("talker", {"id": "i-2", "seconds": 5})  # the first sleeps
    account.clock.run_for(60)
    account.lambda_.invoke_async("talker", {"id": "i-3", "seconds": 1})  # both idle again
    account.clock.run_for(10)
    streams = account.client("logs").describe_log_streams(
        logGroupName="/aws/lambda/talker")["logStreams"]
    assert len(streams) == 2
    by_stream: dict[str, set[str]] = {}
    for event in events_of(account, "/aws/lambda/talker"):
        if event["message"].startswith("{"):
            by_stream.setdefault(event["logStreamName"], set()).add(
                json.loads(event["message"])["instance_id"])
    assert sorted(map(sorted, by_stream.values())) == [["i-1", "i-3"], ["i-2"]]


def test_a_failed_invocation_logs_its_error(account: SimAccount) -> None:
    account.lambda_.register("exploder", "tests.sim.logs.handlers.explode")
    account.lambda_.invoke_async("exploder", {})
    account.clock.run_for(5)
    messages = [e["message"] for e in events_of(account, "/aws/lambda/exploder")]
    assert "about to fail\n" in messages
    assert any(m.startswith("[ERROR] RuntimeError: boom\nTraceback") for m in messages)


def test_the_stack_functions_write_into_the_template_log_groups() -> None:
    account = SimAccount(check_responses=True)
    project = ProjectStack(account)
    project.upload_packages()
    project.publish_ami(AMI_1)
    try:
        with account.installed():
            project.create()
            assert project.wait() == "CREATE_COMPLETE"
            account.clock.run_for(10)  # the invocations that signalled finish, and their logs land
            group = project.output("LaunchLogGroupName")
            assert group == f"/ecs-cluster-manager/{project.stack_name}/launch"
            logs = account.client("logs")
            described = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
            assert described[0]["retentionInDays"] == int(project.parameter("LogRetentionInDays"))
            decisions = [json.loads(e["message"]) for e in logs.filter_log_events(
                logGroupName=group, filterPattern='{ $.decision = "continue" }')["events"]]
            assert decisions and {d["function"] for d in decisions} == {"launch"}
            assert {d["decision"] for d in decisions} == {"continue"}
            assert not any(g["logGroupName"].startswith("/aws/lambda/")
                           for g in logs.describe_log_groups()["logGroups"])
            project.cloudformation.delete_stack(StackName=project.stack_name)
            assert project.wait() == "DELETE_COMPLETE"
            assert logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"] == []
    finally:
        account.close()
