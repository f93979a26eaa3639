"""Change sets: what they hold and how DescribeChangeSet and ListChangeSets show them.

Statuses follow API_DescribeChangeSet and API_ChangeSetSummary
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html):
`Status` goes CREATE_PENDING → CREATE_IN_PROGRESS → CREATE_COMPLETE or FAILED while
CloudFormation computes the changes (asynchronously: a caller must wait for it);
`ExecutionStatus` is UNAVAILABLE until then, AVAILABLE once it can be executed,
EXECUTE_IN_PROGRESS / EXECUTE_COMPLETE / EXECUTE_FAILED once executed, and OBSOLETE when the
stack was updated since ("CloudFormation retains all change sets until you update the stack",
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-changesets-delete.html).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecs_cluster_manager.sim.cloudformation.changes import ResourceChange
from ecs_cluster_manager.sim.cloudformation.model import Stack, dt
from ecs_cluster_manager.sim.cloudformation.parameters import ResolvedParameters

NO_CHANGES = ("The submitted information didn't contain changes. Submit different information "
              "to create a change set.")
_SUCCEEDED = ("CREATE_COMPLETE", "UPDATE_COMPLETE")


@dataclass
class ChangeSet:
    change_set_id: str
    name: str
    stack: Stack
    kind: str  # CREATE | UPDATE
    created: float
    template: dict[str, Any]
    parameters: ResolvedParameters
    capabilities: list[str]
    stack_revision: int  # the stack's revision it was computed against
    description: str = ""
    tags: list[dict[str, str]] = field(default_factory=list)
    status: str = "CREATE_PENDING"
    reason: str = ""
    changes: list[ResourceChange] = field(default_factory=list)
    executed: bool = False

    @property
    def execution_status(self) -> str:
        if self.executed:
            if self.stack.status.endswith("_IN_PROGRESS"):
                return "EXECUTE_IN_PROGRESS"
            return "EXECUTE_COMPLETE" if self.stack.status in _SUCCEEDED else "EXECUTE_FAILED"
        if self.status != "CREATE_COMPLETE":
            return "UNAVAILABLE"
        return "OBSOLETE" if self.stack.revision != self.stack_revision else "AVAILABLE"

    def summary(self) -> dict[str, Any]:
        described: dict[str, Any] = {
            "StackId": self.stack.stack_id, "StackName": self.stack.name,
            "ChangeSetId": self.change_set_id, "ChangeSetName": self.name,
            "ExecutionStatus": self.execution_status, "Status": self.status,
            "CreationTime": dt(self.created), "IncludeNestedStacks": False,
        }
        if self.reason:
            described["StatusReason"] = self.reason
        if self.description:
            described["Description"] = self.description
        return described

    def describe(self, changes: list[dict[str, Any]]) -> dict[str, Any]:
        """One page of DescribeChangeSet, with `changes` already cut to the page."""
        described = self.summary()
        described.update(
            Parameters=self.parameters.describe(), Capabilities=list(self.capabilities),
            Tags=list(self.tags), NotificationARNs=[], Changes=changes,
            RollbackConfiguration={})
        return described
