"""Deliberately wrong lifecycle functions: each is the project's gate with one rule dropped.

They are written as variants of the real gates (a decide or observe function that loses one
rule, or a runtime that forgets which group is ours), not as copies, so each differs from the
product by exactly the mistake it is named after. `test_wrong_gates.py` shows each one is caught
by at least one scenario of the matrix; if one ever passed every scenario, the invariants (or
the scenarios) would have a hole.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from ecs_cluster_manager.lifecycle import ecs_reads, launch, terminate
from ecs_cluster_manager.lifecycle.decide_terminate import TerminateObservation
from ecs_cluster_manager.lifecycle.entry import current_runtime
from ecs_cluster_manager.lifecycle.gate import Gate, Runtime
from ecs_cluster_manager.lifecycle.model import Complete, Decision, Heartbeat, SetDraining
from ecs_cluster_manager.lifecycle.runtime import handle

Handler = Callable[[Any, Any], dict[str, Any]]


def _handler(gate: Gate, runtime_of: Callable[[], list[Runtime]] | None = None) -> Handler:
    def run(event: Any, context: Any) -> dict[str, Any]:
        remaining = getattr(context, "get_remaining_time_in_millis", None)
        result: dict[str, Any] = {}
        for runtime in (runtime_of or (lambda: [current_runtime()]))():
            result = handle(gate, runtime, event, remaining)
        return result
    return run


def _dropping(gate: Gate, kind: type) -> Gate:
    """The gate, with every action of `kind` removed from its decisions."""
    decide = gate.decide

    def without(obs: Any, config: Any) -> Decision:
        decision = decide(obs, config)
        kept = tuple(a for a in decision.actions if not isinstance(a, kind))
        return dataclasses.replace(decision, actions=kept)
    return dataclasses.replace(gate, decide=without)


def _seeing(gate: Gate, change: Callable[[TerminateObservation], TerminateObservation]) -> Gate:
    """The terminate gate, deciding on a changed observation."""
    decide = gate.decide
    return dataclasses.replace(gate, decide=lambda obs, config: decide(change(obs), config))


def _no_wait_for_services(obs: TerminateObservation) -> TerminateObservation:
    """Services are taken as steady without looking at them."""
    return dataclasses.replace(obs, services=()) if obs.record is not None else obs


def _blind_to_stopping_tasks(gate: Gate) -> Gate:
    """Tasks already stopping (desiredStatus STOPPED, still deregistering) are not counted:
    once only those are left, the services are looked at as if the instance were empty."""
    observe = gate.observe

    def observe_blind(clients: Any, config: Any, target: Any, now: float) -> Any:
        obs = observe(clients, config, target, now)
        live = tuple(t for t in obs.live_tasks if t.desired_status == "RUNNING")
        if live or obs.record is None or not obs.live_tasks:
            return obs
        services = ecs_reads.describe_services(clients.ecs, config.cluster, obs.record.services)
        return dataclasses.replace(obs, live_tasks=(), tasks_complete=True, services=services)
    return dataclasses.replace(gate, observe=observe_blind)


class _Failed:
    """What a failed observation turns into for a gate that continues on any error."""

    waited_s = 0.0
    container_instance = None


def _continuing_on_error(gate: Gate) -> Gate:
    observe, decide = gate.observe, gate.decide

    def observe_or_fail(*args: Any) -> Any:
        try:
            return observe(*args)
        except Exception:  # the mistake: an error reads as "nothing to wait for"
            return _Failed()

    def decide_or_continue(obs: Any, config: Any) -> Decision:
        if isinstance(obs, _Failed):
            return Decision("continue", "error while observing", (Complete("CONTINUE"),))
        return decide(obs, config)
    return dataclasses.replace(gate, observe=observe_or_fail, decide=decide_or_continue)


class _FirstArnEcs:
    """An ECS client for one wake-up that, once the gate has described a container instance by
    the ARN it remembered, answers the instance's fresh lookup with that same ARN: the gate keeps
    trusting the first registration it recorded, even after the agent re-registered."""

    def __init__(self, ecs: Any) -> None:
        self._ecs = ecs
        self._described: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ecs, name)

    def describe_container_instances(self, **kwargs: Any) -> Any:
        self._described += [str(arn) for arn in kwargs.get("containerInstances", [])]
        return self._ecs.describe_container_instances(**kwargs)

    def list_container_instances(self, **kwargs: Any) -> Any:
        if self._described:  # the mistake: the remembered ARN is taken as the truth
            return {"containerInstanceArns": list(self._described)}
        return self._ecs.list_container_instances(**kwargs)


def _trusting_recorded_arn(gate: Gate) -> Gate:
    observe = gate.observe

    def observe_stale(clients: Any, config: Any, target: Any, now: float) -> Any:
        return observe(dataclasses.replace(clients, ecs=_FirstArnEcs(clients.ecs)), config, target, now)
    return dataclasses.replace(gate, observe=observe_stale)


def _every_group() -> list[Runtime]:
    """A runtime per Auto Scaling group in the account, as if every group were ours."""
    runtime = current_runtime()
    groups = runtime.clients.autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"]
    return [dataclasses.replace(runtime, config=dataclasses.replace(
        runtime.config, asg_name=group["AutoScalingGroupName"])) for group in groups]


# The drain gate releases an instance once its tasks are gone, before its services are steady.
skip_steady_wait = _handler(_seeing(terminate.GATE, _no_wait_for_services))
# The drain gate never sets DRAINING: it waits for tasks that are never moved.
skip_draining = _handler(_dropping(terminate.GATE, SetDraining))
# The drain gate counts only tasks that still want to run, not those deregistering.
ignore_stopping_tasks = _handler(_blind_to_stopping_tasks(terminate.GATE))
# The drain gate keeps the container-instance ARN it recorded first, even after the agent
# re-registered the instance under a new one (the old one is INACTIVE: "nothing to drain").
trust_stale_arn = _handler(_trusting_recorded_arn(terminate.GATE))
# Either gate answers CONTINUE when an AWS call fails.
continue_on_error_launch = _handler(_continuing_on_error(launch.GATE))
continue_on_error_terminate = _handler(_continuing_on_error(terminate.GATE))
# The sweep handles waiting instances of every group in the account, not only ours.
any_group_terminate = _handler(terminate.GATE, _every_group)
# Neither gate ever records a heartbeat: a wait longer than HeartbeatTimeout times out.
never_heartbeat_launch = _handler(_dropping(launch.GATE, Heartbeat))
never_heartbeat_terminate = _handler(_dropping(terminate.GATE, Heartbeat))

WRONG_GATES = {
    "skip the steady wait": ("terminate", "skip_steady_wait"),
    "skip DRAINING": ("terminate", "skip_draining"),
    "ignore tasks already stopping": ("terminate", "ignore_stopping_tasks"),
    "CONTINUE on any error (launch)": ("launch", "continue_on_error_launch"),
    "CONTINUE on any error (terminate)": ("terminate", "continue_on_error_terminate"),
    "act on any group": ("terminate", "any_group_terminate"),
    "trust a stale ARN": ("terminate", "trust_stale_arn"),
    "never heartbeat (launch)": ("launch", "never_heartbeat_launch"),
    "never heartbeat (terminate)": ("terminate", "never_heartbeat_terminate"),
}
