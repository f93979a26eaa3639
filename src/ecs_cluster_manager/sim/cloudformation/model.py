"""Stacks, their resources and events, as DescribeStacks/DescribeStackEvents/DescribeStackResources
show them (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Stack.html,
API_StackEvent.html, API_StackResource.html)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ecs_cluster_manager.sim.cloudformation.parameters import ResolvedParameters


def dt(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


@dataclass
class Signals:
    """Signals a resource is waiting for (CreationPolicy or a rolling-update batch)."""

    expected: int = 0
    success: list[str] = field(default_factory=list)
    failure: list[str] = field(default_factory=list)

    def seen(self, unique_id: str) -> bool:
        return unique_id in self.success or unique_id in self.failure


@dataclass
class StackResource:
    logical_id: str
    type: str
    physical_id: str = ""
    status: str = ""
    reason: str = ""
    updated: float = 0.0
    properties: dict[str, Any] = field(default_factory=dict)  # as last applied, resolved
    attributes: dict[str, Any] = field(default_factory=dict)  # what GetAtt returns
    signals: Signals | None = None  # set while the resource accepts SignalResource
    modelled: bool = True

    def copy(self) -> StackResource:
        return StackResource(self.logical_id, self.type, self.physical_id, self.status,
                             self.reason, self.updated, json.loads(json.dumps(self.properties)),
                             dict(self.attributes), None, self.modelled)


@dataclass
class StackEvent:
    event_id: str
    logical_id: str
    physical_id: str
    type: str
    timestamp: float
    status: str
    reason: str = ""
    properties: dict[str, Any] | None = None


@dataclass
class Stack:
    stack_id: str
    name: str
    created: float
    template: dict[str, Any]
    parameters: ResolvedParameters
    capabilities: list[str]
    status: str = "CREATE_IN_PROGRESS"
    reason: str = ""
    updated: float | None = None
    disable_rollback: bool = False
    tags: list[dict[str, str]] = field(default_factory=list)
    resources: dict[str, StackResource] = field(default_factory=dict)
    events: list[StackEvent] = field(default_factory=list)
    outputs: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (value, desc)
    deleted: float | None = None
    revision: int = 0  # bumped when an operation starts: older change sets become OBSOLETE

    def describe(self) -> dict[str, Any]:
        described: dict[str, Any] = {
            "StackId": self.stack_id, "StackName": self.name, "CreationTime": dt(self.created),
            "StackStatus": self.status, "Parameters": self.parameters.describe(),
            "DisableRollback": self.disable_rollback, "Capabilities": list(self.capabilities),
            "Tags": list(self.tags), "NotificationARNs": [],
            "Outputs": [{"OutputKey": k, "OutputValue": v, "Description": d}
                        for k, (v, d) in self.outputs.items()],
        }
        return {**described, **self.optional_fields("Description")}

    def optional_fields(self, description_key: str) -> dict[str, Any]:
        """The members DescribeStacks and ListStacks include only when they have a value; the
        template's Description is `Description` in one and `TemplateDescription` in the other."""
        fields: dict[str, Any] = {}
        if "Description" in self.template:
            fields[description_key] = self.template["Description"]
        if self.reason:
            fields["StackStatusReason"] = self.reason
        if self.updated is not None:
            fields["LastUpdatedTime"] = dt(self.updated)
        if self.deleted is not None:
            fields["DeletionTime"] = dt(self.deleted)
        return fields

    def describe_event(self, event: StackEvent) -> dict[str, Any]:
        described: dict[str, Any] = {
            "StackId": self.stack_id, "EventId": event.event_id, "StackName": self.name,
            "LogicalResourceId": event.logical_id, "PhysicalResourceId": event.physical_id,
            "ResourceType": event.type, "Timestamp": dt(event.timestamp),
            "ResourceStatus": event.status,
        }
        if event.reason:
            described["ResourceStatusReason"] = event.reason
        if event.properties is not None:
            described["ResourceProperties"] = json.dumps(event.properties, sort_keys=True)
        return described

    def describe_resource(self, resource: StackResource, *, summary: bool = False
                          ) -> dict[str, Any]:
        described: dict[str, Any] = {
            "LogicalResourceId": resource.logical_id, "PhysicalResourceId": resource.physical_id,
            "ResourceType": resource.type, "ResourceStatus": resource.status,
            "DriftInformation": {"StackResourceDriftStatus": "NOT_CHECKED"},
        }
        described["LastUpdatedTimestamp" if summary else "Timestamp"] = dt(resource.updated)
        if not summary:
            described.update(StackName=self.name, StackId=self.stack_id)
        if resource.reason:
            described["ResourceStatusReason"] = resource.reason
        return described
