"""The `rolling_update` step plays the stack's AutoScalingRollingUpdate: every old instance is
replaced, never fewer than the desired capacity stay in service, and (as on CloudFormation) the
next batch does not wait for the previous batch's drains."""

from __future__ import annotations

from typing import Any

from ecs_cluster_manager.sim.scenario import report, runner, spec


def roll(step: str) -> dict[str, Any]:
    return report.build(runner.run(spec.parse({
        "name": f"{step} of 4 instances, 2 at a time", "seed": 5,
        "cluster": {"instances": 4, "max_size": 6, "services": [
            {"name": "web", "count": 4, "minimum_healthy_percent": 50,
             "deregistration_delay_s": 120}]},
        "timeline": [{"at": 30, step: {"batch": 2}}]})))


def _overlapping(drains: list[dict[str, Any]]) -> bool:
    first, second = drains[:2], drains[2:]
    return min(a["start"] for a in second) < max(a["end"] for a in first)


def test_a_rolling_update_replaces_everything_with_overlapping_drains() -> None:
    played = roll("rolling_update")
    assert played["passed"], played["problems"]
    drains = sorted((a for a in played["lifecycle_actions"] if a["hook"] == "terminate"),
                    key=lambda a: a["start"])
    assert len(drains) == 4 and {a["result"] for a in drains} == {"CONTINUE"}
    assert played["final_state"]["images"] == {"ami-00000000000000002": 4}
    assert _overlapping(drains)
    assert any("rolling update to version 2 finished" in e["event"] for e in played["timeline"])


def test_replace_all_waits_for_each_batch_to_be_gone() -> None:
    played = roll("replace_all")
    assert played["passed"], played["problems"]
    drains = sorted((a for a in played["lifecycle_actions"] if a["hook"] == "terminate"),
                    key=lambda a: a["start"])
    assert len(drains) == 4 and not _overlapping(drains)
