"""The Lambda entry points: configuration validated at cold start, runtime cached per world."""

from __future__ import annotations

import boto3
import pytest

from ecs_cluster_manager.lifecycle import entry, launch, terminate
from ecs_cluster_manager.lifecycle.config import ConfigError
from ecs_cluster_manager.sim import SimAccount
from tests.sim import lambda_handlers

ENV = {"ECM_CLUSTER": "c", "ECM_ASG_NAME": "g", "ECM_LAUNCH_HOOK_NAME": "l", "ECM_TERMINATE_HOOK_NAME": "t"}


def test_missing_configuration_fails_the_invocation_with_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ECM_CLUSTER", raising=False)
    with pytest.raises(ConfigError, match="ECM_CLUSTER is not set"):
        launch.handler({}, None)


def test_runtime_is_cached_per_environment_and_session(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    first = entry.current_runtime()
    assert entry.current_runtime() is first
    monkeypatch.setenv("ECM_DRAIN_TIMEOUT_S", "600")
    assert entry.current_runtime().config.drain_timeout_s == 600
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", boto3.session.Session(region_name="us-east-1"))
    second = entry.current_runtime()
    assert second is not first
    assert entry.current_runtime() is second


def test_a_new_session_never_reuses_a_runtime_even_with_a_recycled_id(monkeypatch: pytest.MonkeyPatch) -> None:
    """CPython reuses the id of a collected object; the cache must compare identity instead."""
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", boto3.session.Session(region_name="us-east-1"))
    first = entry.current_runtime()
    impostor = boto3.session.Session(region_name="us-east-1")
    key = next(k for k, (_, runtime) in entry._RUNTIMES.items() if runtime is first)
    monkeypatch.setitem(entry._RUNTIMES, key, (object(), first))  # as if cached for a session now gone
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", impostor)
    assert entry.current_runtime() is not first


def test_handlers_ignore_a_test_notification_without_any_call(monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    event = {"Event": "autoscaling:TEST_NOTIFICATION", "AutoScalingGroupName": "g"}
    assert launch.handler(event, None) == {"decisions": {}}
    assert terminate.handler(event, None) == {"decisions": {}}
    assert capsys.readouterr().out.count('"decision": "ignored"') == 2


def test_capped_timeout_is_logged_once_at_cold_start(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    for name, value in {**ENV, "ECM_HEARTBEAT_TIMEOUT_S": "120", "ECM_LAUNCH_TIMEOUT_S": "99999"}.items():
        monkeypatch.setenv(name, value)
    assert entry.current_runtime().config.launch_timeout_s == 12000 - 120
    entry.current_runtime()
    out = capsys.readouterr().out
    assert out.count('"decision": "config-warning"') == 1
    assert "ECM_LAUNCH_TIMEOUT_S=99999 would reach the lifecycle action's global limit 12000s" in out


def test_the_deployed_runtime_fans_out_through_lambda(monkeypatch: pytest.MonkeyPatch) -> None:
    """A runtime built by hand works in place; the one a cold start builds must really invoke."""
    for name, value in {**ENV, "AWS_LAMBDA_FUNCTION_NAME": "ecm-fn"}.items():
        monkeypatch.setenv(name, value)
    lambda_handlers.SEEN.clear()
    account = SimAccount()
    try:
        account.lambda_.register("ecm-fn", "tests.sim.lambda_handlers.record")
        with account.installed():
            assert entry.current_runtime().invoke([{"link": 1}, {"link": 2}]) is True
        account.clock.run_for(5)
        assert sorted(seen["event"]["link"] for seen in lambda_handlers.SEEN) == [1, 2]
    finally:
        lambda_handlers.SEEN.clear()
        account.close()
