"""Properties of the pure builders: dips and lanes, for any input."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from ecs_cluster_manager.picture.lanes import InstanceLife, lane
from ecs_cluster_manager.picture.model import (
    TERMINATED,
    DecisionPoint,
    HookAction,
    ServiceSample,
)
from ecs_cluster_manager.picture.services import dips

samples = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=30).map(
    lambda counts: [ServiceSample(float(t), running, 4, minimum)
                    for t, (running, minimum) in enumerate(counts)])


@given(samples)
def test_dips_cover_exactly_the_samples_below_minimum_after_it_was_reached(
        series: list[ServiceSample]) -> None:
    end = float(len(series) + 5)
    found = dips(series, end)
    for dip in found:
        inside = [s for s in series if dip.start <= s.at < dip.end]
        assert inside and all(s.running < s.minimum for s in inside)
        assert dip.lowest == min(s.running for s in inside)
    for before, after in itertools.pairwise(found):
        assert before.end <= after.start
    reached = False
    for sample in series:
        if reached and sample.running < sample.minimum:
            assert any(d.start <= sample.at < d.end for d in found)
        reached = reached or sample.running >= sample.minimum


phases = st.sampled_from(["drain-started", "wait:1 task(s) not STOPPED",
                          "wait:1 service(s) not steady", "wait:other", "continue:done"])


@st.composite
def lives(draw: st.DrawFn) -> tuple[InstanceLife, list[HookAction], list[DecisionPoint], float]:
    launched = draw(st.floats(0, 100))
    held = draw(st.floats(0, 100))
    launch_end = launched + held
    result = draw(st.sampled_from(["CONTINUE", "ABANDON"]))
    actions = [HookAction("i-1", "launch", launched, launch_end, result, "launch function")]
    decisions: list[DecisionPoint] = []
    end = launch_end + 1000
    if draw(st.booleans()):  # after ABANDON too: the instance is terminated through its hook
        stop = launch_end + draw(st.floats(0.5, 500))
        # History's start is the function's measure: a moment early, at times.
        start = min(stop, launch_end + draw(st.floats(-5, 100)))
        actions.append(HookAction("i-1", "terminate", start, stop, "CONTINUE",
                                  "terminate function"))
        for at in sorted(draw(st.lists(st.floats(max(start, launch_end), max(stop, launch_end)),
                                       max_size=6))):
            decision, _, reason = draw(phases).partition(":")
            decisions.append(DecisionPoint(at, "i-1", "terminate", decision, reason))
    return InstanceLife("i-1", launched), actions, decisions, end


@given(lives())
def test_a_lane_is_contiguous_and_ends_terminated_once_let_go(
        drawn: tuple[InstanceLife, list[HookAction], list[DecisionPoint], float]) -> None:
    life, actions, decisions, end = drawn
    built = lane(life, actions, decisions, 0.0, end)
    assert built.intervals[0].start == life.launched
    for before, after in itertools.pairwise(built.intervals):
        assert before.end == after.start
        assert before.start <= before.end
    assert built.intervals[-1].end == end
    let_go = actions[-1].hook == "terminate" or actions[-1].result == "ABANDON"
    assert (built.intervals[-1].kind == TERMINATED) == let_go
