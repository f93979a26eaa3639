"""`ecm verify`: one instance in through the launch gate and out through the drain gate."""

from __future__ import annotations

import json

from ecs_cluster_manager.sim.ecs import AgentBehaviour, AgentFault
from ecs_cluster_manager.sim.project_stack import ProjectStack
from tests.cli.harness import SECOND_AMI, Ecm


def test_verify_passes_every_step(ecm: Ecm, project: ProjectStack) -> None:
    ran = ecm("verify", "--stack-name", "ecm-dev", "--poll", "5")
    assert ran.code == 0, ran.out + ran.err
    lines = ran.out.splitlines()
    assert lines[-1] == "verify: PASSED"
    expected = ["a new instance is launched", "launch hook holds it (Pending:Wait)",
                     "it joins ECS (ACTIVE, agent connected)",
                     "the launch gate lets it in (InService)",
                     "terminate hook holds it (Terminating:Wait)",
                     "it drains (DRAINING, no task left)", "services are steady again",
                     "it is terminated", "desired capacity restored"]
    assert len(lines) == len(expected) + 1
    for line, step in zip(lines, expected, strict=False):
        assert line.startswith("ok ") and f"s  {step}" in line, line
    group = project.account.autoscaling.groups["ecm-dev-ecs"]
    assert group.desired == 2 and len(group.instances) == 2


def test_verify_names_the_failing_step_and_what_the_functions_said(
        ecm: Ecm, project: ProjectStack) -> None:
    project.ecs.set_agent_behaviour(AgentBehaviour(fault=AgentFault.NEVER_REGISTERS))
    ran = ecm("verify", "--stack-name", "ecm-dev", "--poll", "60", "--output", "json")
    assert ran.code == 1
    results = [json.loads(line) for line in ran.out.splitlines()]
    failed = next(r for r in results if not r["passed"])
    assert failed["name"] == "it joins ECS (ACTIVE, agent connected)"
    assert any("not registered" in line for line in failed["log_lines"])
    assert results[-1]["name"] == "desired capacity restored"


def test_verify_refuses_while_an_update_runs(ecm: Ecm, project: ProjectStack) -> None:
    project.publish_ami(SECOND_AMI)
    project.update()
    ran = ecm("verify", "--stack-name", "ecm-dev")
    assert ran.code == 1
    assert "verify runs only on a stack at rest" in ran.err
