"""A service whose counts look right while ECS has not yet reported it steady again keeps a drain
waiting (ecs_reads.SETTLE_WINDOW_S): the scheduler is still at work on it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from ecs_cluster_manager.lifecycle.ecs_reads import SETTLE_WINDOW_S, _settling
from ecs_cluster_manager.lifecycle.model import ServiceView

NOW = 1_767_225_600.0


def event(message: str, ago: float) -> dict[str, Any]:
    return {"message": f"(service web) {message}", "createdAt": datetime.fromtimestamp(NOW - ago, UTC)}


STOPPED = "has stopped 1 running tasks: (task 1a2b)."
STARTED = "has started 1 tasks: (task 3c4d)."
STEADY = "has reached a steady state."
TARGETS = "registered 1 targets in (target-group arn:aws:elasticloadbalancing:tg/web)"


@pytest.mark.parametrize(("events", "settling"), [
    ([], False),
    ([event(STOPPED, 5)], True),
    ([event(STARTED, 1), event(STEADY, 30)], True),
    ([event(STEADY, 1), event(STOPPED, 5)], False),
    ([event(TARGETS, 1), event(STOPPED, 3)], True),  # other messages neither settle nor unsettle
    ([event(TARGETS, 1), event(STEADY, 3), event(STOPPED, 4)], False),
    ([event(STOPPED, SETTLE_WINDOW_S + 1)], False),  # a missed report never holds a drain for long
])
def test_task_churn_not_yet_reported_steady_is_settling(events: list[dict[str, Any]], settling: bool) -> None:
    assert _settling(events, NOW) is settling


def test_a_settling_service_is_not_steady_whatever_its_counts() -> None:
    assert ServiceView("web", "ACTIVE", 1, 4, 4, 0).steady
    assert not ServiceView("web", "ACTIVE", 1, 4, 4, 0, settling=True).steady
    assert ServiceView("web", "DRAINING", 1, 4, 4, 0, settling=True).steady  # being deleted: never blocks
