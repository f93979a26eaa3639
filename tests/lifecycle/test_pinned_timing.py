"""Pinning tests for timing.py: the exact heartbeat interval and the window of plausible starts.

Written against the survivors of `make mutation` (docs/reliability.md, "Mutation testing"): each
assertion fails for a one-token change of the formula that the behaviour tests let through.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ecs_cluster_manager.lifecycle.config import HEARTBEAT_MAX_S, HEARTBEAT_MIN_S, SWEEP_PERIOD_S
from ecs_cluster_manager.lifecycle.timing import heartbeat_due, heartbeat_interval_s, plausible_start

from .conftest import make_config

NOW = 1_800_000_000.0


@pytest.mark.parametrize(("timeout", "interval"), [
    (120, 30),    # the shortest the template allows: a heartbeat on every sweep (half a period)
    (150, 30),    # timeout - 2 sweeps = 30 s, the floor
    (180, 60),    # two sweep periods before the timeout, not half of it
    (200, 80),
    (240, 120),   # where "two sweeps before" meets "half the timeout"
    (600, 300),
    (3600, 1800),
    (7200, 3600),  # the longest HeartbeatTimeout Auto Scaling accepts
])
def test_the_interval_leaves_two_sweeps_before_the_timeout_and_never_beats_twice_a_sweep(
        timeout: int, interval: float) -> None:
    assert heartbeat_interval_s(make_config(heartbeat_timeout_s=timeout)) == interval


@given(st.integers(HEARTBEAT_MIN_S, HEARTBEAT_MAX_S))
@example(HEARTBEAT_MIN_S)
@example(HEARTBEAT_MAX_S)
@example(4 * SWEEP_PERIOD_S)
def test_a_heartbeat_is_due_exactly_one_interval_after_the_last(timeout: int) -> None:
    """Auto Scaling times the action out HeartbeatTimeout after the last heartbeat; ours goes out
    an interval after it, which leaves at least one whole sweep period (a failed sweep) in hand."""
    config = make_config(heartbeat_timeout_s=timeout)
    interval = heartbeat_interval_s(config)
    assert SWEEP_PERIOD_S / 2 <= interval <= timeout - SWEEP_PERIOD_S
    assert heartbeat_due(NOW, NOW - 5000, NOW - interval, config)
    assert not heartbeat_due(NOW, NOW - 5000, NOW - interval + 1, config)
    assert heartbeat_due(NOW, NOW - interval, None, config)
    assert not heartbeat_due(NOW, NOW - interval + 1, None, config)


def test_an_event_of_this_very_second_is_a_plausible_start() -> None:
    assert plausible_start(NOW, NOW, make_config()) == NOW
    assert plausible_start(NOW + 1, NOW, make_config()) is None


def test_an_event_exactly_one_global_timeout_old_is_still_plausible() -> None:
    config = make_config(heartbeat_timeout_s=600)  # global timeout min(48 h, 100 x 600) = 60000 s
    assert plausible_start(NOW - 60_000, NOW, config) == NOW - 60_000
    assert plausible_start(NOW - 60_001, NOW, config) is None


def test_an_event_from_before_the_instance_launched_is_ignored() -> None:
    """A replayed event of an earlier action would make the gate time out at once."""
    config = make_config()
    assert plausible_start(NOW - 100, NOW, config, not_before=NOW - 50) is None
    assert plausible_start(NOW - 50, NOW, config, not_before=NOW - 50) == NOW - 50
    assert plausible_start(None, NOW, config) is None
