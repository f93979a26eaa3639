"""Rebuilding lifecycle actions from decision lines and scaling activities (history)."""

from __future__ import annotations

from ecs_cluster_manager.picture.from_history import hook_actions
from ecs_cluster_manager.picture.history_reads import InstanceActivity, instance_activity
from ecs_cluster_manager.picture.model import DecisionPoint


def _line(at: float, decision: str, waited: float, *actions: str,
          function: str = "terminate") -> DecisionPoint:
    return DecisionPoint(at, "i-1", function, decision, "why", (), waited, actions)


def test_the_completing_line_closes_the_action_and_names_the_function() -> None:
    lines = [_line(110, "drain-started", 10, "set DRAINING"), _line(170, "wait", 70),
             _line(200.5, "continue", 100.5, "completed CONTINUE")]
    (action,) = hook_actions("i-1", "terminate", lines, None, 600)
    assert (action.start, action.end) == (100, 200.5)
    assert (action.result, action.completed_by) == ("CONTINUE", "terminate function")


def test_a_repeat_after_completion_opens_nothing() -> None:
    lines = [_line(100, "continue", 0, "completed CONTINUE"), _line(101, "continue", 1)]
    assert len(hook_actions("i-1", "terminate", lines, None, 600)) == 1


def test_an_action_ended_a_heartbeat_timeout_after_its_last_heartbeat_timed_out() -> None:
    lines = [_line(100, "wait", 0), _line(400, "wait", 300, "heartbeat")]
    activity = InstanceActivity("i-1", "terminate", 90, 400 + 600 + 20, "Successful")
    (action,) = hook_actions("i-1", "terminate", lines, activity, 600)
    assert action.completed_by == "timeout" and action.end == 1020
    assert action.result == "unknown"  # a termination's activity does not say


def test_an_action_ended_before_its_timeout_without_a_function_was_an_operator() -> None:
    lines = [_line(100, "wait", 0, function="launch")]
    activity = InstanceActivity("i-1", "launch", 99, 250, "Successful")
    (action,) = hook_actions("i-1", "launch", lines, activity, 600)
    assert (action.result, action.completed_by, action.end) == ("CONTINUE", "operator", 250)


def test_a_launch_held_with_no_line_at_all_shows_from_its_activity() -> None:
    activity = InstanceActivity("i-1", "launch", 50, None, "InProgress")
    (action,) = hook_actions("i-1", "launch", [], activity, 600)
    assert (action.start, action.end, action.result) == (50, None, None)


def test_activities_name_their_instance_and_kind() -> None:
    launch = instance_activity({"Description": "Launching a new EC2 instance: i-0abc",
                                "StartTime": 10.0, "StatusCode": "InProgress"})
    assert launch is not None and (launch.instance_id, launch.kind, launch.end) == (
        "i-0abc", "launch", None)
    gone = instance_activity({"Description": "Terminating EC2 instance: i-0abc",
                              "StartTime": 10.0, "EndTime": 30.0, "StatusCode": "Successful"})
    assert gone is not None and (gone.kind, gone.end) == ("terminate", 30.0)
    assert instance_activity({"Description": "Updating load balancers", "StartTime": 1.0}) is None
    for where in ("into", "from"):
        pool = instance_activity({"Description": f"Launching a new EC2 instance {where} warm "
                                                 "pool: i-0abc", "StartTime": 5.0})
        assert pool is not None and (pool.instance_id, pool.kind) == ("i-0abc", "launch")


def test_an_action_cannot_end_before_it_began() -> None:
    lines = [_line(500, "wait", 0)]
    activity = InstanceActivity("i-1", "terminate", 90, 300, "Successful")  # an older one
    (action,) = hook_actions("i-1", "terminate", lines, activity, 600)
    assert action.end == action.start == 500
