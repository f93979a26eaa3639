"""botocore's waiters, run on the commands' clock.

A botocore waiter sleeps with `time.sleep`, which cannot move the simulated account's virtual
clock; so we run the very waiter definition botocore ships (operation, delay, attempts and its
acceptors' matchers) and sleep through `Clients.sleep`, which is `time.sleep` on AWS.
"""

from __future__ import annotations

from typing import Any

from botocore import xform_name
from botocore.exceptions import ClientError

from ecs_cluster_manager.ops.session import Clients


class WaitFailed(Exception):
    """The waiter reached a failure state (or ran out of attempts); `response` is the last."""

    def __init__(self, waiter: str, response: dict[str, Any], reason: str) -> None:
        super().__init__(f"{waiter}: {reason}")
        self.response = response
        self.reason = reason


def wait(clients: Clients, service: str, waiter_name: str, *, delay: float | None = None,
         **params: Any) -> dict[str, Any]:
    """Poll as botocore's `waiter_name` does until success (every `delay` seconds instead of
    the waiter's own, if given; its attempts scale to keep the same patience); WaitFailed
    otherwise."""
    client = clients(service)
    config = client.get_waiter(waiter_name).config
    pause = float(config.delay if delay is None else delay)
    attempts = int(config.max_attempts * config.delay / pause)
    operation = getattr(client, xform_name(config.operation))
    response: dict[str, Any] = {}
    for attempt in range(attempts):
        if attempt:
            clients.sleep(pause)
        try:
            response = operation(**params)
        except ClientError as error:
            response = error.response  # "error" acceptors match the parsed error response
        state = next((a.state for a in config.acceptors if a.matcher_func(response)), None)
        if state == "success":
            return response
        if state == "failure":
            raise WaitFailed(waiter_name, response, "reached a failure state")
        if state is None and "Error" in response:
            raise ClientError(response, config.operation)
    raise WaitFailed(waiter_name, response, f"still waiting after {attempts} tries")
