"""The picture rebuilt from history (what AWS keeps) against what the simulation recorded, for
one simulated AMI roll of the project's stack: the same lanes, the same who-completed."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ecs_cluster_manager.demo.clients import simulated_clients
from ecs_cluster_manager.demo.phases import AMIS, Phase, run_phase
from ecs_cluster_manager.demo.picture import picture_from_demo
from ecs_cluster_manager.demo.watch import Watch
from ecs_cluster_manager.picture import Picture
from ecs_cluster_manager.picture.from_history import CAVEATS, picture_from_history
from ecs_cluster_manager.picture.model import (
    DRAINING,
    LAUNCHING,
    TERMINATE_HOOK,
    WAITING_TASKS,
    Lane,
)
from ecs_cluster_manager.sim.account import SimAccount
from ecs_cluster_manager.sim.project_stack import ProjectStack
from tests.cli.harness import Ecm

ROLL = (
    Phase("deploy", "create the stack", (("publish_ami", {"image": AMIS[0]}),
                                         ("create_stack", {})), "CREATE_COMPLETE"),
    Phase("workloads", "start services", (("start_workloads", {}),), "CREATE_COMPLETE"),
    Phase("ami-roll", "roll a new AMI", (("publish_ami", {"image": AMIS[1]}),
                                         ("update_stack", {})), "UPDATE_COMPLETE"),
)


@dataclass
class Rolled:
    account: SimAccount
    project: ProjectStack
    start: float
    truth: Picture


BAD_AMI = (*ROLL[:2], Phase("bad-ami", "an agent that never connects", (
    ("publish_ami", {"image": AMIS[2], "agent": "never"}), ("update_stack", {})),
    "UPDATE_ROLLBACK_COMPLETE"))


def _play(phases: tuple[Phase, ...]) -> Iterator[Rolled]:
    account = SimAccount()
    project = ProjectStack(account)
    watch = Watch(project, lambda when, text: None)
    start = account.clock.now()
    with account.installed():
        results = [run_phase(phase, project, watch) for phase in phases]
        assert all(r.ok for r in results), results
        truth = picture_from_demo(project, watch, {"name": "roll", "passed": True}, start)
        yield Rolled(account, project, start, truth)
    account.close()


@pytest.fixture(scope="module")
def rolled() -> Iterator[Rolled]:
    yield from _play(ROLL)


@pytest.fixture(scope="module")
def rolled_back() -> Iterator[Rolled]:
    """The launch gate abandons an instance whose agent never connects; the stack rolls back."""
    yield from _play(BAD_AMI)


def _history(rolled: Rolled) -> Picture:
    return picture_from_history(simulated_clients(rolled.account), rolled.project.stack_name,
                                since=rolled.start)


def _shape(lane: Lane) -> list[str]:
    """The kinds a reader sees: intervals of at least 2 s (history's hook starts are the
    functions' own measure, to a tenth of a second), a terminate hook's first moment aside."""
    kinds = [i.kind for i in lane.intervals if i.end - i.start >= 2.0
             and i.kind not in (LAUNCHING, TERMINATE_HOOK)]
    return [k for n, k in enumerate(kinds) if n == 0 or kinds[n - 1] != k]


def test_history_has_the_same_lanes_as_the_simulation(rolled: Rolled) -> None:
    history = _history(rolled)
    truth = {lane.instance_id: lane for lane in rolled.truth.lanes}
    assert {lane.instance_id for lane in history.lanes} == set(truth)
    assert len(truth) == 4  # two launched at create, two in the roll
    for lane in history.lanes:
        assert _shape(lane) == _shape(truth[lane.instance_id]), lane.instance_id


def _completed(picture: Picture) -> set[tuple[str, str, str | None, str | None]]:
    return {(a.instance_id, a.hook, a.result, a.completed_by)
            for lane in picture.lanes for a in lane.actions}


def test_history_says_who_completed_each_action_as_the_simulation_recorded(
        rolled: Rolled) -> None:
    history = _history(rolled)
    assert _completed(history) == _completed(rolled.truth)
    assert {by for _, _, _, by in _completed(history)} == {"launch function",
                                                          "terminate function"}


def test_a_rolled_back_launch_has_the_same_picture_from_history(rolled_back: Rolled) -> None:
    history = _history(rolled_back)
    truth = {lane.instance_id: lane for lane in rolled_back.truth.lanes}
    assert _completed(history) == _completed(rolled_back.truth)
    assert ("launch", "ABANDON", "launch function") in {
        (hook, result, by) for _, hook, result, by in _completed(history)}
    for lane in history.lanes:
        assert _shape(lane) == _shape(truth[lane.instance_id])
        for before, after in itertools.pairwise(lane.intervals):
            assert before.end == after.start  # the terminate hook follows the ABANDON
    assert "ecm-dev UPDATE_ROLLBACK_COMPLETE" in {m.text for m in history.markers}


def test_history_times_the_hooks_within_seconds(rolled: Rolled) -> None:
    truth = {(a.instance_id, a.hook): a for lane in rolled.truth.lanes for a in lane.actions}
    for lane in _history(rolled).lanes:
        for action in lane.actions:
            real = truth[(action.instance_id, action.hook)]
            assert action.start == pytest.approx(real.start, abs=2.0)
            assert action.end is not None and real.end is not None
            assert action.end == pytest.approx(real.end, abs=2.0)  # logged after its call


def test_history_shows_the_drains_and_what_they_waited_for(rolled: Rolled) -> None:
    drained = [lane for lane in _history(rolled).lanes
               if any(a.hook == "terminate" for a in lane.actions)]
    assert len(drained) == 2
    for lane in drained:
        kinds = [i.kind for i in lane.intervals]
        assert DRAINING in kinds and WAITING_TASKS in kinds
        held = [b for i in lane.intervals if i.kind in (DRAINING, WAITING_TASKS)
                for b in i.blocking]
        assert held and all(b.startswith("task ") for b in held)
        assert any("(service:web)" in b for b in held)  # which tasks, of which service


def test_history_has_the_stack_events_and_says_what_it_cannot_know(rolled: Rolled) -> None:
    history = _history(rolled)
    texts = [m.text for m in history.markers]
    assert "ecm-dev UPDATE_COMPLETE" in texts and "ecm-dev CREATE_COMPLETE" in texts
    assert history.services == () and history.caveats == CAVEATS
    assert history.summary.invariants == () and history.summary.passed is None


def test_the_simulated_picture_has_the_services(rolled: Rolled) -> None:
    names = {s.name: s for s in rolled.truth.services}
    assert set(names) == {"web", "worker", "log-router"}
    assert names["log-router"].scheduling == "DAEMON" and names["log-router"].dips == ()
    assert names["web"].samples[-1].running == names["web"].samples[-1].desired == 2


def test_ecm_report_writes_the_page_and_prints_json(rolled: Rolled, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    ecm = Ecm(rolled.account, capsys)
    page = tmp_path / "history.html"
    ran = ecm("report", "--stack-name", "ecm-dev", "--report", str(page), "--output", "json")
    assert ran.code == 0, ran.err
    data = json.loads(ran.out)
    assert data["source"] == "history" and len(data["lanes"]) == 4
    assert f"report: {page}" in ran.err
    assert "completed by terminate function" in page.read_text(encoding="utf-8")
