"""The buckets' floor the benchmark prints beside our lags (benchmarks/floors.py)."""

from __future__ import annotations

import pytest
from benchmarks.floors import bucket_lags, completion_floor
from hypothesis import given
from hypothesis import strategies as st

from ecs_cluster_manager.sim.ratelimits import RateLimits


def test_a_batch_ready_at_once_waits_for_the_refill_beyond_the_burst() -> None:
    lags = bucket_lags([100.0] * 100, burst=20, rate=5)
    assert lags[:20] == [0.0] * 20
    assert lags[49] == pytest.approx((50 - 20) / 5)
    assert lags[-1] == pytest.approx((100 - 20) / 5)


def test_a_bucket_refills_between_batches_but_never_beyond_its_burst() -> None:
    lags = bucket_lags([0.0] * 20 + [1000.0] * 21, burst=20, rate=5)
    assert lags[:40] == [0.0] * 40 and lags[40] == pytest.approx(0.2)


@given(st.lists(st.floats(0, 10_000), max_size=60), st.integers(1, 50), st.floats(0.5, 50))
def test_lags_are_never_negative_and_never_wait_with_room_to_spare(ready: list[float], burst: int,
                                                                    rate: float) -> None:
    lags = bucket_lags(ready, burst, rate)
    assert len(lags) == len(ready) and all(lag >= 0 for lag in lags)
    if len(ready) <= burst:
        assert lags == [0.0] * len(ready)


def test_signalling_first_adds_cloudformations_bucket() -> None:
    limits = RateLimits.aws()
    ready = [0.0] * 100
    assert completion_floor(ready, limits, signals=False)[49] == pytest.approx(6.0)  # Auto Scaling 20 / 5
    assert completion_floor(ready, limits, signals=True)[49] == pytest.approx(20.0)  # CloudFormation 10 / 2
    assert completion_floor(ready, RateLimits.off(), signals=True) == [0.0] * 100
