"""What a change set would do to a stack: the `Changes` list of DescribeChangeSet.

Follows "Update CloudFormation stacks using change sets"
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-changesets.html)
and the API shapes ResourceChange, ResourceChangeDetail and ResourceTargetDefinition
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChangeDetail.html):

- a resource only in the new template is `Add`, one only in the stack is `Remove` (with the
  PolicyAction its DeletionPolicy gives), one whose properties would change is `Modify`;
- each cause of a modification is one detail: a changed parameter the property refers to
  (`ParameterReference`, Static, CausingEntity the parameter; an SSM-typed parameter counts as
  changed when the value CloudFormation reads from Parameter Store changed), an edit of the
  template itself (`DirectModification`, Static, no CausingEntity), or a reference to a resource
  that is itself changing (Dynamic: `ResourceAttribute` "Resource.Attribute" for Fn::GetAtt of a
  modified resource, `ResourceReference` for Ref of a resource that may be replaced);
- `RequiresRecreation` comes from the property's "Update requires" entry in the resource type's
  reference page (see `REPLACING`); `Replacement` is True when a Static change requires it,
  Conditional when a Dynamic one might, False otherwise.

Where the documentation is silent (how many details AWS lists for one cause, values of Dynamic
targets) the simulator lists one detail per cause and never guesses a Dynamic value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecs_cluster_manager.sim.cloudformation.graph import active_resources, creation_order
from ecs_cluster_manager.sim.cloudformation.intrinsics import Evaluator, references
from ecs_cluster_manager.sim.cloudformation.model import StackResource
from ecs_cluster_manager.sim.cloudformation.parameters import ResolvedParameters

# Properties whose update requires replacement ("Update requires: Replacement" on each type's
# page in the Template Reference, e.g. aws-resource-ec2-launchtemplate.html: LaunchTemplateName;
# aws-resource-lambda-permission.html: every property). Others update in place.
REPLACING: dict[str, frozenset[str]] = {
    "AWS::ECS::Cluster": frozenset({"ClusterName"}),
    "AWS::EC2::LaunchTemplate": frozenset({"LaunchTemplateName"}),
    "AWS::AutoScaling::AutoScalingGroup": frozenset({"AutoScalingGroupName"}),
    "AWS::Lambda::Function": frozenset({"FunctionName"}),
    "AWS::Lambda::Permission": frozenset({
        "Action", "EventSourceToken", "FunctionName", "FunctionUrlAuthType", "Principal",
        "PrincipalOrgID", "SourceAccount", "SourceArn"}),
    "AWS::Events::Rule": frozenset({"Name", "EventBusName"}),
    "AWS::Logs::LogGroup": frozenset({"LogGroupName"}),
    "AWS::IAM::Role": frozenset({"RoleName", "Path"}),
    "AWS::IAM::InstanceProfile": frozenset({"InstanceProfileName", "Path"}),
}
# Resource attributes outside Properties that a change set reports (ResourceAttribute enum).
_ATTRIBUTES = ("Metadata", "CreationPolicy", "UpdatePolicy", "DeletionPolicy",
               "UpdateReplacePolicy")


@dataclass
class Detail:
    attribute: str  # Properties, Tags, Metadata, UpdatePolicy, …
    name: str | None  # the property, for Properties
    recreation: str  # Never | Conditionally | Always
    evaluation: str  # Static | Dynamic
    source: str  # ParameterReference | DirectModification | ResourceAttribute | …
    causing: str | None = None

    def describe(self) -> dict[str, Any]:
        target: dict[str, Any] = {"Attribute": self.attribute,
                                  "RequiresRecreation": self.recreation}
        if self.name is not None:
            target["Name"] = self.name
        described: dict[str, Any] = {"Target": target, "Evaluation": self.evaluation,
                                     "ChangeSource": self.source}
        if self.causing is not None:
            described["CausingEntity"] = self.causing
        return described


@dataclass
class ResourceChange:
    action: str  # Add | Modify | Remove
    logical_id: str
    type: str
    physical_id: str = ""
    details: list[Detail] = field(default_factory=list)
    policy_action: str | None = None

    @property
    def replacement(self) -> str:
        if any(d.recreation == "Always" and d.evaluation == "Static" for d in self.details):
            return "True"
        if any(d.recreation != "Never" for d in self.details):
            return "Conditional"
        return "False"

    def describe(self) -> dict[str, Any]:
        change: dict[str, Any] = {"Action": self.action, "LogicalResourceId": self.logical_id,
                                  "ResourceType": self.type}
        if self.physical_id:
            change["PhysicalResourceId"] = self.physical_id
        if self.policy_action is not None:
            change["PolicyAction"] = self.policy_action
        if self.action == "Modify":
            change["Replacement"] = self.replacement
            change["Scope"] = sorted({d.attribute for d in self.details})
            change["Details"] = [d.describe() for d in self.details]
        else:
            change["Scope"] = []
            change["Details"] = []
        return {"Type": "Resource", "ResourceChange": change}


@dataclass
class _Reads:
    """What one property's evaluation referred to."""

    parameters: set[str] = field(default_factory=set)
    resources: set[str] = field(default_factory=set)
    attributes: set[tuple[str, str]] = field(default_factory=set)


