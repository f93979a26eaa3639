"""ListStacks and ValidateTemplate (CloudFormation API Reference, API_ListStacks.html and
API_ValidateTemplate.html), and the capability a template needs ("Acknowledging IAM resources
in CloudFormation templates": IAM resources need CAPABILITY_IAM, named ones
CAPABILITY_NAMED_IAM).

ListStacks includes deleted stacks ("Stacks that have been deleted are listed for 90 days") and
filters by StackStatusFilter; ValidateTemplate reports the template's parameters, description
and the capability it needs.
"""

from __future__ import annotations

from typing import Any

from ecs_cluster_manager.sim.backend import Params, Response, paginate, with_next_token
from ecs_cluster_manager.sim.cloudformation.model import Stack, dt
from ecs_cluster_manager.sim.errors import AwsError
from ecs_cluster_manager.template import as_parameter_string


def required_capability(template: dict[str, Any]) -> str | None:
    iam = [r for r in template["Resources"].values() if r["Type"].startswith("AWS::IAM::")]
    if not iam:
        return None
    named = any("RoleName" in r.get("Properties", {}) for r in iam)
    return "CAPABILITY_NAMED_IAM" if named else "CAPABILITY_IAM"


def list_stacks(stacks: list[Stack], params: Params) -> Response:
    wanted = set(params.get("StackStatusFilter", []))
    summaries = []
    for stack in reversed(stacks):  # newest first
        if wanted and stack.status not in wanted:
            continue
        summary: dict[str, Any] = {
            "StackId": stack.stack_id, "StackName": stack.name, "StackStatus": stack.status,
            "CreationTime": dt(stack.created),
            "DriftInformation": {"StackDriftStatus": "NOT_CHECKED"}}
        summaries.append({**summary, **stack.optional_fields("TemplateDescription")})
    page, token = paginate(summaries, params.get("NextToken"), None, default=100, maximum=100,
                           bad_token=lambda: AwsError("ValidationError", "Invalid NextToken"))
    return with_next_token({"StackSummaries": list(page)}, token)


def validate_template(template: dict[str, Any]) -> Response:
    parameters = []
    for name, spec in (template.get("Parameters") or {}).items():
        entry: dict[str, Any] = {"ParameterKey": name,
                                 "NoEcho": str(spec.get("NoEcho", "false")).lower() == "true"}
        if "Default" in spec:
            entry["DefaultValue"] = as_parameter_string(spec["Default"])
        if "Description" in spec:
            entry["Description"] = str(spec["Description"])
        parameters.append(entry)
    response: Response = {"Parameters": parameters}
    if "Description" in template:
        response["Description"] = template["Description"]
    capability = required_capability(template)
    if capability is not None:
        response["Capabilities"] = [capability]
        response["CapabilitiesReason"] = "The following resource(s) require capabilities: [" \
            + ", ".join(sorted({r["Type"] for r in template["Resources"].values()
                                if r["Type"].startswith("AWS::IAM::")})) + "]"
    return response
