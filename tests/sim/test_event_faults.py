"""Event faults through the real bus: late, repeated and lost deliveries reach (or miss) a Lambda
target as EventBridge's at-least-once, best-effort and durable promises allow."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ecs_cluster_manager.sim import SimAccount
from ecs_cluster_manager.sim.clock import DEFAULT_START
from tests.sim import lambda_handlers

H = "tests.sim.lambda_handlers"
ECS = {"source": "aws.ecs", "detail-type": "ECS Container Instance State Change",
       "detail": {"status": "ACTIVE"}, "resources": []}


@pytest.fixture
def wired(account: SimAccount, events: Any) -> SimAccount:
    """A rule that sends every ECS event to a recording function."""
    function = account.lambda_.register("rec", f"{H}.record")
    events.put_rule(Name="ecs", EventPattern=json.dumps({"source": ["aws.ecs"]}))
    events.put_targets(Rule="ecs", Targets=[{"Id": "fn", "Arn": function.arn}])
    return account


def _publish(account: SimAccount, n: int = 1) -> None:
    for _ in range(n):
        account.publish(ECS["source"], ECS["detail-type"], dict(ECS["detail"]), [])


def _seen_times(account: SimAccount) -> list[float]:
    return [float(seen["time"]) - DEFAULT_START for seen in lambda_handlers.SEEN]


def test_a_duplicated_event_reaches_the_target_once_more_after_the_gap(wired: SimAccount) -> None:
    armed = wired.faults.duplicate_events(source="aws.ecs", copies=1, after_s=30)
    _publish(wired, 2)
    wired.clock.run_for(60)
    ids = [seen["event"]["id"] for seen in lambda_handlers.SEEN]
    assert len(ids) == 3 and ids.count(ids[0]) == 2  # the first event twice, the second once
    first, second, copy = _seen_times(wired)
    assert first == pytest.approx(second, abs=1) and copy - first == pytest.approx(30, abs=1)
    assert armed.fired == 1 and wired.faults.unfired() == []


def test_a_late_event_arrives_after_the_delay(wired: SimAccount) -> None:
    wired.faults.delay_events(delay_s=300, detail_type="ECS Container Instance State Change")
    _publish(wired)
    wired.clock.run_for(200)
    assert lambda_handlers.SEEN == []
    wired.clock.run_for(200)
    (late,) = _seen_times(wired)
    assert 300 <= late < 302
    assert wired.faults.fired[0]["fault"] == "delay-event"


def test_a_durable_event_is_never_dropped_but_its_delivery_can_be_lost(
        wired: SimAccount) -> None:
    with pytest.raises(ValueError, match="durable"):
        wired.faults.drop_events(source="aws.ecs")
    wired.faults.lose_deliveries(source="aws.ecs")
    _publish(wired, 2)
    wired.clock.run_for(10)
    assert len(wired.events.history) == 2  # both reached the bus
    assert len(lambda_handlers.SEEN) == 1  # the first never reached the function
    assert len(wired.events.undelivered) == 1


def test_faults_that_never_fired_are_listed(wired: SimAccount) -> None:
    wired.faults.throttle("ecs:ListTasks", calls=2)
    wired.faults.crash_invocation(at_call=3, function="rec")
    wired.faults.drop_events(detail_type="EC2 Instance-launch Lifecycle Action")
    wired.faults.delay_events(delay_s=5, source="aws.ecs")
    _publish(wired)
    wired.clock.run_for(10)
    assert wired.faults.unfired() == [
        "throttle ecs:ListTasks (2 calls)",
        "crash rec at API call 3 (1 invocations)",
        "drop EC2 Instance-launch Lifecycle Action (1 events)",
    ]
    ecs = wired.client("ecs")
    with pytest.raises(Exception, match="Rate exceeded"):
        ecs.list_tasks(cluster="default")
    assert "throttle ecs:ListTasks (2 calls)" not in wired.faults.unfired()
