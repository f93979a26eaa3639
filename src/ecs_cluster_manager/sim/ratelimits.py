"""API request rate limits per account and Region: token buckets on the virtual clock.

Each bucket holds at most `burst` tokens and refills `rate` tokens per second; a call takes one
token or is refused with the service's throttling error (`errors.THROTTLING`). Where AWS
publishes the buckets we follow it:

- ECS, "Request throttling for the Amazon ECS API"
  (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html): one bucket
  per action family shared by every caller of the account and Region (cluster read 50/20,
  cluster resource read 100/20, cluster resource modify 100/40, service read 100/20, service
  modify 50/5, agent modify 200/120, capacity provider read 50/20, tag read 50/20).
- EC2, "Request throttling for the Amazon EC2 API"
  (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html): a bucket per API,
  sized by the API's category (non-mutating 100/20, mutating 200/5, resource-intensive such as
  RunInstances 50/5). Resource-token limits (instances per RunInstances) are not modelled.
- Lambda, "Lambda quotas" (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html):
  GetFunction 100 per second, the rest of the control plane 15 per second (no burst published:
  the bucket holds one second's worth). Invocation concurrency is not modelled.

Where AWS publishes no number we model a harsh reading and say it is assumed:

- Auto Scaling: "Amazon EC2 Auto Scaling API ... uses a token bucket ... all APIs share one
  bucket" (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/Welcome.html), with no size
  or rate published. Assumed: 20 burst, 5 per second, for all Auto Scaling calls together.
- CloudFormation publishes no request rate: assumed one bucket of 10 burst, 2 per second.
- ECS actions outside the families above (task definitions, clusters' modify actions):
  assumed 20 burst, 1 per second per family.
- EventBridge and any other service: not limited (our callers send it little).

Only calls made by a simulated function can be refused: the simulation's driver (tests, scenario
set-up, an operator command run in-process) has no virtual time to back off in, so its calls
take a token when there is one and are never throttled. Settable per account
(`SimAccount(limits=...)`) and per scenario; `RateLimits.off()` disables them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Bucket:
    burst: float
    rate: float  # tokens per second


_ECS_FAMILIES: dict[str, tuple[Bucket, tuple[str, ...]]] = {
    "cluster-read": (Bucket(50, 20), ("DescribeClusters", "ListClusters")),
    "cluster-resource-read": (Bucket(100, 20), (
        "DescribeContainerInstances", "DescribeTasks", "ListAttributes",
        "ListContainerInstances", "ListTasks")),
    "cluster-resource-modify": (Bucket(100, 40), (
        "DeleteAttributes", "DeregisterContainerInstance", "ExecuteCommand", "PutAttributes",
        "RunTask", "StartTask", "StopTask", "UpdateContainerAgent",
        "UpdateContainerInstancesState")),
    "service-read": (Bucket(100, 20), ("DescribeServices", "ListServices",
                                       "ListServicesByNamespace")),
    "service-modify": (Bucket(50, 5), ("CreateService", "DeleteService", "UpdateService")),
    "agent-modify": (Bucket(200, 120), (
        "RegisterContainerInstance", "SubmitAttachmentStateChanges",
        "SubmitContainerStateChange", "SubmitTaskStateChange")),
    "capacity-provider-read": (Bucket(50, 20), ("DescribeCapacityProviders",)),
    "tag-read": (Bucket(50, 20), ("ListTagsForResource",)),
}
_ECS_OTHER = Bucket(20, 1)  # assumed: AWS's table does not cover our use of the rest
_EC2_RESOURCE_INTENSIVE = frozenset({
    "RunInstances", "StartInstances", "StopInstances", "TerminateInstances",
    "CreateLaunchTemplate", "CreateLaunchTemplateVersion"})
_EC2_NON_MUTATING = Bucket(100, 20)
_EC2_MUTATING = Bucket(200, 5)
_EC2_INTENSIVE = Bucket(50, 5)


def _ecs(operation: str) -> tuple[str, Bucket]:
    for family, (bucket, operations) in _ECS_FAMILIES.items():
        if operation in operations:
            return f"ecs:{family}", bucket
    return "ecs:other", _ECS_OTHER


def _ec2(operation: str) -> tuple[str, Bucket]:
    if operation in _EC2_RESOURCE_INTENSIVE:
        return f"ec2:{operation}", _EC2_INTENSIVE
    if operation.startswith(("Describe", "Get", "List", "Search")):
        return f"ec2:{operation}", _EC2_NON_MUTATING
    return f"ec2:{operation}", _EC2_MUTATING


def _lambda(operation: str) -> tuple[str, Bucket] | None:
    if operation in ("Invoke", "InvokeAsync"):
        return None
    if operation == "GetFunction":
        return "lambda:GetFunction", Bucket(100, 100)
    return "lambda:control-plane", Bucket(15, 15)


Classifier = Callable[[str], "tuple[str, Bucket] | None"]
AWS_BUCKETS: dict[str, Classifier] = {
    "ecs": _ecs,
    "ec2": _ec2,
    "lambda": _lambda,
    "autoscaling": lambda _: ("autoscaling", Bucket(20, 5)),
    "cloudformation": lambda _: ("cloudformation", Bucket(10, 2)),
}


@dataclass
class _Tokens:
    bucket: Bucket
    tokens: float
    at: float


@dataclass
class RateLimits:
    """The token buckets of one account and Region."""

    classifiers: dict[str, Classifier] = field(default_factory=lambda: dict(AWS_BUCKETS))
    scale: float = 1.0  # multiplies every burst and rate (0.5 = twice as harsh)
    _state: dict[str, _Tokens] = field(default_factory=dict)

    @classmethod
    def aws(cls, scale: float = 1.0) -> RateLimits:
        return cls(scale=scale)

    @classmethod
    def off(cls) -> RateLimits:
        return cls(classifiers={})

    def bucket_for(self, service: str, operation: str) -> tuple[str, Bucket] | None:
        classify = self.classifiers.get(service)
        return None if classify is None else classify(operation)

    def admit(self, service: str, operation: str, now: float, *, refusable: bool) -> bool:
        """Take a token for this call; False when the call is throttled."""
        found = self.bucket_for(service, operation)
        if found is None:
            return True
        name, bucket = found
        burst, rate = bucket.burst * self.scale, bucket.rate * self.scale
        state = self._state.get(name)
        if state is None:
            state = self._state[name] = _Tokens(bucket, burst, now)
        state.tokens = min(burst, state.tokens + (now - state.at) * rate)
        state.at = now
        if state.tokens >= 1.0:
            state.tokens -= 1.0
            return True
        return not refusable
