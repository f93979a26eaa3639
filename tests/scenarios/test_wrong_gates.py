"""Every deliberately wrong gate is caught by at least one scenario of the matrix, by the
invariant its mistake breaks (the project's own gates pass the same scenarios)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecs_cluster_manager.sim.scenario import report, runner, spec
from ecs_cluster_manager.sim.scenario.provision import LAUNCH_FUNCTION, TERMINATE_FUNCTION
from tests.scenarios.wrong_gates import WRONG_GATES

HERE = Path(__file__).parent
MODULE = "tests.scenarios.wrong_gates"

# wrong gate -> (the scenario that catches it, an invariant it must break there)
CAUGHT_BY = {
    "skip the steady wait": ("drain-services-not-steady",
                             "terminate-continue-before-services-steady"),
    "skip DRAINING": ("drain-deregistration-delay", "task-stopped-by-termination"),
    "ignore tasks already stopping": ("drain-deregistration-delay",
                                      "terminate-continue-with-live-tasks"),
    "CONTINUE on any error (launch)": ("launch-throttled-reads", "launch-continue-before-ready"),
    "CONTINUE on any error (terminate)": ("drain-throttled-reads",
                                          "terminate-continue-with-live-tasks"),
    "act on any group": ("neighbour-group", "in-service-instance-disturbed"),
    # The remembered ARN is INACTIVE after the re-registration: "nothing to drain", CONTINUE at
    # once, and the new registration's tasks die with the instance.
    "trust a stale ARN": ("drain-after-reregister", "task-stopped-by-termination"),
    "never heartbeat (launch)": ("launch-heartbeat", "action-timed-out"),
    "never heartbeat (terminate)": ("drain-heartbeat", "action-timed-out"),
}


def test_every_wrong_gate_has_a_scenario_that_catches_it() -> None:
    assert set(CAUGHT_BY) == set(WRONG_GATES)


@pytest.mark.slow
@pytest.mark.parametrize("wrong", sorted(WRONG_GATES))
def test_the_wrong_gate_is_caught(wrong: str) -> None:
    hook, function = WRONG_GATES[wrong]
    scenario_name, invariant = CAUGHT_BY[wrong]
    logical = LAUNCH_FUNCTION if hook == "launch" else TERMINATE_FUNCTION
    scenario = spec.load(HERE / f"{scenario_name}.yaml")
    result = report.build(runner.run(scenario, {logical: f"{MODULE}.{function}"}))
    broken = {i["name"] for i in result["invariants"] if not i["held"]}
    assert not result["passed"]
    assert invariant in broken, (broken, result["problems"])
