"""The forecast's pure parts: service counts replayed from task events, spare capacity, and the
words of a forecast."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ecs_cluster_manager.forecast.anonymize import anonymize
from ecs_cluster_manager.forecast.capacity import spare_capacity
from ecs_cluster_manager.forecast.drains import Drain, blocker, daemon_gaps
from ecs_cluster_manager.forecast.events import TASK_CHANGE
from ecs_cluster_manager.forecast.facts import RunFacts, ServiceFacts
from ecs_cluster_manager.forecast.plan import Roll
from ecs_cluster_manager.forecast.service_counts import lowest_running
from ecs_cluster_manager.forecast.snapshot import Snapshot
from ecs_cluster_manager.forecast.verdict import judge
from ecs_cluster_manager.forecast.words import summary_line
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


def facts(seed: int, *, duration: float, lowest: int, timed_out: bool = False,
          finished: bool = True) -> RunFacts:
    drain = Drain("old instance 1", "i-1", 400.0, "ABANDON" if timed_out else "CONTINUE",
                  "terminate function", timed_out, ("service api",),
                  ("service api",) if timed_out else ())
    return RunFacts(seed, finished, duration,
                    (ServiceFacts("api", False, 4, 4, lowest),
                     ServiceFacts("log", True, 2, 0, 1)),
                    (drain,), 0, (), (), {"log": 1.0}, (), ())


def test_the_verdict_counts_each_reason_over_the_runs_that_showed_it() -> None:
    runs = [facts(1, duration=300.0, lowest=4), facts(2, duration=900.0, lowest=2,
                                                      timed_out=True),
            facts(3, duration=5000.0, lowest=4, finished=False)]
    forecast = judge(runs, Roll(2, 1, 1), spare_capacity(spec.Cluster()), "shape")
    assert forecast.duration_s == (300.0, 900.0)  # finished runs only
    assert forecast.seeds == (1, 2, 3)
    api, log = forecast.services
    assert (api.lowest, api.below_minimum_runs) == (2, 1)
    assert log.daemon and log.below_minimum_runs == 0
    assert forecast.blocked_drains == (
        "old instance 1 blocked on service api until the drain timeout (ABANDON)",)
    assert forecast.reasons == (
        "the roll did not finish in 1/3 runs",
        "service api fell to 2/4 running, below its minimum healthy 4, in 1/3 runs",
        "old instance 1 blocked on service api until the drain timeout (ABANDON), in 1/3 runs")
    assert forecast.as_dict()["duration_s"] == {"min": 300.0, "max": 900.0}
    assert "1 drain(s) block until a timeout" in summary_line(forecast)


# names of services and families; not the words of the notes or the other names below
NAME = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True).filter(
    lambda name: name not in {"note", "about", "stack-a", "cluster-a", "group-a"})


@given(st.lists(NAME, min_size=1, max_size=6, unique=True),
       st.lists(NAME, max_size=3, unique=True))
def test_anonymized_names_are_a_one_to_one_renaming(services: list[str],
                                                   families: list[str]) -> None:
    shape = spec.Cluster(
        services=[spec.ServiceSpec(name=name, count=1) for name in services],
        standalone_tasks=[spec.TaskSpec(family=family) for family in families])
    notes = tuple(f"note about {name}" for name in services + families)
    hidden = anonymize(Snapshot("stack-a", "cluster-a", "group-a", shape, {}, notes))
    renamed = [s.name for s in hidden.shape.services]
    assert len(set(renamed)) == len(renamed)
    assert not set(renamed) & (set(services) - set(renamed))
    mapping = dict(zip(services, renamed, strict=True))
    for name, note in zip(services, hidden.notes, strict=False):
        assert note == f"note about {mapping[name]}"
    assert (hidden.stack, hidden.cluster, hidden.group) == ("stack-1", "cluster-1", "group-1")
