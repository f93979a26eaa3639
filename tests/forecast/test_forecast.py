"""Forecasts of known clusters: unsafe rolls are reported with what blocks them, safe ones are
not, and a forecast of a snapshot matches a direct simulation of the cluster it was taken from."""

from __future__ import annotations

from typing import Any

import pytest

from ecs_cluster_manager.forecast import runs
from ecs_cluster_manager.forecast.verdict import Forecast
from ecs_cluster_manager.forecast.words import summary_line
from ecs_cluster_manager.sim.scenario import report, runner, spec
from tests.forecast.conftest import scenario, snapshot_of


def cluster(services: list[dict[str, Any]], *, instances: int = 2, max_size: int = 3,
            tasks: list[dict[str, Any]] | None = None, seed: int = 11,
            **parameters: Any) -> spec.Scenario:
    return scenario({"name": "under test", "seed": seed,
                     "lifecycle": {"parameters": parameters},
                     "cluster": {"instances": instances, "max_size": max_size,
                                 "services": services, "standalone_tasks": tasks or []}})


def forecast_of(shape: spec.Scenario, count: int = 1) -> Forecast:
    return runs.play(shape, runs=count).forecast


def reasons(forecast: Forecast) -> str:
    return "\n".join(forecast.reasons)


def test_a_spare_cluster_with_room_to_move_is_safe() -> None:
    found = forecast_of(cluster([{"name": "web", "count": 2, "minimum_healthy_percent": 50}]), 2)
    assert found.safe, reasons(found)
    assert found.runs == 2 and found.seeds == (11, 12)
    assert found.duration_s is not None and 0 < found.duration_s[0] <= found.duration_s[1]
    assert found.blocked_drains == () and found.spare.exists
    (web,) = found.services
    assert (web.desired, web.minimum_healthy, web.below_minimum_runs) == (2, 1, 0)
    assert web.lowest >= web.minimum_healthy
    assert summary_line(found).endswith("; no drain blocks; safe")


def test_min_equal_max_100_percent_with_no_spare_capacity_blocks_every_drain() -> None:
    found = forecast_of(cluster(
        [{"name": "api", "count": 8, "cpu": 512, "memory": 1024,
          "minimum_healthy_percent": 100, "maximum_percent": 100}],
        DrainTimeoutSeconds=300))
    assert not found.safe and not found.spare.exists
    assert found.blocked_drains, reasons(found)
    assert all("blocked on service api until the drain timeout (ABANDON)" in line
               for line in found.blocked_drains)
    assert "service api fell to" in reasons(found)
    assert "tasks of service api killed with their instance" in reasons(found)


def test_a_standalone_task_that_never_ends_is_cut_short_after_the_grace_period() -> None:
    found = forecast_of(cluster([{"name": "web", "count": 2, "minimum_healthy_percent": 50}],
                                tasks=[{"family": "report", "count": 1}],
                                StandaloneTaskGraceSeconds=120))
    assert not found.safe
    assert "standalone task report stopped by the drain gate after its grace period" \
        in reasons(found)


def test_a_standalone_task_the_gate_waits_for_blocks_the_drain_until_its_timeout() -> None:
    found = forecast_of(cluster([{"name": "web", "count": 2, "minimum_healthy_percent": 50}],
                                tasks=[{"family": "report", "count": 1}],
                                StandaloneTaskPolicy="wait", DrainTimeoutSeconds=300,
                                DrainTimeoutResult="CONTINUE"))
    assert not found.safe
    assert any("blocked on standalone task report until the drain timeout (CONTINUE)" in line
               for line in found.blocked_drains), found.blocked_drains


def test_a_daemon_gone_while_load_balanced_tasks_drain_is_reported() -> None:
    found = forecast_of(cluster([
        {"name": "web", "count": 2, "minimum_healthy_percent": 50, "deregistration_delay_s": 90},
        {"name": "log-router", "daemon": True, "cpu": 128, "memory": 128,
         "minimum_healthy_percent": 0, "maximum_percent": 100}]))
    assert not found.safe
    assert "daemon log-router stops as soon as a drain starts" in reasons(found)
    daemon = next(s for s in found.services if s.daemon)
    assert daemon.below_minimum_runs == 0  # judged by its gap, not by a minimum


def test_no_room_above_the_desired_capacity_cannot_roll() -> None:
    found = forecast_of(cluster([{"name": "web", "count": 2}], max_size=2))
    assert found.runs == 0 and not found.safe
    assert "the rolling update cannot start" in reasons(found)
    assert summary_line(found).startswith("2 instance(s) cannot roll: ")


def test_the_forecast_of_a_snapshot_matches_a_direct_simulation_of_the_cluster() -> None:
    original = cluster([{"name": "web", "count": 3, "minimum_healthy_percent": 50,
                         "deregistration_delay_s": 30},
                        {"name": "worker", "count": 2, "cpu": 512, "memory": 1024,
                         "minimum_healthy_percent": 50, "maximum_percent": 100}],
                       instances=3, max_size=5, seed=21, DrainTimeoutSeconds=900)
    forecast = runs.play(snapshot_of(original).scenario().model_copy(update={
        "lifecycle": original.lifecycle}), runs=1, seed=21).forecast

    direct = original.model_dump(mode="json")
    direct["timeline"] = [{"at": 0, "rolling_update": {"batch": 1}}]
    played = report.build(runner.run(spec.parse(direct)))
    assert played["passed"], played["problems"]
    took = played["simulated_seconds"] - played["ready_after_s"]
    assert forecast.duration_s == (pytest.approx(took, abs=0.01), pytest.approx(took, abs=0.01))
    drained = [a for a in played["lifecycle_actions"] if a["hook"] == "terminate"]
    assert len(drained) == 3 and all(a["result"] == "CONTINUE" for a in drained)
    assert forecast.safe and forecast.blocked_drains == ()


def test_an_empty_group_has_nothing_to_roll() -> None:
    found = forecast_of(cluster([], instances=0, max_size=2))
    assert found.safe and found.runs == 0
    assert summary_line(found) == "the group has no instances: nothing to roll"
