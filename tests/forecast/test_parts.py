"""The forecast's pure parts: service counts replayed from task events, spare capacity, and the
words of a forecast."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ecs_cluster_manager.forecast.capacity import spare_capacity
from ecs_cluster_manager.forecast.drains import blocker, daemon_gaps
from ecs_cluster_manager.forecast.events import TASK_CHANGE
from ecs_cluster_manager.forecast.service_counts import lowest_running
from ecs_cluster_manager.sim.scenario import spec
from ecs_cluster_manager.sim.scenario.service_counts import ServiceCounts

T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z


def change(at: float, task: str, last: str, desired: str = "RUNNING", *,
           group: str = "service:web", instance: str = "ci-1") -> dict[str, Any]:
    stamp = datetime.fromtimestamp(T0 + at, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"detail-type": TASK_CHANGE, "time": stamp,
            "detail": {"taskArn": task, "lastStatus": last, "desiredStatus": desired,
                       "group": group, "containerInstanceArn": instance}}


def counts(*samples: tuple[float, int]) -> ServiceCounts:
    recorded = ServiceCounts()
    recorded.samples[("prod", "web")] = [(T0 + at, running, 4, 2) for at, running in samples]
    return recorded


def test_the_lowest_count_in_the_window_includes_the_count_as_it_opens() -> None:
    recorded = counts((0, 4), (10, 2), (20, 3), (30, 1), (50, 4))
    assert lowest_running(recorded, "prod", T0 + 15, T0 + 40, ["web"]) == {"web": 1}
    assert lowest_running(recorded, "prod", T0 + 15, T0 + 25, ["web"]) == {"web": 2}
    assert lowest_running(recorded, "prod", T0 + 55, T0 + 90, ["web"]) == {"web": 4}


def test_a_service_never_recorded_counts_zero() -> None:
    assert lowest_running(counts((0, 4)), "prod", T0, T0 + 9, ["web", "gone"]) == {
        "web": 4, "gone": 0}


@given(st.lists(st.tuples(st.integers(0, 100), st.integers(0, 9)), min_size=1, max_size=30),
       st.integers(0, 100), st.integers(0, 100))
def test_the_lowest_count_is_one_the_service_had_in_the_window(
        samples: list[tuple[int, int]], start: int, length: int) -> None:
    ordered = sorted(dict(samples).items())  # one sample per instant, in time order
    lowest = lowest_running(counts(*ordered), "prod", T0 + start, T0 + start + length,
                            ["web"])["web"]
    in_effect = [running for at, running in ordered if at <= start][-1:]
    seen = in_effect + [running for at, running in ordered if start < at <= start + length]
    assert lowest == (min(seen) if seen else 0)


def test_a_daemon_gap_is_the_time_other_tasks_ran_after_it_stopped() -> None:
    events = [change(0, "d", "STOPPED", "STOPPED", group="service:log"),
              change(5, "w", "STOPPED", "STOPPED", group="service:web"),
              change(95, "x", "STOPPED", "STOPPED", group="family:job"),
              change(1, "d2", "STOPPED", "STOPPED", group="service:log", instance="ci-2")]
    assert daemon_gaps(events, {"log"}) == {"log": 95.0}


def test_blocking_labels_read_as_services_and_standalone_tasks() -> None:
    assert blocker("task 1a2b RUNNING (service:web)") == "service web"
    assert blocker("task 1a2b DEACTIVATING (family:nightly)") == "standalone task nightly"
    assert blocker("service api: running 4/8, pending 0, deployments 1") == "service api"


def test_spare_capacity_counts_daemons_on_every_instance_left() -> None:
    shape = spec.Cluster(instances=3, instance_type="m5.large", services=[
        spec.ServiceSpec(name="web", count=6, cpu=512, memory=1024),
        spec.ServiceSpec(name="log", daemon=True, cpu=256, memory=256)])
    spare = spare_capacity(shape)
    assert (spare.used_cpu, spare.used_memory) == (6 * 512 + 2 * 256, 6 * 1024 + 2 * 256)
    assert (spare.offered_cpu, spare.offered_memory) == (2 * 2048, 2 * 8192)
    assert spare.exists
    full = shape.model_copy(update={"services": [
        spec.ServiceSpec(name="web", count=9, cpu=512, memory=1024)]})
    assert not spare_capacity(full).exists
    assert spare_capacity(full).sentence().startswith("no: with one instance out")
