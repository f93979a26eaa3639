"""`ecm status` and `ecm watch` against the project's stack in a simulated account."""

from __future__ import annotations

import json

from ecs_cluster_manager.demo import workloads
from ecs_cluster_manager.sim.autoscaling.model import Group, GroupInstance, LifecycleAction
from ecs_cluster_manager.sim.project_stack import ProjectStack
from tests.cli.harness import SECOND_AMI, Ecm


def start_workloads(project: ProjectStack) -> None:
    workloads.start(project.account.client("ecs"), project.account.client("elbv2"),
                    project.parameter("EcsClusterName"))
    project.account.clock.run_for(300)


def test_status_lists_instances_and_services(ecm: Ecm, project: ProjectStack) -> None:
    start_workloads(project)
    ran = ecm("status", "--stack-name", "ecm-dev")
    assert ran.code == 0, ran.err
    assert "Stack ecm-dev: CREATE_COMPLETE (complete)" in ran.out
    assert "Group ecm-dev-ecs: min 2, desired 2, max 4" in ran.out
    for instance in project.account.autoscaling.groups["ecm-dev-ecs"].instances:
        assert instance in ran.out
    web = next(line for line in ran.out.splitlines() if line.startswith("web"))
    assert web.split()[1:] == ["2/2", "yes"]
    data = json.loads(ecm("status", "--stack-name", "ecm-dev", "--output", "json").out)
    assert {i["state"] for i in data["instances"]} == {"InService"}
    assert all(i["agent_connected"] for i in data["instances"])


def test_watch_returns_only_after_the_last_drain(ecm: Ecm, project: ProjectStack) -> None:
    """CloudFormation reports UPDATE_COMPLETE while old instances still drain (the web
    service's deregistration delay); the watch waits for the drains too."""
    start_workloads(project)
    drains_ended: list[float] = []

    def ended(group: Group, member: GroupInstance, action: LifecycleAction) -> None:
        if action.hook.transition.endswith("TERMINATING"):
            drains_ended.append(project.account.clock.now())

    project.account.autoscaling.scaler.lifecycle.on_end.append(ended)
    project.publish_ami(SECOND_AMI)
    project.update()
    ran = ecm("watch", "--stack-name", "ecm-dev", "--poll", "5")
    assert ran.code == 0, ran.err
    assert ran.out.splitlines()[-1] == "ecm-dev: UPDATE_COMPLETE, rollout succeeded"
    stack_done = max(e["Timestamp"].timestamp() for e in project.cloudformation
                     .describe_stack_events(StackName="ecm-dev")["StackEvents"]
                     if e["ResourceStatus"] == "UPDATE_COMPLETE"
                     and e["LogicalResourceId"] == "ecm-dev")
    assert len(drains_ended) == 2
    assert stack_done < max(drains_ended) <= project.account.clock.now()
    assert "Terminating:Wait" in ran.out


def test_watch_json_lines_and_timeout(ecm: Ecm, project: ProjectStack) -> None:
    project.publish_ami(SECOND_AMI)
    project.update()
    ran = ecm("watch", "--stack-name", "ecm-dev", "--timeout", "30", "--output", "json")
    assert ran.code == 2
    lines = [json.loads(line) for line in ran.out.splitlines()]
    assert lines[-1]["finished"] == "timed out"
    assert lines[-1]["status"] == "UPDATE_IN_PROGRESS"
    assert any(line.get("subject") == "EcsAutoScalingGroup" for line in lines[:-1])


def test_failed_rollout_exits_1(ecm: Ecm, project: ProjectStack) -> None:
    project.publish_ami("ami-0badbadbadbad0003", agent_never_connects=True)
    project.update()
    ran = ecm("watch", "--stack-name", "ecm-dev", "--poll", "60")
    assert ran.code == 1
    assert ran.out.splitlines()[-1] == "ecm-dev: UPDATE_ROLLBACK_COMPLETE, rollout failed"


def test_unknown_stack(ecm: Ecm) -> None:
    ran = ecm("status", "--stack-name", "nope")
    assert ran.code == 1
    assert ran.err.strip() == ("ecm: no stack 'nope' in us-east-1: check --stack-name (or "
                               "ECM_STACK_NAME) and --region.")
