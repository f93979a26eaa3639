"""A simulated AWS account: one virtual clock, the service backends, and real boto3 clients.

    account = SimAccount()
    ec2 = account.client("ec2")            # a real boto3 client answered in-process
    with account.installed():              # plain boto3.client(...) reaches the account too
        ...
    account.clock.run_for(600)             # ten simulated minutes

Every call is counted per operation (`metrics.calls`) and, inside a Lambda invocation, per
wake-up (`metrics.wakeups`). Faults are armed on `faults`. AWS's request rate limits
(`ratelimits`) and a per-call latency (`latency`) are on by default; a call made inside a
function can be throttled and holds the function for its latency, a call made by the
simulation's driver never is and takes no virtual time (see `transport`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import boto3
from botocore.model import OperationModel

from ecs_cluster_manager.sim.autoscaling.backend import AutoScalingBackend
from ecs_cluster_manager.sim.backend import ServiceBackend, not_modelled
from ecs_cluster_manager.sim.clock import VirtualClock
from ecs_cluster_manager.sim.ec2.backend import Ec2Backend
from ecs_cluster_manager.sim.ec2.instances import Instance, Timings
from ecs_cluster_manager.sim.ec2.view import Ec2View
from ecs_cluster_manager.sim.elbv2 import Elbv2Backend
from ecs_cluster_manager.sim.errors import AwsError, response_metadata, throttling_error
from ecs_cluster_manager.sim.events.backend import EventsBackend
from ecs_cluster_manager.sim.events.cloudtrail import CloudTrail
from ecs_cluster_manager.sim.events.envelope import Event, envelope
from ecs_cluster_manager.sim.faults import Faults
from ecs_cluster_manager.sim.ids import IdFactory
from ecs_cluster_manager.sim.lambda_.backend import LambdaBackend
from ecs_cluster_manager.sim.latency import Latency
from ecs_cluster_manager.sim.metrics import Metrics, WakeUp
from ecs_cluster_manager.sim.ratelimits import RateLimits
from ecs_cluster_manager.sim.response_check import check_response
from ecs_cluster_manager.sim.transport import make_session


class EcsLike(ServiceBackend, Protocol):
    def on_instance_running(self, instance_id: str) -> None: ...
    def on_instance_terminated(self, instance_id: str) -> None: ...


# (clock, region, account id, emit_event, ec2_view) -> the ECS backend
EcsFactory = Callable[[VirtualClock, str, str, Callable[[Event], None], Ec2View], EcsLike]
_DEFAULT_ECS = "default"


def _default_ecs_factory() -> EcsFactory | None:
    try:
        module = importlib.import_module("ecs_cluster_manager.sim.ecs")
    except ImportError:
        return None
    factory: EcsFactory | None = getattr(module, "EcsBackend", None)
    return factory


class SimAccount:
    """One region of one simulated account."""

    def __init__(
        self,
        *,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        clock: VirtualClock | None = None,
        seed: int = 0,
        ecs: EcsFactory | str | None = _DEFAULT_ECS,
        ec2_timings: Timings | None = None,
        trail: bool = False,
        check_responses: bool = False,
        limits: RateLimits | None = None,
        latency: Latency | None = None,
    ) -> None:
        self.region = region
        self.account_id = account_id
        self.clock = clock or VirtualClock()
        self.ids = IdFactory(seed)
        self.metrics = Metrics()
        self.faults = Faults(self.clock)
        self.check_responses = check_responses
        self.limits = limits if limits is not None else RateLimits.aws()
        self.latency = latency if latency is not None else Latency(seed=seed)
        self.session = make_session(self)
        self.events = EventsBackend(self.clock, self.ids, region, account_id,
                                    self._deliver_to_target,
                                    delivery_offsets=self.faults.delivery_offsets)
        self.cloudtrail = CloudTrail(self.clock, self.ids, region, account_id, self.put_event,
                                     enabled=trail)
        self.lambda_ = LambdaBackend(self.clock, self.ids, region, account_id,
                                     lambda: self.session, faults=self.faults,
                                     metrics=self.metrics)
        self.ec2 = Ec2Backend(self.clock, self.ids, region, account_id, self.publish,
                              timings=ec2_timings)
        self.ec2_view = Ec2View(self.ec2)
        self.elbv2 = Elbv2Backend(region, account_id)
        self.autoscaling = AutoScalingBackend(self.clock, self.ids, region, account_id,
                                              self.ec2, publish=self.publish)
        factory = _default_ecs_factory() if ecs == _DEFAULT_ECS else ecs
        self.ecs: EcsLike | None = None
        if callable(factory):
            self.ecs = factory(self.clock, region, account_id, self.put_event, self.ec2_view)
            self.ec2.listeners.append(self._tell_ecs)
            self.ec2.target_state_listeners.append(self._tell_ecs_target_state)
            set_caller_source = getattr(self.ecs, "set_caller_source", None)
            if callable(set_caller_source):  # ECS records which function stopped or drained
                set_caller_source(self._calling_function)
            set_target_groups = getattr(self.ecs, "set_target_group_source", None)
            if callable(set_target_groups):  # a service's deregistration delay is its group's
                set_target_groups(self.elbv2.deregistration_delay_s)
        self.backends: dict[str, ServiceBackend] = {
            "ec2": self.ec2, "autoscaling": self.autoscaling, "events": self.events,
            "lambda": self.lambda_, "elbv2": self.elbv2,
        }
        if self.ecs is not None:
            self.backends["ecs"] = self.ecs

    # -- clients ------------------------------------------------------------------------

    def client(self, service: str, **kwargs: Any) -> Any:
        """A real boto3 client for `service` whose calls this account answers."""
        return self.session.client(service, **kwargs)

    @contextmanager
    def installed(self) -> Iterator[SimAccount]:
        """Make `boto3.client(...)` anywhere reach this account until the block ends."""
        previous = boto3.DEFAULT_SESSION
        boto3.DEFAULT_SESSION = self.session
        try:
            yield self
        finally:
            boto3.DEFAULT_SESSION = previous

    def add_service(self, service: str, backend: ServiceBackend) -> None:
        """Answer `service` (botocore's service name, e.g. "s3") with another backend."""
        self.backends[service] = backend

    def close(self) -> None:
        self.lambda_.close()

    # -- the transport's entry point ------------------------------------------------------

    def caller_is_function(self) -> bool:
        """Whether the call being made comes from a simulated function (which can wait)."""
        return self.lambda_.current() is not None

    def dispatch(self, service: str, model: OperationModel,
                 params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Answer one API call (one attempt): (HTTP status, parsed response) as botocore
        would parse it. Inside a function the call takes its latency of virtual time."""
        operation = model.name
        key = f"{service}:{operation}"
        invocation = self.lambda_.current()
        if invocation is not None:
            invocation.count_call(key)  # may raise SimulatedCrash into the handler
        self.metrics.calls[key] += 1
        request_id = self.ids.uuid()
        try:
            status, parsed = self._answer(service, model, params, request_id,
                                          None if invocation is None else invocation.wake)
        finally:
            if invocation is not None:
                invocation.hold_for_call(self.latency.sample())
        return status, parsed

    def _answer(self, service: str, model: OperationModel, params: dict[str, Any],
                request_id: str, wake: WakeUp | None) -> tuple[int, dict[str, Any]]:
        operation = model.name
        try:
            self.faults.check_call(service, operation)
            if not self.limits.admit(service, operation, self.clock.now(),
                                     refusable=wake is not None):
                self.metrics.count_throttle(f"{service}:{operation}", wake)
                raise throttling_error(service)
            backend = self.backends.get(service)
            if backend is None:
                raise not_modelled(service, operation)
            parsed = backend.handle(operation, params)
        except AwsError as error:
            return error.http_status, error.parsed_response(request_id)
        if self.check_responses:
            check_response(model, parsed)
        parsed["ResponseMetadata"] = response_metadata(request_id)
        if self.cloudtrail.enabled:
            self.cloudtrail.record(service, model.service_model.endpoint_prefix, operation,
                                   params, request_id)
        return 200, parsed

    # -- events between services ----------------------------------------------------------

    def publish(self, source: str, detail_type: str, detail: dict[str, Any],
                resources: list[str]) -> None:
        """A service event from this account onto the default bus."""
        self.put_event(envelope(event_id=self.ids.uuid(), source=source,
                                detail_type=detail_type, detail=detail, resources=resources,
                                account=self.account_id, region=self.region,
                                time=self.clock.now()))

    def put_event(self, event: Event) -> None:
        """A complete event onto the bus, unless a fault drops it."""
        if not self.faults.drops(event):
            self.events.put(event)

    def _deliver_to_target(self, arn: str, payload: Any) -> None:
        self.lambda_.invoke_async(arn, payload)

    def _calling_function(self) -> str | None:
        """The Lambda function whose invocation is making the current API call, if any."""
        invocation = self.lambda_.current()
        return None if invocation is None else invocation.function.name

    def _tell_ecs(self, instance: Instance, previous: str) -> None:
        """The ECS agent starts once the instance runs (again, after a stop) and dies when it
        shuts down or stops. `on_instance_stopped` is optional for an ECS backend."""
        assert self.ecs is not None
        if instance.state == "running" and previous == "pending":
            self.ecs.on_instance_running(instance.instance_id)
        elif instance.state == "shutting-down":
            self.ecs.on_instance_terminated(instance.instance_id)
        elif instance.state == "stopping":
            stopped = getattr(self.ecs, "on_instance_stopped", None)
            if callable(stopped):
                stopped(instance.instance_id)

    def _tell_ecs_target_state(self, instance: Instance) -> None:
        """Auto Scaling changed the instance's autoscaling/target-lifecycle-state metadata (the
        ECS agent polls it with ECS_WARM_POOLS_CHECK). Optional for an ECS backend."""
        changed = getattr(self.ecs, "on_target_lifecycle_state", None)
        if callable(changed):
            changed(instance.instance_id)
