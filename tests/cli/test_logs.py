"""`ecm logs` and the decisions `ecm status` shows, read from the functions' log groups in the
simulated account's CloudWatch Logs."""

from __future__ import annotations

import json

from ecs_cluster_manager.sim.project_stack import ProjectStack
from tests.cli.harness import Ecm, run_until_held


def test_logs_merge_both_functions_for_one_instance(ecm: Ecm, project: ProjectStack) -> None:
    victim = next(iter(project.account.autoscaling.groups["ecm-dev-ecs"].instances))
    ran = ecm("logs", "--stack-name", "ecm-dev", "--instance", victim, "--since", "1h")
    assert ran.code == 0, ran.err
    lines = ran.out.splitlines()
    assert lines and all(victim in line for line in lines)
    assert lines[-1].split()[2:5] == ["launch", victim, "continue"]

    project.account.client("autoscaling").terminate_instance_in_auto_scaling_group(
        InstanceId=victim, ShouldDecrementDesiredCapacity=False)
    run_until_held(project, "Terminating:Wait")
    project.account.clock.run_for(600)
    records = [json.loads(line) for line in ecm("logs", "--stack-name", "ecm-dev", "--instance",
                                                victim, "--output", "json").out.splitlines()]
    functions = [r["function"] for r in records]
    assert functions.index("terminate") > functions.index("launch")  # merged in time order
    assert [r["at"] for r in records] == sorted(r["at"] for r in records)
    assert records[-1]["decision"] == "continue"


def test_status_shows_what_the_functions_last_said(ecm: Ecm, project: ProjectStack) -> None:
    project.publish_ami("ami-0badbadbadbad0003", agent_never_connects=True)
    project.update()
    held = run_until_held(project, "Pending:Wait")
    project.account.clock.run_for(120)
    data = json.loads(ecm("status", "--stack-name", "ecm-dev", "--output", "json").out)
    row = next(i for i in data["instances"] if i["instance_id"] == held)
    assert row["blocked_by"] == "wait: not registered with the cluster"
    assert row["waiting_s"] >= 120 - 1e-3  # activity start times carry microseconds


def test_follow_prints_new_decisions_once_until_its_timeout(ecm: Ecm,
                                                            project: ProjectStack) -> None:
    victim = next(iter(project.account.autoscaling.groups["ecm-dev-ecs"].instances))
    project.account.client("autoscaling").terminate_instance_in_auto_scaling_group(
        InstanceId=victim, ShouldDecrementDesiredCapacity=False)
    ran = ecm("logs", "--stack-name", "ecm-dev", "--follow", "--timeout", "600", "--since", "1s",
              "--output", "json")
    assert ran.code == 0
    records = [json.loads(line) for line in ran.out.splitlines()]
    assert any(r["function"] == "terminate" and r["instance_id"] == victim for r in records)
    # Each log event once: two identical lines in the same second are distinct events.
    ids = [(r["log_group"], r["event_id"]) for r in records]
    assert all(event_id for _, event_id in ids) and len(ids) == len(set(ids))
