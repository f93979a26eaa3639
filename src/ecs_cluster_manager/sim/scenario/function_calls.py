"""Who asked for a change: a backend wrapper that reports each state-changing call a Lambda
function makes, before the service answers it (the invariants judge the state it was asked in).

Installed with `SimAccount.add_service`, so the call still reaches the real backend unchanged;
throttled calls never get here (the fault answers them first) and are not counted as asked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ecs_cluster_manager.sim.account import SimAccount

WATCHED = frozenset({
    "ecs:UpdateContainerInstancesState", "ecs:StopTask", "ecs:DeregisterContainerInstance",
    "autoscaling:CompleteLifecycleAction", "autoscaling:RecordLifecycleActionHeartbeat",
})


@dataclass(frozen=True)
class FunctionCall:
    function: str
    operation: str  # service:Operation
    params: dict[str, Any]
    time: float


class _Reporting:
    def __init__(self, service: str, inner: Any, account: SimAccount,
                 report: Callable[[FunctionCall], None]) -> None:
        self.service = service
        self.inner = inner
        self.account = account
        self.report = report

    def handle(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        key = f"{self.service}:{operation}"
        invocation = self.account.lambda_.current()
        if invocation is not None and key in WATCHED:
            self.report(FunctionCall(invocation.function.name, key, dict(params),
                                     self.account.clock.now()))
        result: dict[str, Any] = self.inner.handle(operation, params)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)  # everything else is the backend's own


def watch_function_calls(account: SimAccount, report: Callable[[FunctionCall], None]) -> None:
    """Report every watched call a function makes to ECS or Auto Scaling."""
    for service in ("ecs", "autoscaling"):
        inner = account.backends[service]
        account.add_service(service, _Reporting(service, inner, account, report))
