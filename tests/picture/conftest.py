"""Two known small scenario runs, played once per test session, and their pictures."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecs_cluster_manager.picture import Picture, picture_from_run
from ecs_cluster_manager.sim.scenario import runner, spec
from ecs_cluster_manager.sim.scenario.runner import Run

HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def roll_run() -> Run:
    """tests/picture/roll-two.yaml: two instances roll one at a time, api at 50 %."""
    return runner.run(spec.load(HERE / "roll-two.yaml"))


@pytest.fixture(scope="session")
def roll(roll_run: Run) -> Picture:
    return picture_from_run(roll_run)


@pytest.fixture(scope="session")
def no_room_run() -> Run:
    """tests/picture/no-room.yaml: a drain that blocks and times out; api dips for good."""
    return runner.run(spec.load(HERE / "no-room.yaml"))


@pytest.fixture(scope="session")
def no_room(no_room_run: Run) -> Picture:
    return picture_from_run(no_room_run)
