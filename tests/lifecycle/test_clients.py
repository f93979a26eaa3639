"""The functions' boto3 clients: short timeouts, standard retries, and no retry that could
outlast the invocation. Requests never leave the process: a `before-send` handler answers them."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

from ecs_cluster_manager.lifecycle.aws import (
    CONNECT_TIMEOUT_S,
    MAX_ATTEMPTS,
    NEVER_RETRIED,
    READ_TIMEOUT_S,
    RETRY_RESERVE_MS,
    Clients,
)


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Any:
        yield self.data


@pytest.fixture
def clients() -> Clients:
    return Clients.from_boto3()  # the root conftest gives fake credentials and a region


def failing_ecs(clients: Clients) -> list[int]:
    """Every ECS request fails with a retryable server error; returns the attempt log."""
    attempts: list[int] = []

    def answer(request: Any, **_: Any) -> AWSResponse:
        attempts.append(1)
        body = b'{"__type": "ServerException", "message": "internal error"}'
        return AWSResponse(request.url, 500, {"Content-Type": "application/x-amz-json-1.1"}, _Body(body))

    clients.ecs.meta.events.register("before-send.ecs", answer)
    return attempts


def test_clients_use_short_timeouts_and_standard_retries(clients: Clients) -> None:
    for client in (clients.autoscaling, clients.ecs, clients.ec2, clients.cloudformation):
        config = client.meta.config
        assert (config.connect_timeout, config.read_timeout) == (CONNECT_TIMEOUT_S, READ_TIMEOUT_S)
        assert config.retries == {"mode": "standard", "total_max_attempts": MAX_ATTEMPTS}
    assert CONNECT_TIMEOUT_S + READ_TIMEOUT_S < 60 / 4  # a hung call costs a fraction of the invocation


def test_retries_run_while_the_invocation_has_time(clients: Clients) -> None:
    attempts = failing_ecs(clients)
    clients.budget.remaining_ms = lambda: 50_000
    with pytest.raises(ClientError, match="ServerException"):
        clients.ecs.list_clusters()
    assert len(attempts) == MAX_ATTEMPTS


def test_no_retry_once_a_retry_could_outlast_the_invocation(clients: Clients) -> None:
    attempts = failing_ecs(clients)
    clients.budget.remaining_ms = lambda: RETRY_RESERVE_MS - 1
    with pytest.raises(ClientError, match="ServerException"):
        clients.ecs.list_clusters()
    assert len(attempts) == 1


def test_reserve_covers_the_longest_retry() -> None:
    # Standard mode: backoff before the last attempt is at most 2 s for throttling errors.
    assert RETRY_RESERVE_MS >= (2 ** (MAX_ATTEMPTS - 2) + CONNECT_TIMEOUT_S + READ_TIMEOUT_S) * 1000


def throttled_autoscaling(clients: Clients) -> list[str]:
    """Every Auto Scaling request is throttled; returns the operations attempted, in order."""
    attempts: list[str] = []

    def answer(request: Any, **_: Any) -> AWSResponse:
        body = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
        attempts.append(body.split("Action=", 1)[1].split("&", 1)[0])
        xml = (b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded"
               b"</Message></Error><RequestId>r-1</RequestId></ErrorResponse>")
        return AWSResponse(request.url, 400, {"Content-Type": "text/xml"}, _Body(xml))

    clients.autoscaling.meta.events.register("before-send.auto-scaling", answer)
    return attempts


def test_a_completion_is_never_retried_on_an_older_observation(clients: Clients) -> None:
    attempts = throttled_autoscaling(clients)
    clients.budget.remaining_ms = lambda: 50_000
    with pytest.raises(ClientError, match="Throttling"):
        clients.autoscaling.complete_lifecycle_action(
            LifecycleHookName="h", AutoScalingGroupName="g", LifecycleActionResult="CONTINUE", InstanceId="i-1")
    assert attempts == ["CompleteLifecycleAction"]
    with pytest.raises(ClientError, match="Throttling"):
        clients.autoscaling.describe_auto_scaling_instances(InstanceIds=["i-1"])
    assert attempts[1:] == ["DescribeAutoScalingInstances"] * MAX_ATTEMPTS  # reads still retry
    assert "CompleteLifecycleAction" in NEVER_RETRIED
