"""What a change set will do, in plain words: resources added, modified (replacements marked)
and removed, and whether the instances will be rolled (old AMI -> new AMI, how many, in batches
of what).

A rolling replacement happens when the group's launch template changes: the template's
AutoScalingRollingUpdate policy replaces every instance, MaxBatchSize at a time (CloudFormation
User Guide, "UpdatePolicy attribute"). ResourceChange fields per the CloudFormation API
Reference, "ResourceChange" (Action Add | Modify | Remove | Import | Dynamic; Replacement True |
False | Conditional).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecs_cluster_manager.ops.change_set import ChangeSet

GROUP_TYPE = "AWS::AutoScaling::AutoScalingGroup"
LAUNCH_TEMPLATE_TYPE = "AWS::EC2::LaunchTemplate"
AMI_PARAMETER = "EcsAmiParameterKey"
BATCH_PARAMETER = "RollingUpdateBatchSize"


@dataclass(frozen=True)
class Row:
    action: str
    logical_id: str
    resource_type: str
    replacement: str  # "True" | "False" | "Conditional" | ""

    @property
    def replaced(self) -> bool:
        return self.replacement in ("True", "Conditional")


@dataclass(frozen=True)
class Roll:
    instances: int
    batch: int
    old_ami: str | None
    new_ami: str | None

    def sentence(self) -> str:
        what = (f"{self.old_ami} -> {self.new_ami}" if self.old_ami != self.new_ami
                else "a new launch template version")
        return (f"{self.instances} instance(s) will be replaced, {self.batch} at a time "
                f"({what}); each new one must join ECS and each old one drain first")


@dataclass(frozen=True)
class Preview:
    kind: str
    rows: list[Row] = field(default_factory=list)
    roll: Roll | None = None

    def by_action(self, action: str) -> list[Row]:
        return [r for r in self.rows if r.action == action]

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind,
                "changes": [vars(r) for r in self.rows],
                "roll": None if self.roll is None else vars(self.roll)}


def _rolls(rows: list[Row], change_set: ChangeSet) -> bool:
    group_modified = any(r.resource_type == GROUP_TYPE and r.action == "Modify" for r in rows)
    template_changed = any(r.resource_type == LAUNCH_TEMPLATE_TYPE and r.action == "Modify"
                           for r in rows)
    details = [d for c in change_set.changes if c.get("ResourceType") == GROUP_TYPE
               for d in c.get("Details", [])]
    names_template = any(d.get("Target", {}).get("Name") == "LaunchTemplate" for d in details)
    return group_modified and (template_changed or names_template)


def build(change_set: ChangeSet, *, current_ami: str | None, instances: int) -> Preview:
    """The preview of `change_set`, given the AMI the stack runs now and its instance count."""
    rows = [Row(c.get("Action", ""), c.get("LogicalResourceId", ""), c.get("ResourceType", ""),
                str(c.get("Replacement", "")) if c.get("Action") == "Modify" else "")
            for c in change_set.changes]
    roll = None
    if change_set.kind == "UPDATE" and _rolls(rows, change_set):
        batch = int(change_set.parameters.get(BATCH_PARAMETER, "1") or 1)
        roll = Roll(instances, batch, current_ami, change_set.parameters.get(AMI_PARAMETER))
    return Preview(change_set.kind, rows, roll)
