"""CloudFormation stack statuses sorted into in progress, complete and failed.

Statuses from the CloudFormation API Reference, "Stack" (StackStatus). A rollback that
completes is a failed operation: the change the user asked for did not happen.
"""

from __future__ import annotations

from enum import Enum


class Outcome(Enum):
    IN_PROGRESS = "in progress"
    COMPLETE = "complete"
    FAILED = "failed"
    REVIEW = "awaiting a change set"  # REVIEW_IN_PROGRESS: a CREATE change set, not executed


_FAILED_COMPLETES = frozenset({"ROLLBACK_COMPLETE", "UPDATE_ROLLBACK_COMPLETE",
                               "IMPORT_ROLLBACK_COMPLETE"})


def classify(status: str) -> Outcome:
    """In progress, complete or failed, for any StackStatus (unknown ones count as failed)."""
    if status == "REVIEW_IN_PROGRESS":  # a resting state despite its name
        return Outcome.REVIEW
    if status.endswith("_IN_PROGRESS"):
        return Outcome.IN_PROGRESS
    if status in _FAILED_COMPLETES or status.endswith("_FAILED"):
        return Outcome.FAILED
    if status.endswith("_COMPLETE"):
        return Outcome.COMPLETE
    return Outcome.FAILED


def is_terminal(status: str) -> bool:
    return classify(status) is not Outcome.IN_PROGRESS
