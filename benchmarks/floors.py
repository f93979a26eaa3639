"""The least ready->complete lag any design can reach under the simulated account's buckets.

Completing a lifecycle action takes one Auto Scaling call (CompleteLifecycleAction), and a launch
that signals the stack one CloudFormation call (SignalResource) before it. Served in the order
the instances became ready, by buckets that start full and serve nothing else, the k-th of a
batch that became ready together cannot complete before its turn comes: with the assumed Auto
Scaling bucket of 20 burst and 5 per second, the 50th of 100 instances ready in the same second
waits at least (50 - 20) / 5 = 6 s. That is a floor, not an estimate of any design: every real
design makes other calls on the same buckets.
"""

from __future__ import annotations

from ecs_cluster_manager.sim.ratelimits import RateLimits


def bucket_lags(ready: list[float], burst: float, rate: float) -> list[float]:
    """Per instant in `ready` (sorted here), how long after it a full bucket can first serve it."""
    lags: list[float] = []
    clock: float | None = None
    tokens = burst
    for at in sorted(ready):
        served = at if clock is None else max(at, clock)
        if clock is not None:
            tokens = min(burst, tokens + (served - clock) * rate)
        if tokens < 1:
            served += (1 - tokens) / rate
            tokens = 1.0
        tokens -= 1
        clock = served
        lags.append(served - at)
    return lags


def completion_floor(ready: list[float], limits: RateLimits, signals: bool) -> list[float]:
    """The floor of each action's ready->complete lag (sorted by readiness): Auto Scaling's
    bucket, and CloudFormation's too when each one signals the stack first."""
    buckets = [limits.bucket_for("autoscaling", "CompleteLifecycleAction")]
    if signals:
        buckets.append(limits.bucket_for("cloudformation", "SignalResource"))
    floors = [0.0] * len(ready)
    for found in buckets:
        if found is None:
            continue
        bucket = found[1]
        lags = bucket_lags(ready, bucket.burst * limits.scale, bucket.rate * limits.scale)
        floors = [max(a, b) for a, b in zip(floors, lags, strict=True)]
    return floors
