"""The steps of a deploy up to the point of asking: validate, upload the zips, create the
change set and preview it. Executing and watching are the caller's next steps."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ecs_cluster_manager.ops import change_set as change_sets
from ecs_cluster_manager.ops import cluster_reads, preview
from ecs_cluster_manager.ops.checks import Check
from ecs_cluster_manager.ops.parameter_file import load_parameter_file
from ecs_cluster_manager.ops.session import Clients
from ecs_cluster_manager.ops.stack import read_stack
from ecs_cluster_manager.ops.stack_check import stack_check
from ecs_cluster_manager.ops.upload import Uploaded, parameter_overrides, upload_packages
from ecs_cluster_manager.ops.validate import validate
from ecs_cluster_manager.template import load_template


@dataclass(frozen=True)
class Planned:
    checks: list[Check]
    uploaded: list[Uploaded]
    change_set: change_sets.ChangeSet | None = None
    preview: preview.Preview | None = None

    @property
    def failed_checks(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]


def _preview(clients: Clients, stack: str, change_set: change_sets.ChangeSet) -> preview.Preview:
    if change_set.kind == "CREATE":
        return preview.build(change_set, current_ami=None, instances=0)
    refs = read_stack(clients, stack)
    group = cluster_reads.group(clients, refs.group) or {}
    return preview.build(change_set, current_ami=refs.resolved.get(preview.AMI_PARAMETER),
                         instances=int(group.get("DesiredCapacity", 0)))


def plan(clients: Clients, stack: str, parameters_path: Path, template_path: Path,
         s3_prefix: str = "") -> Planned:
    """Everything before the question "execute?"; stops after the checks if one fails."""
    values = load_parameter_file(parameters_path)
    template = load_template(template_path)
    checks = [*validate(template, values, clients), stack_check(clients, stack)]
    if any(not c.ok for c in checks):
        return Planned(checks, [])
    bucket = values["DeploymentS3Bucket"]
    uploaded = upload_packages(clients, bucket, s3_prefix)
    values.update(parameter_overrides(uploaded, bucket))
    change_set = change_sets.create(clients, stack, template_path.read_text(encoding="utf-8"),
                                    template, values)
    shown = _preview(clients, stack, change_set) if change_set.status == "CREATE_COMPLETE" \
        else None
    return Planned(checks, uploaded, change_set, shown)
