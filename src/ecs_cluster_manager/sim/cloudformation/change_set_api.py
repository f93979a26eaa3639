"""CreateChangeSet, DescribeChangeSet, ExecuteChangeSet, DeleteChangeSet and ListChangeSets.

Each follows its page in the CloudFormation API Reference (API_CreateChangeSet.html, …) and
"Update CloudFormation stacks using change sets"
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-changesets.html):

- a CREATE change set makes a stack in REVIEW_IN_PROGRESS, which stays there (DescribeStacks
  shows it) until the change set is executed or the stack deleted; an UPDATE change set needs a
  stack that could be updated now;
- template, parameters (SSM-typed ones read now) and capabilities are checked when the call is
  made (ValidationError, InsufficientCapabilitiesException); the changes are computed
  afterwards on the virtual clock, so a caller must wait for CREATE_COMPLETE (or FAILED) before
  executing, as on AWS;
- the same template and parameters as the stack's (an SSM parameter reading the same value)
  make the change set FAILED with "The submitted information didn't contain changes. …";
- ExecuteChangeSet runs exactly what CreateStack / UpdateStack run, and removes the stack's
  other change sets; DescribeChangeSet pages its Changes (AWS pages by response size, 1 MB; the
  simulator pages by a small count, the harsher reading, so a caller must follow NextToken).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ecs_cluster_manager.sim.backend import Params, Response, paginate, with_next_token
from ecs_cluster_manager.sim.cloudformation.change_sets import NO_CHANGES, ChangeSet
from ecs_cluster_manager.sim.cloudformation.changes import ChangePlanner
from ecs_cluster_manager.sim.cloudformation.deploy import Deployment
from ecs_cluster_manager.sim.cloudformation.model import Stack
from ecs_cluster_manager.sim.cloudformation.parameters import ResolvedParameters
from ecs_cluster_manager.sim.errors import AwsError

if TYPE_CHECKING:
    from ecs_cluster_manager.sim.cloudformation.backend import CloudFormationBackend

CHANGES_PER_PAGE = 20
COMPUTE_S = 5.0  # virtual seconds from CREATE_PENDING to CREATE_COMPLETE
_NAME = re.compile(r"[a-zA-Z][-a-zA-Z0-9]*")


def _invalid(message: str) -> AwsError:
    return AwsError("ValidationError", message)


def _not_found(name: str) -> AwsError:
    return AwsError("ChangeSetNotFound", f"ChangeSet [{name}] does not exist", 404)


class ChangeSetOperations:
    def __init__(self, backend: CloudFormationBackend) -> None:
        self.backend = backend
        self.account = backend.account
        self.change_sets: dict[str, ChangeSet] = {}  # by id

    # -- lookups ----------------------------------------------------------------------------

    def find(self, params: Params) -> ChangeSet:
        name = params["ChangeSetName"]
        if name.startswith("arn:"):
            found = self.change_sets.get(name)
        else:
            if "StackName" not in params:
                raise _invalid("StackName must be specified if ChangeSetName is not specified "
                               "as an ARN.")
            stack = self.backend.stack(params["StackName"])
            found = next((c for c in self.change_sets.values()
                          if c.stack is stack and c.name == name), None)
        if found is None or found.stack.deleted is not None:
            raise _not_found(name)
        return found

    # -- operations -------------------------------------------------------------------------

    def create(self, params: Params) -> Response:
        name, kind = params["ChangeSetName"], params.get("ChangeSetType", "UPDATE")
        if not _NAME.fullmatch(name) or len(name) > 128:
            raise _invalid(f"1 validation error detected: Value '{name}' at 'changeSetName' "
                           "failed to satisfy constraint: Member must satisfy regular "
                           "expression pattern: [a-zA-Z][-a-zA-Z0-9]*")
        stack = self._target(params["StackName"], kind, name)
        previous = None if kind == "CREATE" else stack
        template = self.backend.template_from(params, previous.template if previous else None)
        capabilities = list(params.get("Capabilities", []))
        self.backend.check_capabilities(template, capabilities)
        parameters = self.backend.parameters_from(template, params,
                                                  previous.parameters if previous else None)
        if any(c.stack is stack and c.name == name for c in self.change_sets.values()):
            raise AwsError("AlreadyExistsException", f"ChangeSet [{name}] already exists")
        account = self.account
        change_set = ChangeSet(
            f"arn:aws:cloudformation:{account.region}:{account.account_id}:changeSet/{name}/"
            f"{account.ids.uuid()}", name, stack, kind, account.clock.now(), template,
            parameters, capabilities, stack.revision, params.get("Description", ""),
            list(params.get("Tags", [])))
        self.change_sets[change_set.change_set_id] = change_set
        account.clock.call_later(1.0, lambda: _advance(change_set, "CREATE_IN_PROGRESS"))
        account.clock.call_later(COMPUTE_S, lambda: self._compute(change_set))
        return {"Id": change_set.change_set_id, "StackId": stack.stack_id}

    def _target(self, stack_name: str, kind: str, name: str) -> Stack:
        """The stack an UPDATE change set changes, or the REVIEW_IN_PROGRESS stack of a CREATE."""
        existing = next((s for s in self.backend.stacks.values()
                         if stack_name in (s.name, s.stack_id) and s.deleted is None), None)
        if kind == "UPDATE":
            if existing is None:
                raise _invalid(f"Stack [{stack_name}] does not exist")
            if not self.backend.updatable(existing):
                raise _invalid(f"Stack:{existing.stack_id} is in {existing.status} state and "
                               "can not be updated.")
            return existing
        if existing is not None:
            if existing.status != "REVIEW_IN_PROGRESS":
                raise _invalid(f"Stack [{stack_name}] already exists and cannot be created "
                               f"again with the changeSet [{name}].")
            return existing
        stack = self.backend.new_stack(stack_name, {"Resources": {}}, ResolvedParameters(), [])
        stack.status = "REVIEW_IN_PROGRESS"
        Deployment(self.account, stack, self.backend.client).stack_event(
            "REVIEW_IN_PROGRESS", "User Initiated")
        return stack

    def _compute(self, change_set: ChangeSet) -> None:
        if change_set.change_set_id not in self.change_sets:
            return  # deleted meanwhile
        stack = change_set.stack
        unchanged = (change_set.kind == "UPDATE" and change_set.template == stack.template
                     and change_set.parameters == stack.parameters)
        if unchanged:
            _advance(change_set, "FAILED", NO_CHANGES)
            return
        deployed = stack.resources if change_set.kind == "UPDATE" else {}
        planner = ChangePlanner(
            deployed, old_template=stack.template, old_parameters=stack.parameters,
            template=change_set.template, parameters=change_set.parameters,
            pseudo=Deployment(self.account, stack, self.backend.client).pseudo_parameters())
        try:
            change_set.changes = planner.plan()
        except AwsError as error:
            _advance(change_set, "FAILED", error.message)
            return
        _advance(change_set, "CREATE_COMPLETE")

    def describe(self, params: Params) -> Response:
        change_set = self.find(params)
        changes = [c.describe() for c in change_set.changes]
        page, token = paginate(changes, params.get("NextToken"), None,
                               default=CHANGES_PER_PAGE, maximum=CHANGES_PER_PAGE,
                               bad_token=lambda: _invalid("Invalid NextToken"))
        return with_next_token(change_set.describe(list(page)), token)

    def list(self, params: Params) -> Response:
        stack = self.backend.stack(params["StackName"])
        summaries = [c.summary() for c in self.change_sets.values() if c.stack is stack]
        page, token = paginate(summaries, params.get("NextToken"), None, default=100,
                               maximum=100, bad_token=lambda: _invalid("Invalid NextToken"))
        return with_next_token({"Summaries": list(page)}, token)

    def delete(self, params: Params) -> Response:
        change_set = self.find(params)
        if change_set.execution_status == "EXECUTE_IN_PROGRESS":
            raise AwsError("InvalidChangeSetStatus",
                           f"Cannot delete ChangeSet [{change_set.change_set_id}] while it is "
                           "being executed")
        del self.change_sets[change_set.change_set_id]
        return {}

    def execute(self, params: Params) -> Response:
        change_set = self.find(params)
        status = change_set.execution_status
        if status != "AVAILABLE":
            raise AwsError("InvalidChangeSetStatus",
                           f"ChangeSet [{change_set.change_set_id}] cannot be executed in its "
                           f"current execution status of [{status}]")
        stack = change_set.stack
        for other in [c for c in self.change_sets.values() if c.stack is stack]:
            if other is not change_set:
                del self.change_sets[other.change_set_id]
        change_set.executed = True
        if change_set.kind == "CREATE":
            stack.template, stack.parameters = change_set.template, change_set.parameters
            stack.capabilities, stack.tags = change_set.capabilities, change_set.tags
            stack.disable_rollback = params.get("DisableRollback", False)
            self.backend.run_create(stack)
        else:
            self.backend.run_update(stack, change_set.template, change_set.parameters,
                                    change_set.capabilities)
        return {}


def _advance(change_set: ChangeSet, status: str, reason: str = "") -> None:
    if change_set.status in ("CREATE_COMPLETE", "FAILED"):
        return
    change_set.status, change_set.reason = status, reason
