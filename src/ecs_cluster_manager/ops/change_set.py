"""A change set for the stack: create it (CREATE or UPDATE, with the capabilities the template
needs), wait until CloudFormation has computed it, read it, execute or delete it.

CloudFormation computes a change set asynchronously (DescribeChangeSet Status CREATE_PENDING ->
CREATE_IN_PROGRESS -> CREATE_COMPLETE or FAILED); one with nothing to change FAILS with the
reason "The submitted information didn't contain changes..." (CloudFormation User Guide,
"Update CloudFormation stacks using change sets"). A stack whose CREATE change set was never
executed stays in REVIEW_IN_PROGRESS and takes another CREATE change set.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ecs_cluster_manager.ops.session import Clients
from ecs_cluster_manager.ops.stack import describe_stack
from ecs_cluster_manager.ops.waiting import WaitFailed, wait

NO_CHANGES_MARKERS = ("didn't contain changes", "No updates are to be performed")
NAMED_IAM_PROPERTIES = ("RoleName", "InstanceProfileName", "ManagedPolicyName", "UserName",
                        "GroupName")
WAIT_DELAY_S = 5.0  # what the SAM CLI polls with; botocore's waiter would take 30 s


@dataclass(frozen=True)
class ChangeSet:
    change_set_id: str
    stack_id: str
    kind: str  # CREATE | UPDATE
    status: str  # CREATE_COMPLETE | FAILED
    reason: str
    changes: list[dict[str, Any]] = field(default_factory=list)
    parameters: dict[str, str] = field(default_factory=dict)  # resolved values where given

    @property
    def empty(self) -> bool:
        return self.status == "FAILED" and any(m in self.reason for m in NO_CHANGES_MARKERS)


def capabilities(template: Mapping[str, Any]) -> list[str]:
    """CAPABILITY_IAM when the template has IAM resources, CAPABILITY_NAMED_IAM when one of
    them is given a name (CreateChangeSet, Capabilities)."""
    iam = [r for r in template.get("Resources", {}).values()
           if str(r.get("Type", "")).startswith("AWS::IAM::")]
    if any(p in r.get("Properties", {}) for r in iam for p in NAMED_IAM_PROPERTIES):
        return ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]
    return ["CAPABILITY_IAM"] if iam else []


def change_set_kind(clients: Clients, stack: str) -> str:
    described = describe_stack(clients, stack)
    if described is None or described["StackStatus"] == "REVIEW_IN_PROGRESS":
        return "CREATE"
    return "UPDATE"


def create(clients: Clients, stack: str, template_body: str, template: Mapping[str, Any],
           parameters: Mapping[str, str]) -> ChangeSet:
    """Create the change set and wait until CloudFormation has computed (or refused) it."""
    kind = change_set_kind(clients, stack)
    created = clients("cloudformation").create_change_set(
        StackName=stack, ChangeSetName=f"ecm-{int(clients.now())}", ChangeSetType=kind,
        TemplateBody=template_body, Capabilities=capabilities(template),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        Description="created by ecm deploy")
    with contextlib.suppress(WaitFailed):  # FAILED is an answer too: describe says why
        wait(clients, "cloudformation", "change_set_create_complete", delay=WAIT_DELAY_S,
             ChangeSetName=created["Id"])
    return describe(clients, created["Id"], kind)


def describe(clients: Clients, change_set_id: str, kind: str) -> ChangeSet:
    pages = list(clients("cloudformation").get_paginator("describe_change_set").paginate(
        ChangeSetName=change_set_id))
    first = pages[0]
    return ChangeSet(
        change_set_id=change_set_id, stack_id=first["StackId"], kind=kind,
        status=first["Status"], reason=first.get("StatusReason", ""),
        changes=[c["ResourceChange"] for page in pages for c in page.get("Changes", [])
                 if "ResourceChange" in c],
        parameters={p["ParameterKey"]: p.get("ResolvedValue", p.get("ParameterValue", ""))
                    for p in first.get("Parameters", [])})


def execute(clients: Clients, change_set: ChangeSet) -> None:
    clients("cloudformation").execute_change_set(ChangeSetName=change_set.change_set_id)


def discard(clients: Clients, change_set: ChangeSet) -> None:
    clients("cloudformation").delete_change_set(ChangeSetName=change_set.change_set_id)
