"""Create, update (with rollback) and delete a stack, one resource at a time.

Stack and resource statuses and their order follow "Stack status codes" and "Resource status
codes" (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html):
a failed create rolls back by deleting what it created (ROLLBACK_COMPLETE); a failed or
cancelled update restores every resource it changed to its previous state, then deletes what
it added (UPDATE_ROLLBACK_COMPLETE), as "Continue rolling back an update" and
"Cancel a stack update" describe
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn--stack-update-cancel.html).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from ecs_cluster_manager.sim.cloudformation.graph import active_resources, creation_order
from ecs_cluster_manager.sim.cloudformation.intrinsics import Evaluator, template_error
from ecs_cluster_manager.sim.cloudformation.model import Stack, StackEvent, StackResource
from ecs_cluster_manager.sim.cloudformation.parameters import ResolvedParameters
from ecs_cluster_manager.sim.cloudformation.process import Cancelled, Step
from ecs_cluster_manager.sim.cloudformation.providers import (
    Context,
    ResourceFailed,
    provider_for,
)
from ecs_cluster_manager.sim.cloudformation.providers.base import Clients

if TYPE_CHECKING:
    from ecs_cluster_manager.sim.account import SimAccount

STACK_TYPE = "AWS::CloudFormation::Stack"
NOT_MODELLED = "Not modelled by the ecm simulator: recorded only"


class Deployment:
    def __init__(self, account: SimAccount, stack: Stack, clients: Clients) -> None:
        self.account = account
        self.stack = stack
        self.clients = clients

    # -- events -----------------------------------------------------------------------------

    def stack_event(self, status: str, reason: str = "") -> None:
        if status.endswith("_IN_PROGRESS") and not self.stack.status.endswith("_IN_PROGRESS"):
            self.stack.revision += 1
        self.stack.status, self.stack.reason = status, reason
        self._record(self.stack.name, self.stack.stack_id, STACK_TYPE, status, reason)

    def emit(self, resource: StackResource, status: str, reason: str = "") -> None:
        resource.status, resource.reason = status, reason
        resource.updated = self.account.clock.now()
        self._record(resource.logical_id, resource.physical_id, resource.type, status, reason)

    def _record(self, logical_id: str, physical_id: str, kind: str, status: str,
                reason: str) -> None:
        self.stack.events.append(StackEvent(self.account.ids.uuid(), logical_id, physical_id,
                                            kind, self.account.clock.now(), status, reason))

    # -- evaluation -------------------------------------------------------------------------

    def pseudo_parameters(self) -> dict[str, Any]:
        return {
            "AWS::StackName": self.stack.name, "AWS::StackId": self.stack.stack_id,
            "AWS::Region": self.account.region, "AWS::AccountId": self.account.account_id,
            "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com",
            "AWS::NotificationARNs": [],
        }

    def evaluator(self, template: dict[str, Any], parameters: ResolvedParameters) -> Evaluator:
        pseudo = self.pseudo_parameters()

        def ref(name: str) -> Any:
            if name in pseudo:
                return pseudo[name]
            if name in parameters.given:
                return parameters.value(name)
            resource = self.stack.resources.get(name)
            if resource is None or not resource.physical_id:
                raise template_error(f"Unresolved resource dependencies [{name}] in the "
                                     "Resources block of the template")
            return provider_for(resource.type).ref(resource)

        def get_att(logical_id: str, attribute: str) -> Any:
            resource = self.stack.resources.get(logical_id)
            if resource is None or attribute not in resource.attributes:
                raise template_error(f"resource {logical_id} does not support attribute type "
                                     f"{attribute} in Fn::GetAtt")
            return resource.attributes[attribute]

        return Evaluator(ref, get_att, template.get("Conditions") or {})

    def _definition(self, evaluator: Evaluator, spec: dict[str, Any]) -> dict[str, Any]:
        """The resource's policies with their intrinsics resolved (Count: !Ref ClusterSize)."""
        return {key: evaluator.value(spec[key]) for key in ("CreationPolicy", "UpdatePolicy")
                if key in spec}

    # -- create -----------------------------------------------------------------------------

    def create(self) -> Step[None]:
        self.stack_event("CREATE_IN_PROGRESS", "User Initiated")
        evaluator = self.evaluator(self.stack.template, self.stack.parameters)
        resources = active_resources(self.stack.template, evaluator)
        created: list[str] = []
        try:
            for lid in creation_order(resources):
                created.append(lid)
                yield from self._create(lid, resources[lid], evaluator)
        except ResourceFailed as failure:
            if self.stack.disable_rollback:
                self.stack_event("CREATE_FAILED", str(failure))
                return
            self.stack_event("ROLLBACK_IN_PROGRESS", f"The following resource(s) failed to "
                             f"create: [{created[-1]}]. Rollback requested by user.")
            failed = yield from self._delete_all(reversed(created), keep_failed=True)
            if failed:
                self.stack_event("ROLLBACK_FAILED", _failed_to_delete(failed))
            else:
                self.stack_event("ROLLBACK_COMPLETE")
            return
        self._outputs(evaluator)
        self.stack_event("CREATE_COMPLETE")

    def _reporting_failure(self, resource: StackResource, status: str, steps: Step[None]) -> Step[None]:
        """Run one resource operation; a failure becomes a `status` (..._FAILED) stack event with
        the reason CloudFormation shows, then propagates."""
        try:
            yield from steps
        except ClientError as error:
            self.emit(resource, status, error.response["Error"]["Message"])
            raise ResourceFailed(resource.reason) from None
        except ResourceFailed as failure:
            self.emit(resource, status, str(failure))
            raise
        except Cancelled:
            self.emit(resource, status, "Resource update cancelled")
            raise

    def _create(self, lid: str, spec: dict[str, Any], evaluator: Evaluator) -> Step[None]:
        resource = StackResource(lid, spec["Type"])
        self.stack.resources[lid] = resource
        provider = provider_for(resource.type)
        resource.modelled = provider.modelled
        self.emit(resource, "CREATE_IN_PROGRESS")
        props = evaluator.value(spec.get("Properties", {}))
        ctx = Context(self.account, self.stack, self.emit, self._definition(evaluator, spec),
                      self.clients)
        def started() -> Step[None]:
            steps = provider.create(ctx, resource, props)
            self.emit(resource, "CREATE_IN_PROGRESS", "Resource creation Initiated")
            yield from steps

        yield from self._reporting_failure(resource, "CREATE_FAILED", started())
        resource.properties = props
        self.emit(resource, "CREATE_COMPLETE", "" if provider.modelled else NOT_MODELLED)

    # -- update -----------------------------------------------------------------------------

    def update(self, template: dict[str, Any], parameters: ResolvedParameters) -> Step[None]:
        previous_template, previous_parameters = self.stack.template, self.stack.parameters
        previous = {lid: r.copy() for lid, r in self.stack.resources.items()}
        previous_specs = previous_template["Resources"]
        self.stack.template, self.stack.parameters = template, parameters
        self.stack.updated = self.account.clock.now()
        self.stack_event("UPDATE_IN_PROGRESS", "User Initiated")
        evaluator = self.evaluator(template, parameters)
        resources = active_resources(template, evaluator)
        changed: list[str] = []
        created: list[str] = []
        try:
            for lid in creation_order(resources):
                if lid in self.stack.resources:
                    yield from self._update(lid, resources[lid], evaluator, changed)
                else:
                    created.append(lid)
                    yield from self._create(lid, resources[lid], evaluator)
        except (ResourceFailed, Cancelled) as failure:
            self.stack.template, self.stack.parameters = previous_template, previous_parameters
            cancelled = isinstance(failure, Cancelled)
            failed = (changed + created)[-1] if changed or created else ""
            self.stack_event("UPDATE_ROLLBACK_IN_PROGRESS",
                             "Stack update cancelled" if cancelled else
                             f"The following resource(s) failed to update: [{failed}].")
            try:
                for lid in reversed(changed):
                    yield from self._restore(lid, previous[lid], previous_specs[lid])
            except ResourceFailed as error:
                self.stack_event("UPDATE_ROLLBACK_FAILED", str(error))
                return
            self.stack_event("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
            yield from self._delete_all(reversed(created))
            self.stack_event("UPDATE_ROLLBACK_COMPLETE")
            return
        self._outputs(evaluator)
        self.stack_event("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
        yield from self._delete_all([lid for lid in reversed(list(self.stack.resources))
                                     if lid not in resources])
        self.stack_event("UPDATE_COMPLETE")

    def _update(self, lid: str, spec: dict[str, Any], evaluator: Evaluator,
                changed: list[str]) -> Step[None]:
        resource = self.stack.resources[lid]
        props = evaluator.value(spec.get("Properties", {}))
        if props == resource.properties:
            return
        changed.append(lid)
        provider = provider_for(resource.type)
        ctx = Context(self.account, self.stack, self.emit, self._definition(evaluator, spec),
                      self.clients)
        self.emit(resource, "UPDATE_IN_PROGRESS")
        # Recorded before the change is applied, so a rollback restores from what was tried.
        old, resource.properties = resource.properties, props
        yield from self._reporting_failure(resource, "UPDATE_FAILED",
                                           provider.update(ctx, resource, old, props))
        self.emit(resource, "UPDATE_COMPLETE", "" if provider.modelled else NOT_MODELLED)

    def _restore(self, lid: str, previous: StackResource, spec: dict[str, Any]) -> Step[None]:
        resource = self.stack.resources[lid]
        evaluator = self.evaluator(self.stack.template, self.stack.parameters)
        ctx = Context(self.account, self.stack, self.emit, self._definition(evaluator, spec),
                      self.clients, rolling_back=True)
        self.emit(resource, "UPDATE_IN_PROGRESS")
        yield from self._reporting_failure(resource, "UPDATE_FAILED",
                                           provider_for(resource.type).restore(ctx, resource, previous))
        resource.properties = previous.properties
        self.emit(resource, "UPDATE_COMPLETE")

    # -- delete -----------------------------------------------------------------------------

    def delete(self) -> Step[None]:
        self.stack_event("DELETE_IN_PROGRESS", "User Initiated")
        failed = yield from self._delete_all(reversed(list(self.stack.resources)),
                                             keep_failed=True)
        if failed:  # the stack stays, with what is left; DeleteStack may be retried
            self.stack_event("DELETE_FAILED", _failed_to_delete(failed))
            return
        self.stack.deleted = self.account.clock.now()
        self.stack_event("DELETE_COMPLETE")

    def _delete_all(self, logical_ids: Any, *, keep_failed: bool = False) -> Step[list[str]]:
        """Delete resources in the given order; those that fail go DELETE_FAILED with the
        service's message and the rest are still deleted. A stack deletion or a create
        rollback keeps a failed resource in the stack (and fails); an update's cleanup leaves
        it behind unmanaged, as CloudFormation does."""
        failed: list[str] = []
        for lid in list(logical_ids):
            resource = self.stack.resources.get(lid)
            if resource is None:
                continue
            if resource.physical_id:
                self.emit(resource, "DELETE_IN_PROGRESS")
                ctx = Context(self.account, self.stack, self.emit, {}, self.clients)
                try:
                    yield from provider_for(resource.type).delete(ctx, resource)
                except ClientError as error:
                    message = error.response["Error"]["Message"]
                    if not _already_gone(error):
                        self.emit(resource, "DELETE_FAILED", message)
                        failed.append(lid)
                        if not keep_failed:
                            del self.stack.resources[lid]
                        continue
                    resource.reason = message  # already gone: CloudFormation moves on
            self.emit(resource, "DELETE_COMPLETE")
            del self.stack.resources[lid]
        return failed

    def _outputs(self, evaluator: Evaluator) -> None:
        outputs = {}
        for name, spec in (self.stack.template.get("Outputs") or {}).items():
            if "Condition" in spec and not evaluator.condition(spec["Condition"]):
                continue
            value = evaluator.value(spec["Value"])
            text = ",".join(value) if isinstance(value, list) else str(value)
            outputs[name] = (text, str(spec.get("Description", "")))
        self.stack.outputs = outputs


def _already_gone(error: ClientError) -> bool:
    """A delete that fails because the resource no longer exists counts as done."""
    code = error.response["Error"]["Code"]
    message = error.response["Error"]["Message"].lower()
    return ("NotFound" in code or "NoSuch" in code or "not found" in message
            or "does not exist" in message)


def _failed_to_delete(logical_ids: list[str]) -> str:
    return f"The following resource(s) failed to delete: [{', '.join(logical_ids)}]. "
