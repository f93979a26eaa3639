"""Event drops model best-effort delivery only: Auto Scaling events can be lost, ECS events cannot."""

from __future__ import annotations

from ecs_cluster_manager.sim.clock import VirtualClock
from ecs_cluster_manager.sim.faults import Faults


def test_an_unfiltered_drop_never_loses_a_durable_ecs_event() -> None:
    faults = Faults(VirtualClock())
    faults.drop_events(count=1)
    ecs = {"source": "aws.ecs", "detail-type": "ECS Container Instance State Change"}
    lifecycle = {"source": "aws.autoscaling", "detail-type": "EC2 Instance-launch Lifecycle Action"}
    assert faults.drops(ecs) is False
    assert faults.drops(lifecycle) is True
    assert faults.drops(lifecycle) is False  # the armed drop was used up
    assert [f["detail-type"] for f in faults.fired] == ["EC2 Instance-launch Lifecycle Action"]
