"""Simulated Lambda: invocation, virtual time, environment, retries, faults and billing."""

from __future__ import annotations

import io
import json
import os
import time
import zipfile

import pytest

from ecs_cluster_manager.sim import SimAccount
from ecs_cluster_manager.sim.clock import DEFAULT_START
from tests.sim import lambda_handlers
from tests.sim.builders import group, members

H = "tests.sim.lambda_handlers"


def test_async_invocation_sees_virtual_time_its_environment_and_context(
        account: SimAccount) -> None:
    account.lambda_.register("rec", f"{H}.record", timeout_s=30,
                             environment={"GREETING": "hello"})
    real_env = dict(os.environ)
    account.clock.run_for(100)
    account.lambda_.invoke_async("rec", {"n": 1})
    account.clock.run_for(1)
    (seen,) = lambda_handlers.SEEN
    assert seen["event"] == {"n": 1}
    assert seen["time"] == pytest.approx(DEFAULT_START + 100.1)
    assert seen["env"] == "hello"
    assert seen["remaining_ms"] == 30_000
    assert seen["region"] == "us-east-1"
    assert dict(os.environ) == real_env  # restored afterwards
    assert abs(time.time() - DEFAULT_START) > 1e6  # real time is back
    (wake,) = account.metrics.wakeups
    assert wake.billed_ms == 1
    assert wake.error is None


