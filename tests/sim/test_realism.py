"""AWS's rate limits, call latency, botocore's retries and virtual clocks inside functions."""

from __future__ import annotations

from typing import Any

import pytest

from ecs_cluster_manager.sim import SimAccount
from ecs_cluster_manager.sim.latency import Latency
from ecs_cluster_manager.sim.ratelimits import Bucket, RateLimits
from ecs_cluster_manager.sim.scenario import spec
from tests.sim import lambda_handlers
from tests.sim.fakes import FakeEcs

H = "tests.sim.lambda_handlers"


def _account(**kwargs: Any) -> SimAccount:
    kwargs.setdefault("latency", Latency.none())
    return SimAccount(ecs=FakeEcs, check_responses=True, **kwargs)


def _burst(account: SimAccount, **event: Any) -> dict[str, Any]:
    account.lambda_.register("burst", f"{H}.burst_of_describes", timeout_s=900)
    account.lambda_.invoke_async("burst", event)
    account.clock.run_for(900)
    (seen,) = lambda_handlers.SEEN
    return seen


def test_a_burst_past_the_auto_scaling_bucket_is_throttled_with_its_real_error() -> None:
    account = _account()
    seen = _burst(account, calls=25, attempts=1)
    refused = [r for r in seen["results"] if isinstance(r, str)]
    assert seen["results"][:20] == [0] * 20  # the assumed bucket holds 20 tokens
    assert refused == ["Throttling: Rate exceeded"] * 5
    assert account.metrics.throttles["autoscaling:DescribeAutoScalingGroups"] == 5
    assert account.metrics.wakeups[0].throttled == 5


def test_the_bucket_refills_at_its_rate_on_the_virtual_clock() -> None:
    limits = RateLimits.aws()
    now = 1000.0
    admitted = sum(limits.admit("ecs", "DescribeTasks", now, refusable=True) for _ in range(150))
    assert admitted == 100  # cluster resource read: 100 burst
    later = sum(limits.admit("ecs", "ListTasks", now + 2, refusable=True) for _ in range(100))
    assert later == 40  # 20 per second, shared by the family
    assert limits.admit("ecs", "DescribeServices", now, refusable=True)  # another family


def test_ec2_buckets_are_per_api_and_by_category() -> None:
    limits = RateLimits.aws()
    assert limits.bucket_for("ec2", "DescribeInstances") == ("ec2:DescribeInstances",
                                                             Bucket(100, 20))
    assert limits.bucket_for("ec2", "RunInstances") == ("ec2:RunInstances", Bucket(50, 5))
    assert limits.bucket_for("events", "PutEvents") is None


def test_driver_calls_take_tokens_but_are_never_throttled() -> None:
    account = _account()
    asg = account.client("autoscaling")
    for _ in range(30):
        asg.describe_auto_scaling_groups()
    seen = _burst(account, calls=1, attempts=1)
    assert seen["results"] == ["Throttling: Rate exceeded"]
    assert account.metrics.throttles["autoscaling:DescribeAutoScalingGroups"] == 1


def test_limits_can_be_switched_off() -> None:
    seen = _burst(_account(limits=RateLimits.off()), calls=60, attempts=1)
    assert seen["results"] == [0] * 60


@pytest.mark.parametrize("mode", ["legacy", "standard", "adaptive"])
def test_botocore_retries_run_inside_the_function_with_virtual_backoff(mode: str) -> None:
    account = _account(limits=RateLimits.off())
    account.faults.throttle("autoscaling:DescribeAutoScalingGroups", calls=2)
    seen = _burst(account, calls=1, mode=mode, attempts=5)
    assert seen["results"] == [2]  # succeeded on the third attempt
    assert account.metrics.calls["autoscaling:DescribeAutoScalingGroups"] == 3
    (wake,) = account.metrics.wakeups
    assert wake.sleep_s > 0  # botocore's backoff slept on the virtual clock
    assert seen["elapsed"] == pytest.approx(wake.sleep_s)


def test_adaptive_mode_paces_itself_on_the_virtual_clock() -> None:
    account = _account()
    seen = _burst(account, calls=60, mode="adaptive", attempts=10)
    assert all(r == 0 or isinstance(r, int) for r in seen["results"])
    # 60 calls through a 20-token bucket refilled at 5/s cannot take less than 8 s.
    assert seen["elapsed"] >= (60 - 20) / 5
    assert account.metrics.wakeups[0].error is None