def _parameter_changed(name: str, old: ResolvedParameters, new: ResolvedParameters) -> bool:
    if name not in old.given:
        return True
    return (old.given[name], old.resolved.get(name)) != (new.given[name], new.resolved.get(name))


class ChangePlanner:
    """Compares a stack's resources (as deployed) with a new template and parameters."""

    def __init__(self, resources: dict[str, StackResource], *, old_template: dict[str, Any],
                 old_parameters: ResolvedParameters, template: dict[str, Any],
                 parameters: ResolvedParameters, pseudo: dict[str, Any]) -> None:
        self.deployed = resources
        self.old_specs: dict[str, Any] = old_template.get("Resources") or {}
        self.old_parameters = old_parameters
        self.template = template
        self.parameters = parameters
        self.pseudo = pseudo
        self.planned: dict[str, ResourceChange] = {}
        self._reads = _Reads()

    def _ref(self, name: str) -> Any:
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.parameters.given:
            self._reads.parameters.add(name)
            return self.parameters.value(name)
        self._reads.resources.add(name)
        resource = self.deployed.get(name)
        return resource.physical_id if resource is not None else f"{{{name}}}"

    def _get_att(self, logical_id: str, attribute: str) -> Any:
        self._reads.attributes.add((logical_id, attribute))
        resource = self.deployed.get(logical_id)
        if resource is None or attribute not in resource.attributes:
            return f"{{{logical_id}.{attribute}}}"
        return resource.attributes[attribute]

    def plan(self) -> list[ResourceChange]:
        evaluator = Evaluator(self._ref, self._get_att, self.template.get("Conditions") or {})
        # Conditions first, so their reads are not charged to the first property using them.
        for name in self.template.get("Conditions") or {}:
            evaluator.condition(name)
        resources = active_resources(self.template, evaluator)
        for lid in creation_order(resources):
            spec = resources[lid]
            if lid not in self.deployed:
                self.planned[lid] = ResourceChange("Add", lid, spec["Type"])
                continue
            details = self._details(lid, spec, evaluator)
            if details:
                deployed = self.deployed[lid]
                self.planned[lid] = ResourceChange("Modify", lid, deployed.type,
                                                   deployed.physical_id, details)
        for lid, deployed in self.deployed.items():
            if lid not in resources:
                policy = self.old_specs.get(lid, {}).get("DeletionPolicy", "Delete")
                self.planned[lid] = ResourceChange("Remove", lid, deployed.type,
                                                   deployed.physical_id, policy_action=policy)
        return list(self.planned.values())

    def _details(self, lid: str, spec: dict[str, Any], evaluator: Evaluator) -> list[Detail]:
        deployed = self.deployed[lid]
        old_spec = self.old_specs.get(lid, {})
        old_props: dict[str, Any] = deployed.properties
        new_nodes: dict[str, Any] = spec.get("Properties") or {}
        old_nodes: dict[str, Any] = old_spec.get("Properties") or {}
        details: list[Detail] = []
        for name in sorted(set(new_nodes) | set(old_props)):
            self._reads = _Reads()
            value = evaluator.value(new_nodes[name]) if name in new_nodes else None
            recreation = "Always" if name in REPLACING.get(deployed.type, ()) else "Never"
            attribute, target = ("Tags", None) if name == "Tags" else ("Properties", name)
            causes = self._causes(new_nodes.get(name), old_nodes.get(name),
                                  value != old_props.get(name))
            details += [Detail(attribute, target, recreation, *cause) for cause in causes]
        for attribute in _ATTRIBUTES:
            node = spec.get(attribute)
            for name in sorted(references(node) & set(self.parameters.given)):
                if _parameter_changed(name, self.old_parameters, self.parameters):
                    details.append(Detail(attribute, None, "Never", "Static",
                                          "ParameterReference", name))
            if node != old_spec.get(attribute):
                details.append(Detail(attribute, None, "Never", "Static", "DirectModification"))
        return details

    def _causes(self, node: Any, old_node: Any, value_changed: bool
                ) -> list[tuple[str, str, str | None]]:
        reads = self._reads
        causes: list[tuple[str, str, str | None]] = [
            ("Static", "ParameterReference", name) for name in sorted(reads.parameters)
            if _parameter_changed(name, self.old_parameters, self.parameters)]
        for logical_id, attribute in sorted(reads.attributes):
            change = self.planned.get(logical_id)
            if change is not None and change.action == "Modify":
                causes.append(("Dynamic", "ResourceAttribute", f"{logical_id}.{attribute}"))
        for logical_id in sorted(reads.resources):
            change = self.planned.get(logical_id)
            if change is not None and change.action == "Modify" and change.replacement != "False":
                causes.append(("Dynamic", "ResourceReference", logical_id))
        if node != old_node or (value_changed and not causes):
            causes.append(("Static", "DirectModification", None))
        return causes