def test_a_function_sees_only_its_environment_across_sleeps_and_the_world_keeps_its_own(
        account: SimAccount, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECM_OUTSIDE_ONLY", "outside")
    monkeypatch.setenv("GREETING", "outside value")
    account.lambda_.register("env", f"{H}.environment_around_a_sleep", timeout_s=60,
                             environment={"GREETING": "hello"})
    real_env = dict(os.environ)
    during: list[dict[str, str]] = []
    account.clock.call_later(5, lambda: during.append(dict(os.environ)))
    account.lambda_.invoke_async("env", {"seconds": 10})
    account.clock.run_for(30)
    (seen,) = lambda_handlers.SEEN
    assert seen["before"] == seen["after"]
    assert seen["before"]["GREETING"] == "hello"
    assert seen["before"]["AWS_LAMBDA_FUNCTION_NAME"] == "env"
    assert "ECM_OUTSIDE_ONLY" not in seen["before"]
    assert during == [real_env]  # while the function sleeps, the world has its own back
    assert dict(os.environ) == real_env


def test_errors_are_retried_twice_one_then_two_minutes_later(account: SimAccount) -> None:
    account.lambda_.register("bad", f"{H}.fail")
    account.lambda_.invoke_async("bad", {"n": 1})
    account.clock.run_for(600)
    times = [s["time"] - DEFAULT_START for s in lambda_handlers.SEEN]
    assert times == pytest.approx([0.1, 60.1, 180.1])
    assert [w.attempt for w in account.metrics.wakeups] == [1, 2, 3]
    assert all(w.error == "RuntimeError: boom" for w in account.metrics.wakeups)
    assert len({w.request_id for w in account.metrics.wakeups}) == 1
    assert account.lambda_.discarded[0][0] == "bad"


def test_sleep_advances_virtual_time_while_the_world_runs(account: SimAccount) -> None:
    account.lambda_.register("zzz", f"{H}.sleepy", timeout_s=900, memory_mb=256)
    ticks: list[float] = []
    for delay in (5, 15, 25):
        account.clock.call_later(delay, lambda: ticks.append(account.clock.now()))
    account.lambda_.invoke_async("zzz", {"seconds": 20})
    account.clock.run_for(60)
    (seen,) = lambda_handlers.SEEN
    assert seen["slept"] == pytest.approx(20)
    assert seen["remaining_ms"] == 880_000
    assert len(ticks) == 3  # the world went on while the function slept
    (wake,) = account.metrics.wakeups
    assert wake.sleep_s == pytest.approx(20)
    assert wake.billed_ms == 20_000
    assert wake.gb_seconds == pytest.approx(20 * 0.25)


def test_two_sleeping_invocations_interleave(account: SimAccount) -> None:
    account.lambda_.register("zzz", f"{H}.sleepy", timeout_s=900)
    account.lambda_.invoke_async("zzz", {"seconds": 30})
    account.clock.run_for(5)
    account.lambda_.invoke_async("zzz", {"seconds": 10})
    account.clock.run_for(60)
    ends = [w.end - DEFAULT_START for w in account.metrics.wakeups if w.end]
    assert sorted(ends) == pytest.approx([15.1, 30.1])


def test_sleeping_past_the_timeout_stops_the_invocation(account: SimAccount) -> None:
    account.lambda_.register("zzz", f"{H}.sleepy", timeout_s=10)
    account.lambda_.invoke_async("zzz", {"seconds": 60})
    account.clock.run_for(15)
    first = account.metrics.wakeups[0]
    assert first.error == "Task timed out after 10.00 seconds"
    assert first.end == pytest.approx(first.start + 10)
    assert lambda_handlers.SEEN == []


def test_crash_fault_kills_the_invocation_at_its_kth_call_then_retry_succeeds(
        account: SimAccount) -> None:
    account.lambda_.register("calls", f"{H}.count_groups")
    account.faults.crash_invocation(at_call=2, function="calls")
    account.lambda_.invoke_async("calls", {})
    account.clock.run_for(120)
    first, second = account.metrics.wakeups
    assert first.error is not None
    assert first.error.startswith("Runtime.ExitError: simulated crash at API call 2")
    assert sum(first.calls.values()) == 1
    assert second.error is None
    assert second.calls["autoscaling:DescribeAutoScalingGroups"] == 3
    assert lambda_handlers.SEEN == [{"finished": True}]
    assert account.metrics.calls["autoscaling:DescribeAutoScalingGroups"] == 4


def test_code_from_a_zip(account: SimAccount) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("pkg/__init__.py", "")
        archive.writestr("pkg/helper.py", "def twice(n):\n    return 2 * n\n")
        archive.writestr("pkg/app.py", "from pkg.helper import twice\n\n"
                                       "def handler(event, context):\n"
                                       "    return {'doubled': twice(event['n'])}\n")
    client = account.client("lambda")
    client.create_function(FunctionName="zipped", Runtime="python3.12", Handler="pkg.app.handler",
                           Role="arn:aws:iam::123456789012:role/x",
                           Code={"ZipFile": buffer.getvalue()})
    response = client.invoke(FunctionName="zipped", Payload=json.dumps({"n": 21}))
    assert response["StatusCode"] == 200
    assert json.loads(response["Payload"].read()) == {"doubled": 42}


def test_synchronous_invoke_reports_function_errors(account: SimAccount) -> None:
    account.lambda_.register("bad", f"{H}.fail")
    response = account.client("lambda").invoke(FunctionName="bad", Payload=b"{}")
    assert response["FunctionError"] == "Unhandled"
    assert json.loads(response["Payload"].read()) == {"errorMessage": "boom",
                                                      "errorType": "RuntimeError"}


def test_a_polling_function_that_sleeps_and_rechecks_completes_the_launch(
        account: SimAccount) -> None:
    asg, ec2, events = (account.client(s) for s in ("autoscaling", "ec2", "events"))
    account.lambda_.register("gate", f"{H}.poll_until_in_service", timeout_s=900)
    events.put_rule(Name="launch", EventPattern=json.dumps({
        "source": ["aws.autoscaling"], "detail-type": ["EC2 Instance-launch Lifecycle Action"]}))
    events.put_targets(Rule="launch", Targets=[
        {"Id": "gate", "Arn": account.lambda_.functions["gate"].arn}])
    group(asg, ec2, desired=3, hooks=("launch",))
    account.clock.run_for(120)
    assert set(members(asg).values()) == {"InService"}
    assert len(lambda_handlers.SEEN) == 3
    wake = account.metrics.wakeups[0]
    assert wake.sleep_s >= 10  # polled while the instance booted
    assert wake.calls["autoscaling:CompleteLifecycleAction"] == 1


def test_a_reference_to_time_time_kept_by_the_handler_follows_virtual_time(
        account: SimAccount) -> None:
    account.lambda_.register("clock", f"{H}.captured_clock")
    account.clock.run_for(50)
    account.lambda_.invoke_async("clock", {})
    account.clock.run_for(1)
    (seen,) = lambda_handlers.SEEN
    assert seen["captured"] == seen["module"] == pytest.approx(DEFAULT_START + 50.1)


def test_isolated_functions_have_their_own_module_state(account: SimAccount) -> None:
    functions = account.client("lambda")
    for name in ("a", "b"):
        account.lambda_.register(name, f"{H}.count_calls", isolated=True)
    results = [json.loads(functions.invoke(FunctionName=name)["Payload"].read())
               for name in ("a", "a", "b")]
    assert results == [1, 2, 1]
    assert lambda_handlers.CALLS == {"n": 0}
