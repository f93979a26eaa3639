"""Simulated AWS CloudFormation: the API (CreateStack, UpdateStack, Describe*, SignalResource,
CancelUpdateStack, DeleteStack, change sets, ListStacks, ValidateTemplate) over stacks deployed
into the simulated account.

Operations follow the CloudFormation API Reference pages of the same names
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Operations.html). Stack
operations run asynchronously on the virtual clock; the resources are created and changed
through the account's own APIs (see `providers/`); change sets are in `change_set_api.py`.
Stack policies, nested stacks, drift detection and termination protection are not modelled.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import yaml

from ecs_cluster_manager.sim.backend import Backend, Params, Response, paginate, with_next_token
from ecs_cluster_manager.sim.cloudformation.change_set_api import ChangeSetOperations
from ecs_cluster_manager.sim.cloudformation.coerce import CoercingClient
from ecs_cluster_manager.sim.cloudformation.deploy import Deployment
from ecs_cluster_manager.sim.cloudformation.model import Stack
from ecs_cluster_manager.sim.cloudformation.parameters import (
    ResolvedParameters,
    resolve_parameters,
)
from ecs_cluster_manager.sim.cloudformation.process import Process
from ecs_cluster_manager.sim.cloudformation.rules import check_rules
from ecs_cluster_manager.sim.cloudformation.summaries import (
    list_stacks,
    required_capability,
    validate_template,
)
from ecs_cluster_manager.sim.errors import AwsError
from ecs_cluster_manager.template import _CfnLoader

if TYPE_CHECKING:
    from ecs_cluster_manager.sim.account import SimAccount

# Statuses from which UpdateStack is allowed (API_UpdateStack: "stack is in a *_COMPLETE state").
UPDATABLE = ("CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE")


def _invalid(message: str) -> AwsError:
    return AwsError("ValidationError", message)


def parse_template(body: str) -> dict[str, Any]:
    """A template body in JSON or YAML (with short-form intrinsic tags)."""
    try:
        document = json.loads(body) if body.lstrip().startswith("{") else \
            yaml.load(body, Loader=_CfnLoader)  # a SafeLoader subclass
    except (ValueError, yaml.YAMLError) as error:
        raise _invalid(f"Template format error: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        raise _invalid("Template format error: At least one Resources member must be defined.")
    return document


class CloudFormationBackend(Backend):
    service = "cloudformation"

    def __init__(self, account: SimAccount) -> None:
        self.account = account
        self.stacks: dict[str, Stack] = {}  # by stack id, deleted ones included
        self.processes: dict[str, Process] = {}
        self.crashes: list[tuple[str, BaseException]] = []
        self._clients: dict[str, Any] = {}
        self.change_sets = ChangeSetOperations(self)

    def client(self, service: str) -> Any:
        """The account's boto3 clients CloudFormation calls, made once."""
        if service not in self._clients:
            self._clients[service] = CoercingClient(self.account.client(service))
        return self._clients[service]

    # -- the Python API ---------------------------------------------------------------------

    def stack(self, name_or_id: str) -> Stack:
        found = self.stacks.get(name_or_id)
        if found is None:
            found = next((s for s in self.stacks.values()
                          if s.name == name_or_id and s.deleted is None), None)
        if found is None:
            raise _invalid(f"Stack with id {name_or_id} does not exist")
        return found

    def busy(self, name_or_id: str) -> bool:
        process = self.processes.get(self.stack(name_or_id).stack_id)
        return process is not None and not process.done

    def _start(self, stack: Stack, steps: Any) -> None:
        def crashed(error: BaseException) -> None:
            self.crashes.append((stack.stack_id, error))
            stack.status = stack.status.replace("IN_PROGRESS", "FAILED")
            stack.reason = f"Simulator error: {error!r}"

        process = Process(self.account.clock, steps, crashed)
        self.processes[stack.stack_id] = process
        process.start()

    def updatable(self, stack: Stack) -> bool:
        return stack.status in UPDATABLE and not self.busy(stack.stack_id)

    def new_stack(self, name: str, template: dict[str, Any], parameters: ResolvedParameters,
                  capabilities: list[str], params: Params | None = None) -> Stack:
        params = params or {}
        account = self.account
        stack_id = (f"arn:aws:cloudformation:{account.region}:{account.account_id}:stack/"
                    f"{name}/{account.ids.uuid()}")
        stack = Stack(stack_id, name, account.clock.now(), template, parameters, capabilities,
                      disable_rollback=params.get("DisableRollback", False) or
                      params.get("OnFailure") == "DO_NOTHING",
                      tags=list(params.get("Tags", [])))
        self.stacks[stack_id] = stack
        return stack

    def run_create(self, stack: Stack) -> None:
        self._start(stack, Deployment(self.account, stack, self.client).create())

    def run_update(self, stack: Stack, template: dict[str, Any], parameters: ResolvedParameters,
                   capabilities: list[str]) -> None:
        stack.capabilities = capabilities
        self._start(stack, Deployment(self.account, stack, self.client).update(template, parameters))

    def template_from(self, params: Params, previous: dict[str, Any] | None) -> dict[str, Any]:
        if params.get("UsePreviousTemplate"):
            if previous is None:
                raise _invalid("UsePreviousTemplate is only valid for an update")
            return previous
        if "TemplateBody" in params:
            return parse_template(params["TemplateBody"])
        if "TemplateURL" in params:
            bucket, key = _s3_location(params["TemplateURL"])
            body = self.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
            return parse_template(body.decode())
        raise _invalid("Either Template URL or Template Body must be specified.")

    def parameters_from(self, template: dict[str, Any], params: Params,
                        previous: ResolvedParameters | None) -> ResolvedParameters:
        ssm = self.account.backends["ssm"]
        resolved = resolve_parameters(template, params.get("Parameters", []), previous,
                                      lambda name: ssm.handle("GetParameter", {"Name": name})
                                      ["Parameter"]["Value"])
        check_rules(template, lambda name: self._rule_ref(resolved, name))
        return resolved

    def _rule_ref(self, parameters: ResolvedParameters, name: str) -> Any:
        pseudo = {"AWS::Region": self.account.region, "AWS::AccountId": self.account.account_id}
        if name in pseudo:
            return pseudo[name]
        if name not in parameters.given:
            raise _invalid(f"Template format error: Unresolved resource dependencies [{name}] in "
                           "the Rules block of the template")
        return parameters.value(name)

    @staticmethod
    def check_capabilities(template: dict[str, Any], capabilities: list[str]) -> None:
        needed = required_capability(template)
        if needed and needed not in capabilities and "CAPABILITY_NAMED_IAM" not in capabilities:
            raise AwsError("InsufficientCapabilitiesException",
                           f"Requires capabilities : [{needed}]")

    # -- operations -------------------------------------------------------------------------

    def CreateStack(self, params: Params) -> Response:
        name = params["StackName"]
        if any(s.name == name and s.deleted is None for s in self.stacks.values()):
            raise AwsError("AlreadyExistsException", f"Stack [{name}] already exists")
        template = self.template_from(params, None)
        capabilities = list(params.get("Capabilities", []))
        self.check_capabilities(template, capabilities)
        parameters = self.parameters_from(template, params, None)
        stack = self.new_stack(name, template, parameters, capabilities, params)
        self.run_create(stack)
        return {"StackId": stack.stack_id}

    def UpdateStack(self, params: Params) -> Response:
        stack = self.stack(params["StackName"])
        if stack.status not in UPDATABLE:
            raise _invalid(f"Stack:{stack.stack_id} is in {stack.status} state and can not be "
                           "updated.")
        template = self.template_from(params, stack.template)
        capabilities = list(params.get("Capabilities", []))
        self.check_capabilities(template, capabilities)
        parameters = self.parameters_from(template, params, stack.parameters)
        if template == stack.template and parameters == stack.parameters:
            raise _invalid("No updates are to be performed.")
        self.run_update(stack, template, parameters, capabilities)
        return {"StackId": stack.stack_id}

    def CreateChangeSet(self, params: Params) -> Response:
        return self.change_sets.create(params)

    def DescribeChangeSet(self, params: Params) -> Response:
        return self.change_sets.describe(params)

    def ExecuteChangeSet(self, params: Params) -> Response:
        return self.change_sets.execute(params)

    def DeleteChangeSet(self, params: Params) -> Response:
        return self.change_sets.delete(params)

    def ListChangeSets(self, params: Params) -> Response:
        return self.change_sets.list(params)

    def CancelUpdateStack(self, params: Params) -> Response:
        stack = self.stack(params["StackName"])
        if stack.status != "UPDATE_IN_PROGRESS":
            raise _invalid(f"CancelUpdateStack cannot be called from current stack status "
                           f"{stack.status}.")
        self.processes[stack.stack_id].cancel()
        return {}

    def DeleteStack(self, params: Params) -> Response:
        try:
            stack = self.stack(params["StackName"])
        except AwsError:
            return {}  # deleting a stack that does not exist succeeds
        if self.busy(stack.stack_id):
            raise _invalid(f"Stack [{stack.name}] cannot be deleted while in status "
                           f"{stack.status}")
        self._start(stack, Deployment(self.account, stack, self.client).delete())
        return {}

    def SignalResource(self, params: Params) -> Response:
        stack = self.stack(params["StackName"])
        lid, unique_id, status = params["LogicalResourceId"], params["UniqueId"], params["Status"]
        resource = stack.resources.get(lid)
        if resource is None:
            raise _invalid(f"Resource {lid} does not exist for stack {stack.name}")
        signals = resource.signals
        if signals is None:
            raise _invalid(f"Resource {lid} is in {resource.status} state and cannot be "
                           "signaled")
        if not signals.seen(unique_id):
            (signals.success if status == "SUCCESS" else signals.failure).append(unique_id)
            Deployment(self.account, stack, self.client).emit(
                resource, resource.status, f"Received {status} signal with UniqueId {unique_id}")
            self.processes[stack.stack_id].wake()
        return {}

    def DescribeStacks(self, params: Params) -> Response:
        name = params.get("StackName")
        stacks = [self.stack(name)] if name else [
            s for s in self.stacks.values() if s.deleted is None]
        return {"Stacks": [s.describe() for s in stacks]}

    def DescribeStackEvents(self, params: Params) -> Response:
        stack = self.stack(params["StackName"])
        newest_first = [stack.describe_event(e) for e in reversed(stack.events)]
        page, token = paginate(newest_first, params.get("NextToken"), None, default=100,
                               maximum=100, bad_token=lambda: _invalid("Invalid NextToken"))
        response: Response = {"StackEvents": list(page)}
        return with_next_token(response, token)

    def DescribeStackResources(self, params: Params) -> Response:
        stack = self.stack(params["StackName"])
        wanted = params.get("LogicalResourceId")
        return {"StackResources": [stack.describe_resource(r) for r in stack.resources.values()
                                   if wanted in (None, r.logical_id)]}

    def DescribeStackResource(self, params: Params) -> Response:
        stack = self.stack(params["StackName"])
        resource = stack.resources.get(params["LogicalResourceId"])
        if resource is None:
            raise _invalid(f"Resource {params['LogicalResourceId']} does not exist for stack "
                           f"{stack.name}")
        detail = stack.describe_resource(resource)
        detail["LastUpdatedTimestamp"] = detail.pop("Timestamp")
        return {"StackResourceDetail": detail}

    def ListStackResources(self, params: Params) -> Response:
        stack = self.stack(params["StackName"])
        summaries = [stack.describe_resource(r, summary=True) for r in stack.resources.values()]
        page, token = paginate(summaries, params.get("NextToken"), None, default=100,
                               maximum=100, bad_token=lambda: _invalid("Invalid NextToken"))
        response: Response = {"StackResourceSummaries": list(page)}
        return with_next_token(response, token)

    def ListStacks(self, params: Params) -> Response:
        return list_stacks(list(self.stacks.values()), params)

    def ValidateTemplate(self, params: Params) -> Response:
        return validate_template(self.template_from(params, None))

    def GetTemplate(self, params: Params) -> Response:
        return {"TemplateBody": json.dumps(self.stack(params["StackName"]).template)}


def _s3_location(url: str) -> tuple[str, str]:
    """Bucket and key of https://BUCKET.s3.amazonaws.com/KEY or https://s3…/BUCKET/KEY."""
    rest = url.split("://", 1)[-1]
    host, _, path = rest.partition("/")
    if host.startswith("s3") or host.startswith("s3."):
        bucket, _, key = path.partition("/")
        return bucket, key
    return host.split(".s3", 1)[0], path