def test_exhausted_retries_surface_the_throttling_error() -> None:
    account = _account(limits=RateLimits.off())
    account.faults.throttle("autoscaling:DescribeAutoScalingGroups", calls=10)
    seen = _burst(account, calls=1, mode="standard", attempts=3)
    assert seen["results"] == ["Throttling: Rate exceeded"]
    assert account.metrics.calls["autoscaling:DescribeAutoScalingGroups"] == 3


def test_call_latency_is_charged_to_the_functions_time_and_bill() -> None:
    account = _account(latency=Latency(0.05, 0.05), limits=RateLimits.off())
    seen = _burst(account, calls=10)
    (wake,) = account.metrics.wakeups
    assert wake.call_latency_s == pytest.approx(0.5)
    assert seen["elapsed"] == pytest.approx(0.5)
    assert wake.billed_ms >= 500


def test_latency_draws_follow_the_asked_median_and_p99() -> None:
    latency = Latency(0.04, 0.25, seed=3)
    draws = sorted(latency.sample() for _ in range(20_000))
    assert draws[10_000] == pytest.approx(0.04, rel=0.05)
    assert draws[19_800] == pytest.approx(0.25, rel=0.15)
    with pytest.raises(ValueError, match="median"):
        Latency(0.3, 0.1)


def test_driver_calls_take_no_virtual_time() -> None:
    account = _account(latency=Latency(1.0, 1.0))
    before = account.clock.now()
    account.client("autoscaling").describe_auto_scaling_groups()
    assert account.clock.now() == before


def test_datetime_and_monotonic_follow_the_virtual_clock_inside_functions() -> None:
    account = _account()
    account.lambda_.register("clocks", f"{H}.read_clocks")
    account.clock.run_for(3600)
    account.lambda_.invoke_async("clocks", {})
    account.clock.run_for(1)
    (clocks,) = lambda_handlers.SEEN
    virtual = clocks["time"]
    assert abs(virtual - account.clock.now()) < 1
    for name in ("monotonic", "now_utc", "utcnow", "module_now"):
        assert clocks[name] == pytest.approx(virtual), name


@pytest.mark.parametrize(("service", "operation", "params", "expected"), [
    ("autoscaling", "describe_auto_scaling_groups", {}, "ok"),
    ("autoscaling", "set_desired_capacity",
     {"AutoScalingGroupName": "missing", "DesiredCapacity": 1}, "ValidationError"),
    ("ec2", "describe_instances", {}, "ok"),
    ("ec2", "terminate_instances", {"InstanceIds": ["i-0123456789abcdef0"]},
     "InvalidInstanceID.NotFound"),
    ("lambda", "list_functions", {}, "ok"),
    ("lambda", "get_function", {"FunctionName": "missing"}, "ResourceNotFoundException"),
    ("events", "list_rules", {}, "ok"),
    ("events", "describe_rule", {"Name": "missing"}, "ResourceNotFoundException"),
])
def test_every_protocol_answers_inside_the_retry_loop(
        service: str, operation: str, params: dict[str, Any], expected: str) -> None:
    account = _account()
    account.lambda_.register("call", f"{H}.call_once", timeout_s=60)
    account.lambda_.invoke_async("call", {"service": service, "operation": operation,
                                          "params": params})
    account.clock.run_for(60)
    assert [{"outcome": expected}] == lambda_handlers.SEEN


def test_a_scenario_sets_the_limits_and_latency() -> None:
    harsh = spec.parse({"aws": {"rate_limits": 0.5,
                                "latency_ms": {"median": 80, "p99": 400}}}).aws.realism()
    assert harsh.limits().scale == 0.5
    assert (harsh.latency_median_s, harsh.latency_p99_s) == (0.08, 0.4)
    kind = spec.parse({"aws": {"rate_limits": "off", "latency_ms": "off"}}).aws.realism()
    assert kind.limits().bucket_for("ecs", "DescribeTasks") is None
    assert kind.latency(0).sample() == 0.0
    assert spec.parse({}).aws.realism().limits().scale == 1.0  # on by default
    with pytest.raises(spec.ScenarioError, match="rate_limits"):
        spec.parse({"aws": {"rate_limits": "fast"}})
    with pytest.raises(spec.ScenarioError, match="p99"):
        spec.parse({"aws": {"latency_ms": {"median": 300, "p99": 100}}})
