"""`ecm logs` pieces that need no log group: how --since is read and a decision line shown."""

from __future__ import annotations

import pytest

from ecs_cluster_manager.cli.logs import line, since_epoch
from ecs_cluster_manager.errors import UserError
from ecs_cluster_manager.ops.logs import Decision

NOW = 1_767_225_600.0  # 2026-01-01T00:00:00Z


@pytest.mark.parametrize(("value", "expected"), [
    ("30s", NOW - 30), ("10m", NOW - 600), ("1h", NOW - 3600), ("2d", NOW - 172800),
    ("2025-12-31T23:00:00Z", NOW - 3600), ("2025-12-31T23:00:00", NOW - 3600),
])
def test_since(value: str, expected: float) -> None:
    assert since_epoch(value, NOW) == expected


def test_since_rejects_anything_else() -> None:
    with pytest.raises(UserError, match=r"--since 'yesterday' is neither an age"):
        since_epoch("yesterday", NOW)


def test_a_decision_line_names_time_function_instance_decision_reason_and_blocker() -> None:
    decision = Decision(NOW, "/ecs-cluster-manager/ecm-dev/terminate", {
        "function": "terminate", "instance_id": "i-0123456789abcdef0", "decision": "wait",
        "reason": "tasks still running", "blocking": ["task/web/1", "task/web/2"]})
    assert line(decision) == ("2026-01-01 00:00:00  terminate i-0123456789abcdef0 wait       "
                              "tasks still running  [blocked by: task/web/1, task/web/2]")
