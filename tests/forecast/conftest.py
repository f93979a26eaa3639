"""A scenario's cluster provisioned in a simulated account and settled, ready to snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ecs_cluster_manager.demo.clients import simulated_clients
from ecs_cluster_manager.forecast.snapshot import Snapshot, from_cluster
from ecs_cluster_manager.ops.session import Clients
from ecs_cluster_manager.sim.ecs import EcsBackend
from ecs_cluster_manager.sim.scenario import spec
from ecs_cluster_manager.sim.scenario.provision import Stack, provision, start_standalone_tasks

SETTLE_LIMIT_S = 1800.0


def settled(scenario: spec.Scenario) -> Stack:
    """Provision the scenario, wait until the group is InService and every service steady,
    start its standalone tasks and let them run."""
    stack = provision(scenario)
    account = stack.account
    ecs = account.ecs
    assert isinstance(ecs, EcsBackend)
    group = account.autoscaling.groups[stack.group]

    def quiet() -> bool:
        members = list(group.instances.values())
        return (len(members) == group.desired and all(m.state == "InService" for m in members)
                and all(h.steady for h in ecs.service_health()))

    assert account.clock.run_until_true(quiet, SETTLE_LIMIT_S)
    start_standalone_tasks(stack, scenario)
    account.clock.run_for(60)
    return stack


def snapshot_of(wanted: spec.Scenario) -> Snapshot:
    """Build the scenario's cluster, settle it and snapshot it through the read-only calls."""
    built = settled(wanted)
    try:
        return from_cluster(simulated_clients(built.account), built.cluster, built.group)
    finally:
        built.account.close()


def scenario(data: dict[str, Any]) -> spec.Scenario:
    return spec.parse(data)


@pytest.fixture
def shaped() -> Iterator[tuple[spec.Scenario, Stack, Clients]]:
    """A cluster with every kind of workload the snapshot reads."""
    wanted = scenario({
        "name": "shaped", "seed": 4,
        "lifecycle": {"parameters": {"LifecycleHookHeartbeatTimeout": 900}},
        "cluster": {
            "instances": 3, "min_size": 1, "max_size": 5, "instance_type": "m5.large",
            "services": [
                {"name": "web", "count": 4, "cpu": 256, "memory": 512,
                 "minimum_healthy_percent": 50, "maximum_percent": 200, "stop_timeout_s": 20,
                 "deregistration_delay_s": 60,
                 "placement_strategy": [{"type": "spread", "field": "instanceId"}]},
                {"name": "api", "count": 3, "cpu": 512, "memory": 1024,
                 "minimum_healthy_percent": 100, "maximum_percent": 200,
                 "placement_constraints": [{"type": "distinctInstance"}]},
                {"name": "log-router", "daemon": True, "cpu": 128, "memory": 128,
                 "minimum_healthy_percent": 0, "maximum_percent": 100}],
            "standalone_tasks": [{"family": "job", "count": 2, "cpu": 128, "memory": 256}]}})
    stack = settled(wanted)
    yield wanted, stack, simulated_clients(stack.account)
    stack.account.close()
