"""boto3 clients for one runtime, and how to read AWS errors.

The clients are configured for the APIs' rate limits and the function's time limit:

- Short timeouts. botocore's defaults (60 s to connect, 60 s to read) equal the function's
  timeout, so one hung connection would use up the whole invocation; these APIs answer in well
  under a second (botocore "Config Reference": connect_timeout, read_timeout).
- Standard retry mode, three attempts: throttling and transient errors are retried with
  exponential backoff and jitter (AWS SDKs and Tools Reference Guide, "Retry behavior"). Not
  adaptive mode: its client-side rate limiter can sleep before any request, which is time the
  invocation cannot bound; every wake-up is retried by the next sweep anyway.
- Backoff never eats the function's timeout: a retry is refused once the invocation has less
  than RETRY_RESERVE_MS left (the longest a retry can take: its backoff and one attempt), and
  the call fails as it would have without retries; the next wake-up repeats it.
- CompleteLifecycleAction is never retried by the SDK: its decision rests on an observation
  made just before, and a retry seconds later (backoff on a throttled bucket) would complete on
  an older one. A drained instance's services, steady when read, can be unsteady again two
  seconds later when other drains start at the same time (the 1,000-instance benchmark caught
  exactly that). Refused, the completion is decided afresh by the next wake-up.
- A call still throttled after its retries is not a failure of the invocation: the runtime
  leaves the instance to the next sweep (`is_throttling`), which repeats the whole wake-up's work
  from a fresh observation; failing would only make Lambda retry the same event a minute later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

CONNECT_TIMEOUT_S = 2
READ_TIMEOUT_S = 5
MAX_ATTEMPTS = 3  # in all, the first try included
# Operations whose answer must never be older than the observation they act on: one attempt.
NEVER_RETRIED = frozenset({"CompleteLifecycleAction"})
# Standard mode's backoff before attempt n is at most 2 ** (n - 1) s for throttling, so the third
# attempt waits at most 2 s, then may take a connect and a read timeout.
LONGEST_RETRY_S = 2 ** (MAX_ATTEMPTS - 2) + CONNECT_TIMEOUT_S + READ_TIMEOUT_S
RETRY_RESERVE_MS = (LONGEST_RETRY_S + 1) * 1000


@dataclass
class RetryBudget:
    """Knows how much of the current invocation is left; bound by the runtime per invocation."""

    remaining_ms: Callable[[], int] | None = None

    def refuse_late_retry(self, operation: Any = None, **_: Any) -> bool | None:
        """A needs-retry handler: False (no retry) when a retry could outlast the invocation,
        or for an operation in NEVER_RETRIED.

        Registered first, so its False is the response botocore acts on; None leaves the decision
        to the retry mode's own handler.
        """
        if getattr(operation, "name", None) in NEVER_RETRIED:
            return False
        if self.remaining_ms is not None and self.remaining_ms() < RETRY_RESERVE_MS:
            return False
        return None


@dataclass(frozen=True)
class Clients:
    autoscaling: Any
    ecs: Any
    ec2: Any
    cloudformation: Any
    budget: RetryBudget = field(default_factory=RetryBudget)

    @classmethod
    def from_boto3(cls) -> Clients:
        config = BotoConfig(connect_timeout=CONNECT_TIMEOUT_S, read_timeout=READ_TIMEOUT_S,
                            retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS})
        budget = RetryBudget()
        made = {name: boto3.client(name, config=config)
                for name in ("autoscaling", "ecs", "ec2", "cloudformation")}
        for client in made.values():
            budget_first(client, budget)
        return cls(budget=budget, **made)


def budget_first(client: Any, budget: RetryBudget) -> None:
    # The retry mode registers on "needs-retry.<service-id>"; registering first on the same
    # event puts this handler ahead of it.
    service_id = client.meta.service_model.service_id.hyphenize()
    client.meta.events.register_first(f"needs-retry.{service_id}", budget.refuse_late_retry)


def error_code(error: BaseException) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code", ""))
    return ""


def error_message(error: BaseException) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Message", ""))
    return str(error)


def is_no_active_action(error: BaseException) -> bool:
    """Auto Scaling's answer when the action was already completed or timed out.

    The call fails with ValidationError "No active Lifecycle Action found with instance ID i-...".
    That message is observed API behaviour, not documented text (the User Guide and API reference
    do not quote it), so it is matched case-insensitively.
    """
    return (error_code(error) == "ValidationError"
            and "no active lifecycle action" in error_message(error).lower())


# Request-rate error codes among those botocore's standard retry mode retries as throttling
# (boto3 documentation, "Retries", standard retry mode): Auto Scaling and CloudFormation answer
# `Throttling`, ECS `ThrottlingException`, EC2 `RequestLimitExceeded`, Lambda
# `TooManyRequestsException`. Quota errors (`LimitExceededException`) are not a rate: they fail.
THROTTLING_CODES = frozenset({
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled", "SlowDown",
    "EC2ThrottledException",
})


def is_throttling(error: BaseException) -> bool:
    return error_code(error) in THROTTLING_CODES


def is_instance_not_found(error: BaseException) -> bool:
    return error_code(error) in ("InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed")
