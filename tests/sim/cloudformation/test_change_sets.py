"""Change sets against the project's template: statuses on the virtual clock, the Changes a
preview reads (an AMI roll, a replacement, a new stack), "no changes", and execution running
the same create or update as CreateStack/UpdateStack (every response shape checked)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_cluster_manager.sim.cloudformation.change_sets import NO_CHANGES
from ecs_cluster_manager.sim.project_stack import CAPABILITIES, ProjectStack
from ecs_cluster_manager.template import default_template_path
from tests.sim.cloudformation.conftest import AMI_1, AMI_2
from tests.sim.cloudformation.helpers import images, settle

BODY = default_template_path().read_text(encoding="utf-8")


def previous_values(project: ProjectStack, **changes: str) -> list[dict[str, Any]]:
    return [{"ParameterKey": p["ParameterKey"], "ParameterValue": changes[p["ParameterKey"]]}
            if p["ParameterKey"] in changes else
            {"ParameterKey": p["ParameterKey"], "UsePreviousValue": True}
            for p in project.parameters]


def create_change_set(project: ProjectStack, name: str = "preview", **kwargs: Any) -> str:
    kwargs.setdefault("Capabilities", CAPABILITIES)
    created = project.cloudformation.create_change_set(
        StackName=project.stack_name, ChangeSetName=name, **kwargs)
    project.stack_id = created["StackId"]
    return str(created["Id"])


def describe(project: ProjectStack, change_set: str) -> dict[str, Any]:
    described: dict[str, Any] = project.cloudformation.describe_change_set(
        ChangeSetName=change_set)
    return described


def computed(project: ProjectStack, change_set: str) -> dict[str, Any]:
    project.account.clock.run_for(30)
    return describe(project, change_set)


def all_changes(project: ProjectStack, change_set: str) -> dict[str, dict[str, Any]]:
    """Every ResourceChange by logical id, following NextToken."""
    changes: dict[str, dict[str, Any]] = {}
    token: str | None = None
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = project.cloudformation.describe_change_set(ChangeSetName=change_set, **kwargs)
        for change in page["Changes"]:
            changes[change["ResourceChange"]["LogicalResourceId"]] = change["ResourceChange"]
        token = page.get("NextToken")
        if token is None:
            return changes


def error_of(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


def test_a_create_change_set_reviews_then_creates_the_stack(stack: ProjectStack) -> None:
    arn = create_change_set(stack, ChangeSetType="CREATE", TemplateBody=BODY,
                            Parameters=stack.parameters)
    assert stack.status() == "REVIEW_IN_PROGRESS"
    described = describe(stack, arn)
    assert (described["Status"], described["ExecutionStatus"]) == ("CREATE_PENDING", "UNAVAILABLE")
    code, message = error_of(stack.cloudformation.execute_change_set, ChangeSetName=arn)
    assert code == "InvalidChangeSetStatus" and "UNAVAILABLE" in message

    described = computed(stack, arn)
    assert (described["Status"], described["ExecutionStatus"]) == ("CREATE_COMPLETE", "AVAILABLE")
    assert len(described["Changes"]) == 20 and "NextToken" in described  # paged
    changes = all_changes(stack, arn)
    assert {c["Action"] for c in changes.values()} == {"Add"}
    assert all("PhysicalResourceId" not in c for c in changes.values())
    assert stack.status() == "REVIEW_IN_PROGRESS"  # nothing happens before execution

    stack.cloudformation.execute_change_set(ChangeSetName="preview", StackName=stack.stack_name)
    assert stack.wait() == "CREATE_COMPLETE"
    assert describe(stack, arn)["ExecutionStatus"] == "EXECUTE_COMPLETE"
    created = stack.cloudformation.describe_stack_resources(StackName=stack.stack_name)
    assert sorted(changes) == sorted(r["LogicalResourceId"] for r in created["StackResources"])
    assert set(images(stack).values()) == {AMI_1}


def test_an_ami_roll_shows_the_launch_template_and_the_group_it_rolls(
        deployed: ProjectStack) -> None:
    deployed.publish_ami(AMI_2)  # same parameter name, new value in SSM
    arn = create_change_set(deployed, UsePreviousTemplate=True,
                            Parameters=previous_values(deployed))
    described = computed(deployed, arn)
    assert described["Status"] == "CREATE_COMPLETE"
    changes = all_changes(deployed, arn)
    assert set(changes) == {"LaunchTemplate", "EcsAutoScalingGroup"}
    template = changes["LaunchTemplate"]
    assert (template["Action"], template["Replacement"]) == ("Modify", "False")
    assert template["PhysicalResourceId"].startswith("lt-")
    assert template["Details"] == [{
        "Target": {"Attribute": "Properties", "Name": "LaunchTemplateData",
                   "RequiresRecreation": "Never"},
        "Evaluation": "Static", "ChangeSource": "ParameterReference",
        "CausingEntity": "EcsAmiParameterKey"}]
    group = changes["EcsAutoScalingGroup"]
    assert (group["Action"], group["Replacement"], group["Scope"]) == (
        "Modify", "False", ["Properties"])
    assert {"Target": {"Attribute": "Properties", "Name": "LaunchTemplate",
                       "RequiresRecreation": "Never"},
            "Evaluation": "Dynamic", "ChangeSource": "ResourceAttribute",
            "CausingEntity": "LaunchTemplate.LatestVersionNumber"} in group["Details"]
    ami = next(p for p in described["Parameters"] if p["ParameterKey"] == "EcsAmiParameterKey")
    assert ami["ResolvedValue"] == AMI_2

    deployed.cloudformation.execute_change_set(ChangeSetName=arn)
    assert deployed.wait() == "UPDATE_COMPLETE"
    settle(deployed)
    assert set(images(deployed).values()) == {AMI_2}


def test_the_same_template_and_values_fail_with_no_changes(deployed: ProjectStack) -> None:
    arn = create_change_set(deployed, UsePreviousTemplate=True,
                            Parameters=previous_values(deployed))
    described = computed(deployed, arn)
    assert (described["Status"], described["StatusReason"]) == ("FAILED", NO_CHANGES)
    assert described["ExecutionStatus"] == "UNAVAILABLE"
    assert described["Changes"] == []
    code, _ = error_of(deployed.cloudformation.execute_change_set, ChangeSetName=arn)
    assert code == "InvalidChangeSetStatus"


def test_a_new_cluster_name_replaces_the_cluster(deployed: ProjectStack) -> None:
    arn = create_change_set(deployed, UsePreviousTemplate=True,
                            Parameters=previous_values(deployed, EcsClusterName="Other"))
    computed(deployed, arn)
    change = all_changes(deployed, arn)["EcsCluster"]
    assert (change["Action"], change["Replacement"]) == ("Modify", "True")
    assert change["Details"][0]["Target"]["RequiresRecreation"] == "Always"
    assert change["Details"][0]["CausingEntity"] == "EcsClusterName"


def test_a_removed_resource_is_listed_with_its_deletion_policy(deployed: ProjectStack) -> None:
    stack = deployed.services.cloudformation.stack(deployed.stack_id)
    resources = {k: dict(v) for k, v in stack.template["Resources"].items()
                 if not k.startswith("SweepScheduleRule")}
    group = resources["EcsAutoScalingGroup"]
    group["DependsOn"] = [d for d in group["DependsOn"] if not d.startswith("SweepScheduleRule")]
    template = dict(stack.template, Resources=resources)
    arn = create_change_set(deployed, TemplateBody=json.dumps(template),
                            Parameters=previous_values(deployed))
    computed(deployed, arn)
    changes = all_changes(deployed, arn)
    removed = {k: c for k, c in changes.items() if c["Action"] == "Remove"}
    assert set(removed) == {"SweepScheduleRule", "SweepScheduleRuleLaunchPermission",
                            "SweepScheduleRuleTerminatePermission"}
    assert removed["SweepScheduleRule"]["PolicyAction"] == "Delete"
    assert removed["SweepScheduleRule"]["PhysicalResourceId"]


def test_capabilities_and_stack_state_are_checked_when_the_call_is_made(
        stack: ProjectStack) -> None:
    cfn = stack.cloudformation
    code, message = error_of(cfn.create_change_set, StackName="new", ChangeSetName="c",
                             ChangeSetType="CREATE", TemplateBody=BODY,
                             Parameters=stack.parameters)
    assert (code, message) == ("InsufficientCapabilitiesException",
                               "Requires capabilities : [CAPABILITY_IAM]")
    code, message = error_of(cfn.create_change_set, StackName="missing", ChangeSetName="c",
                             TemplateBody=BODY, Parameters=stack.parameters,
                             Capabilities=CAPABILITIES)
    assert (code, message) == ("ValidationError", "Stack [missing] does not exist")
    code, _ = error_of(cfn.create_change_set, StackName="new", ChangeSetName="1bad",
                       ChangeSetType="CREATE", TemplateBody=BODY, Parameters=stack.parameters,
                       Capabilities=CAPABILITIES)
    assert code == "ValidationError"


def test_a_create_change_set_for_an_existing_stack_is_refused(deployed: ProjectStack) -> None:
    code, message = error_of(deployed.cloudformation.create_change_set,
                             StackName=deployed.stack_name, ChangeSetName="again",
                             ChangeSetType="CREATE", TemplateBody=BODY,
                             Parameters=deployed.parameters, Capabilities=CAPABILITIES)
    assert code == "ValidationError" and "already exists" in message


def test_executing_one_change_set_removes_the_others_and_updates_obsolete_them(
        deployed: ProjectStack) -> None:
    cfn = deployed.cloudformation
    first = create_change_set(deployed, "first", UsePreviousTemplate=True,
                              Parameters=previous_values(deployed, ClusterMaxSize="5"))
    second = create_change_set(deployed, "second", UsePreviousTemplate=True,
                               Parameters=previous_values(deployed, ClusterMaxSize="6"))
    computed(deployed, first)
    summaries = cfn.list_change_sets(StackName=deployed.stack_name)["Summaries"]
    assert [s["ChangeSetName"] for s in summaries] == ["first", "second"]
    assert {s["ExecutionStatus"] for s in summaries} == {"AVAILABLE"}
    cfn.execute_change_set(ChangeSetName=first)
    code, _ = error_of(cfn.describe_change_set, ChangeSetName=second)
    assert code == "ChangeSetNotFound"
    assert deployed.wait() == "UPDATE_COMPLETE"

    third = create_change_set(deployed, "third", UsePreviousTemplate=True,
                              Parameters=previous_values(deployed, ClusterMaxSize="4"))
    computed(deployed, third)
    deployed.update(ClusterMaxSize="6")  # an update by another path
    assert describe(deployed, third)["ExecutionStatus"] == "OBSOLETE"
    cfn.delete_change_set(ChangeSetName="third", StackName=deployed.stack_name)
    assert [s["ChangeSetName"] for s in
            cfn.list_change_sets(StackName=deployed.stack_name)["Summaries"]] == ["first"]


def test_a_change_set_reads_its_template_from_s3(deployed: ProjectStack) -> None:
    bucket = deployed.parameter("DeploymentS3Bucket")
    deployed.s3.put_object(Bucket=bucket, Key="t.yaml", Body=BODY.encode())
    arn = create_change_set(deployed, TemplateURL=f"https://{bucket}.s3.amazonaws.com/t.yaml",
                            Parameters=previous_values(deployed, ClusterSize="3"))
    computed(deployed, arn)
    changes = all_changes(deployed, arn)
    assert list(changes) == ["EcsAutoScalingGroup"]
    details = changes["EcsAutoScalingGroup"]["Details"]
    assert {d["Target"].get("Name") for d in details
            if d["Target"]["Attribute"] == "Properties"} == {"DesiredCapacity", "MinSize"}
    # MinInstancesInService: !Ref ClusterSize in the rolling-update policy
    assert {"Target": {"Attribute": "UpdatePolicy", "RequiresRecreation": "Never"},
            "Evaluation": "Static", "ChangeSource": "ParameterReference",
            "CausingEntity": "ClusterSize"} in details
