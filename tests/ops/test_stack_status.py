"""Every CloudFormation stack status lands in exactly one outcome."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecs_cluster_manager.ops.stack_status import Outcome, classify, is_terminal

# StackStatus values from the CloudFormation API Reference ("Stack").
CASES = {
    "CREATE_IN_PROGRESS": Outcome.IN_PROGRESS, "CREATE_FAILED": Outcome.FAILED,
    "CREATE_COMPLETE": Outcome.COMPLETE, "ROLLBACK_IN_PROGRESS": Outcome.IN_PROGRESS,
    "ROLLBACK_FAILED": Outcome.FAILED, "ROLLBACK_COMPLETE": Outcome.FAILED,
    "DELETE_IN_PROGRESS": Outcome.IN_PROGRESS, "DELETE_FAILED": Outcome.FAILED,
    "DELETE_COMPLETE": Outcome.COMPLETE, "UPDATE_IN_PROGRESS": Outcome.IN_PROGRESS,
    "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS": Outcome.IN_PROGRESS,
    "UPDATE_COMPLETE": Outcome.COMPLETE, "UPDATE_FAILED": Outcome.FAILED,
    "UPDATE_ROLLBACK_IN_PROGRESS": Outcome.IN_PROGRESS,
    "UPDATE_ROLLBACK_FAILED": Outcome.FAILED,
    "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS": Outcome.IN_PROGRESS,
    "UPDATE_ROLLBACK_COMPLETE": Outcome.FAILED, "REVIEW_IN_PROGRESS": Outcome.REVIEW,
    "IMPORT_IN_PROGRESS": Outcome.IN_PROGRESS, "IMPORT_COMPLETE": Outcome.COMPLETE,
    "IMPORT_ROLLBACK_IN_PROGRESS": Outcome.IN_PROGRESS,
    "IMPORT_ROLLBACK_FAILED": Outcome.FAILED, "IMPORT_ROLLBACK_COMPLETE": Outcome.FAILED,
}


@pytest.mark.parametrize(("status", "outcome"), CASES.items())
def test_documented_statuses(status: str, outcome: Outcome) -> None:
    assert classify(status) is outcome


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ_", min_size=1, max_size=40))
def test_only_in_progress_statuses_are_not_terminal(status: str) -> None:
    expected_busy = status.endswith("_IN_PROGRESS") and status != "REVIEW_IN_PROGRESS"
    assert is_terminal(status) is not expected_busy
