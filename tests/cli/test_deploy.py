"""`ecm deploy` end to end against the simulated account: create, AMI roll, no change,
refused change set, failed launch with rollback, and a non-TTY run without --yes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecs_cluster_manager.sim.account import SimAccount
from ecs_cluster_manager.sim.project_stack import ProjectStack, example_parameters
from ecs_cluster_manager.template import default_template_path, load_template
from tests.cli.harness import FIRST_AMI, SECOND_AMI, Ecm


@pytest.fixture
def empty_account(capsys: pytest.CaptureFixture[str]) -> Iterator[tuple[ProjectStack, Ecm]]:
    """An account with the deployment bucket and the AMI parameter, and no stack yet."""
    account = SimAccount()
    project = ProjectStack(account)
    project.s3.create_bucket(Bucket=project.parameter("DeploymentS3Bucket"))
    with account.installed():
        project.publish_ami(FIRST_AMI)
        yield project, Ecm(account, capsys)
    account.close()


def parameter_file(directory: Path) -> Path:
    path = directory / "dev-cluster.json"
    path.write_text(json.dumps(example_parameters()))
    return path


def deploy(ecm: Ecm, path: Path, *extra: str) -> tuple[int, str, str]:
    ran = ecm("deploy", "--stack-name", "ecm-dev", "--parameters", str(path), "--poll", "15",
              *extra)
    return ran.code, ran.out, ran.err


def test_create_roll_and_no_change(empty_account: tuple[ProjectStack, Ecm],
                                   tmp_path: Path) -> None:
    project, ecm = empty_account
    path = parameter_file(tmp_path)
    code, out, err = deploy(ecm, path, "--yes")
    assert code == 0, err
    # The dev example creates both roles, so every resource of the template is added.
    every = len(load_template(default_template_path())["Resources"])
    assert f"Change set (CREATE): {every} to add, 0 to modify, 0 to remove" in out
    assert out.splitlines()[-1] == "ecm-dev: CREATE_COMPLETE, rollout succeeded"
    assert "uploaded: ecs-lifecycle-hook-launch-" in err
    launch_key = project.cloudformation.describe_stacks(StackName="ecm-dev")["Stacks"][0]
    assert any(p["ParameterValue"].startswith("ecs-lifecycle-hook-launch-")
               for p in launch_key["Parameters"] if p["ParameterKey"] == "LifecycleLaunchFunctionZip")

    project.publish_ami(SECOND_AMI)
    code, out, err = deploy(ecm, path, "--yes")
    assert code == 0, err
    assert (f"Instances: 2 instance(s) will be replaced, 1 at a time ({FIRST_AMI} -> "
            f"{SECOND_AMI})") in out
    assert out.splitlines()[-1] == "ecm-dev: UPDATE_COMPLETE, rollout succeeded"
    assert "already there: ecs-lifecycle-hook-launch-" in err

    code, out, err = deploy(ecm, path, "--yes")
    assert code == 0
    assert "No changes: stack ecm-dev already matches the template and parameters" in err
    left = project.cloudformation.list_change_sets(StackName="ecm-dev")["Summaries"]
    assert {c["ExecutionStatus"] for c in left} <= {"EXECUTE_COMPLETE"}  # the empty one went


def test_non_tty_without_yes_refuses_and_leaves_no_change_set(
        empty_account: tuple[ProjectStack, Ecm], tmp_path: Path) -> None:
    project, ecm = empty_account
    code, _, err = deploy(ecm, parameter_file(tmp_path))
    assert code == 2
    assert err.strip().endswith("needs confirmation: pass --yes when not on a terminal.")
    assert project.cloudformation.list_change_sets(StackName="ecm-dev")["Summaries"] == []


def test_refused_change_set_shows_the_reason(empty_account: tuple[ProjectStack, Ecm],
                                             tmp_path: Path) -> None:
    _, ecm = empty_account
    broken = default_template_path().read_text(encoding="utf-8").replace(
        "Conditions:\n", "Conditions:\n  Broken: !Condition Missing\n", 1).replace(
        "  EcsCluster:\n    Type: AWS::ECS::Cluster\n",
        "  EcsCluster:\n    Type: AWS::ECS::Cluster\n    Condition: Broken\n", 1)
    path = tmp_path / "broken.yaml"
    path.write_text(broken)
    ran = ecm("deploy", "--stack-name", "ecm-dev", "--parameters",
              str(parameter_file(tmp_path)), "--template", str(path), "--yes")
    assert ran.code == 1
    assert ran.err.strip() == ("ecm: CloudFormation refused the change set: Template error: "
                               "unresolved condition dependency Missing")


def test_a_launch_that_never_joins_rolls_back(empty_account: tuple[ProjectStack, Ecm],
                                              tmp_path: Path) -> None:
    project, ecm = empty_account
    path = parameter_file(tmp_path)
    assert deploy(ecm, path, "--yes")[0] == 0
    project.publish_ami("ami-0badbadbadbad0003", agent_never_connects=True)
    code, out, _ = deploy(ecm, path, "--yes", "--poll", "60")
    assert code == 1
    assert "Received 1 FAILURE signal(s) out of 1" in out
    assert out.splitlines()[-1] == "ecm-dev: UPDATE_ROLLBACK_COMPLETE, rollout failed"
