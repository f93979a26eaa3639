from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ecs_cluster_manager.sim.clock import DEFAULT_START, VirtualClock


def test_starts_at_2026_and_jumps_to_each_callback() -> None:
    clock = VirtualClock()
    seen: list[float] = []
    clock.call_later(3600, lambda: seen.append(clock.now()))
    clock.call_later(10, lambda: seen.append(clock.now()))
    clock.run_for(7200)
    assert clock.now() == DEFAULT_START + 7200
    assert seen == [DEFAULT_START + 10, DEFAULT_START + 3600]


def test_ties_run_in_scheduling_order_and_cancelled_timers_never_run() -> None:
    clock = VirtualClock()
    order: list[str] = []
    clock.call_later(5, lambda: order.append("a"))
    dropped = clock.call_later(5, lambda: order.append("x"))
    clock.call_later(5, lambda: order.append("b"))
    clock.cancel(dropped)
    clock.run_until_idle()
    assert order == ["a", "b"]
    assert clock.pending() == 0


def test_callbacks_may_schedule_more_work_and_the_past_means_now() -> None:
    clock = VirtualClock()
    times: list[float] = []

    def again() -> None:
        times.append(clock.now())
        if len(times) < 3:
            clock.call_at(clock.now() - 100, again)

    clock.call_later(1, again)
    clock.run_until_idle()
    assert times == [DEFAULT_START + 1] * 3


def test_run_until_true_stops_at_the_first_callback_that_makes_it_true() -> None:
    clock = VirtualClock()
    state = {"n": 0}
    for delay in (10, 20, 30):
        clock.call_later(delay, lambda: state.update(n=state["n"] + 1))
    assert clock.run_until_true(lambda: state["n"] == 2)
    assert clock.now() == DEFAULT_START + 20
    assert not clock.run_until_true(lambda: state["n"] == 5, timeout=100)
    assert clock.now() == DEFAULT_START + 120


@given(st.lists(st.floats(min_value=0, max_value=1e6), max_size=40))
def test_callbacks_run_in_time_order(delays: list[float]) -> None:
    clock = VirtualClock()
    fired: list[float] = []
    for delay in delays:
        clock.call_later(delay, lambda: fired.append(clock.now()))
    clock.run_until_idle(horizon=2e6)
    assert fired == sorted(fired)
    assert len(fired) == len(delays)
