"""Change sets and their preview against the project's stack (the ops layer under `ecm
deploy`)."""

from __future__ import annotations

import json

from ecs_cluster_manager.ops import change_set, preview
from ecs_cluster_manager.ops.session import Clients
from ecs_cluster_manager.ops.stack import read_stack
from ecs_cluster_manager.sim.project_stack import ProjectStack
from ecs_cluster_manager.template import default_template_path, load_template
from tests.cli.harness import FIRST_AMI, SECOND_AMI


def propose(clients: Clients, project: ProjectStack, **changes: str) -> change_set.ChangeSet:
    values = {p["ParameterKey"]: p["ParameterValue"] for p in project.parameters} | changes
    return change_set.create(clients, project.stack_name,
                             default_template_path().read_text(encoding="utf-8"),
                             load_template(), values)


def test_same_template_and_parameters_is_no_change(clients: Clients,
                                                   project: ProjectStack) -> None:
    proposed = propose(clients, project)
    assert proposed.kind == "UPDATE" and proposed.empty


def test_a_new_ami_previews_a_roll(clients: Clients, project: ProjectStack) -> None:
    project.publish_ami(SECOND_AMI)
    proposed = propose(clients, project)
    assert proposed.status == "CREATE_COMPLETE"
    shown = preview.build(proposed, current_ami=read_stack(clients, "ecm-dev").resolved[
        "EcsAmiParameterKey"], instances=2)
    assert shown.roll == preview.Roll(2, 1, FIRST_AMI, SECOND_AMI)
    assert shown.roll.sentence().startswith(
        f"2 instance(s) will be replaced, 1 at a time ({FIRST_AMI} -> {SECOND_AMI})")
    assert {r.logical_id for r in shown.by_action("Modify")} >= {"LaunchTemplate",
                                                                 "EcsAutoScalingGroup"}


def test_a_size_change_does_not_roll(clients: Clients, project: ProjectStack) -> None:
    proposed = propose(clients, project, ClusterSize="3")
    shown = preview.build(proposed, current_ami=FIRST_AMI, instances=2)
    assert shown.roll is None
    assert [r.logical_id for r in shown.rows] == ["EcsAutoScalingGroup"]


def test_a_refused_change_set_keeps_the_reason(clients: Clients) -> None:
    template = {"Conditions": {"A": {"Condition": "B"}},
                "Resources": {"B": {"Type": "AWS::S3::Bucket", "Condition": "A"}}}
    proposed = change_set.create(clients, "other", json.dumps(template), template, {})
    assert proposed.kind == "CREATE" and proposed.status == "FAILED" and not proposed.empty
    assert proposed.reason == "Template error: unresolved condition dependency B"


def test_capabilities_follow_the_template() -> None:
    assert change_set.capabilities(load_template()) == ["CAPABILITY_IAM"]
    named = {"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "x"}}}}
    assert change_set.capabilities(named) == ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]
    assert change_set.capabilities({"Resources": {}}) == []
