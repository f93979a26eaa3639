"""The data behind each chart of a known run: lanes, their intervals and kinds, who completed
each action, the services' counts and dips, the summary."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from ecs_cluster_manager.picture import Picture, picture_from_run
from ecs_cluster_manager.picture.model import (
    DRAINING,
    IN_SERVICE,
    LAUNCH_HOOK,
    TERMINATED,
    WAITING_SERVICES,
    WAITING_TASKS,
    WARM_POOL,
    Lane,
)
from ecs_cluster_manager.sim.scenario import runner, spec
from ecs_cluster_manager.sim.scenario.runner import Run


def _kinds(lane: Lane) -> list[str]:
    return [i.kind for i in lane.intervals]


def _by_id(picture: Picture) -> dict[str, Lane]:
    return {lane.instance_id: lane for lane in picture.lanes}


def test_a_lane_per_instance_the_run_saw(roll: Picture, roll_run: Run) -> None:
    assert {lane.instance_id for lane in roll.lanes} == {
        a.instance_id for a in roll_run.actions.values()}
    assert len(roll.lanes) == 4  # two old, two new


def test_lanes_are_contiguous_from_first_interval_to_the_end(roll: Picture) -> None:
    for lane in roll.lanes:
        for before, after in itertools.pairwise(lane.intervals):
            assert before.end == pytest.approx(after.start), lane.instance_id
        assert lane.intervals[-1].end == roll.end


def test_old_instances_are_held_drained_then_terminated(roll: Picture, roll_run: Run) -> None:
    terminated = {a.instance_id for a in roll_run.actions.values()
                  if a.transition.endswith("TERMINATING")}
    assert len(terminated) == 2
    for instance_id in terminated:
        kinds = _kinds(_by_id(roll)[instance_id])
        assert kinds[:2] == [LAUNCH_HOOK, IN_SERVICE]
        assert DRAINING in kinds and WAITING_TASKS in kinds
        assert kinds.index(DRAINING) < kinds.index(WAITING_TASKS)
        assert kinds[-1] == TERMINATED


def test_new_instances_end_in_service(roll: Picture, roll_run: Run) -> None:
    old = {a.instance_id for a in roll_run.actions.values() if a.transition.endswith("TERMINATING")}
    for lane in roll.lanes:
        if lane.instance_id not in old:
            assert _kinds(lane) == [LAUNCH_HOOK, IN_SERVICE]


def test_hook_intervals_are_the_recorded_actions(roll: Picture, roll_run: Run) -> None:
    lanes = _by_id(roll)
    for record in roll_run.actions.values():
        lane = lanes[record.instance_id]
        if record.transition.endswith("LAUNCHING"):
            (held,) = [i for i in lane.intervals if i.kind == LAUNCH_HOOK]
            assert (held.start, held.end) == (record.start, record.end)
        else:
            hook = [i for i in lane.intervals
                    if i.kind not in (LAUNCH_HOOK, IN_SERVICE, TERMINATED)]
            assert (hook[0].start, hook[-1].end) == (record.start, record.end)


def test_who_completed_each_action_and_why(roll: Picture) -> None:
    actions = [a for lane in roll.lanes for a in lane.actions]
    assert {(a.hook, a.result, a.completed_by) for a in actions} == {
        ("launch", "CONTINUE", "launch function"),
        ("terminate", "CONTINUE", "terminate function")}
    launch_reasons = {r for a in actions if a.hook == "launch" for r in a.reasons}
    assert "not registered with the cluster" in launch_reasons
    drain_reasons = {r for a in actions if a.hook == "terminate" for r in a.reasons}
    assert "drain started" in drain_reasons


def test_waiting_for_tasks_names_the_tasks(roll: Picture) -> None:
    waits = [i for lane in roll.lanes for i in lane.intervals if i.kind == WAITING_TASKS]
    assert waits
    for interval in waits:
        assert interval.blocking and all("(service:api)" in b for b in interval.blocking)
        assert "task(s) not STOPPED" in interval.detail


def test_service_counts_over_time_without_a_dip(roll: Picture) -> None:
    (api,) = roll.services
    assert api.name == "api" and api.scheduling == "REPLICA"
    assert api.samples[0].running == 0  # before its tasks started
    assert api.samples[-1].running == api.samples[-1].desired == 2
    assert all(s.minimum == 1 for s in api.samples)
    assert api.dips == ()


def test_summary_counts_actions_by_result_and_who(roll: Picture) -> None:
    tallies = {(t.hook, t.result, t.completed_by): t.count for t in roll.summary.actions}
    assert tallies == {("launch", "CONTINUE", "launch function"): 4,
                       ("terminate", "CONTINUE", "terminate function"): 2}
    assert roll.summary.passed is True
    assert roll.summary.invariants and all(i.held for i in roll.summary.invariants)
    assert roll.source == "simulation" and roll.caveats  # no stack events in a scenario run


def test_a_dip_below_minimum_is_marked_from_the_killed_tasks(no_room: Picture,
                                                             no_room_run: Run) -> None:
    (api,) = no_room.services
    (dip,) = api.dips
    (drain,) = [a for a in no_room_run.actions.values() if a.transition.endswith("TERMINATING")]
    assert drain.result == "ABANDON" and drain.end is not None
    assert dip.start >= drain.end  # the tasks died with the instance, after the hook let it go
    assert dip.end == no_room.end  # never placed again: still below at the end
    assert (dip.lowest, dip.minimum) == (4, 8)


def test_broken_invariants_are_in_the_summary_and_on_the_time_axis(no_room: Picture) -> None:
    broken = {i.name: i for i in no_room.summary.invariants if not i.held}
    assert {"service-below-minimum", "task-stopped-by-termination"} <= set(broken)
    assert "cannot be placed again" in broken["service-below-minimum"].expected
    assert any(m.text.startswith("invariant broken: service-below-minimum")
               for m in no_room.markers)
    assert any("cluster ready" in m.text for m in no_room.markers)


def test_a_blocked_drain_shows_what_it_waited_for_and_who_ended_it(no_room: Picture) -> None:
    (lane,) = [lane for lane in no_room.lanes if any(a.hook == "terminate" for a in lane.actions)]
    waiting = [i for i in lane.intervals if i.kind == WAITING_TASKS]
    assert waiting and waiting[-1].end - waiting[0].start > 200  # most of the 300 s timeout
    (action,) = [a for a in lane.actions if a.hook == "terminate"]
    assert (action.result, action.completed_by) == ("ABANDON", "terminate function")
    assert any("drain timeout" in r for r in action.reasons)


def test_a_warm_pool_instance_waits_in_the_pool_not_in_service() -> None:
    picture = picture_from_run(runner.run(spec.load(Path(__file__).parent / "warm-pool.yaml")))
    shapes = sorted(_kinds(lane) for lane in picture.lanes)
    assert shapes == sorted([
        [LAUNCH_HOOK, IN_SERVICE],  # the group's first instance
        [LAUNCH_HOOK, WARM_POOL, LAUNCH_HOOK, IN_SERVICE],  # taken out by the scale-out
        [LAUNCH_HOOK, WARM_POOL],  # its replacement in the pool
    ])


def test_a_drain_waiting_for_services_names_them() -> None:
    picture = picture_from_run(runner.run(spec.load(Path(__file__).parent /
                                                    "services-not-steady.yaml")))
    drained = [lane for lane in picture.lanes if any(a.hook == "terminate" for a in lane.actions)]
    assert len(drained) == 2
    for lane in drained:
        kinds = _kinds(lane)
        assert kinds.index(DRAINING) < kinds.index(WAITING_SERVICES) < kinds.index(TERMINATED)
        (waiting,) = [i for i in lane.intervals if i.kind == WAITING_SERVICES]
        assert waiting.blocking and all(b.startswith("service web: running ")
                                        for b in waiting.blocking)
        assert "service(s) not steady" in waiting.detail
