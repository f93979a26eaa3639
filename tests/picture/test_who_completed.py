"""Who completed an action, when it was not a function: the hook's timeout, or an operator."""

from __future__ import annotations

from ecs_cluster_manager.picture import picture_from_run
from ecs_cluster_manager.picture.model import IN_SERVICE, LAUNCH_HOOK, TERMINATE_HOOK, TERMINATED
from ecs_cluster_manager.sim.scenario import runner, spec
from ecs_cluster_manager.sim.scenario.provision import (
    LAUNCH_FUNCTION,
    TERMINATE_FUNCTION,
    Stack,
)

SILENT = "tests.picture.silent_gate.handler"


def test_actions_no_function_completes_are_shown_ended_by_their_timeout() -> None:
    scenario = spec.parse({
        "name": "a launch gate that never answers", "duration": "40m", "seed": 3,
        "lifecycle": {"parameters": {"LifecycleHookHeartbeatTimeout": 300}},
        "cluster": {"instances": 1, "services": [{"name": "web", "count": 1}]},
        "timeline": [], "expect": {"finished": False, "breaks": [
            {"invariant": "action-timed-out", "reason": "nothing answers the hook"}]}})
    picture = picture_from_run(runner.run(scenario, {LAUNCH_FUNCTION: SILENT,
                                                     TERMINATE_FUNCTION: SILENT}))
    ended = [(lane, a) for lane in picture.lanes for a in lane.actions
             if a.hook == "launch" and a.end is not None]
    assert len(ended) >= 2  # each replacement times out in turn
    for lane, action in ended:
        assert (action.result, action.completed_by, action.reasons) == ("ABANDON", "timeout", ())
        (held,) = [i for i in lane.intervals if i.kind == LAUNCH_HOOK]
        assert round(held.end - held.start) == 300
        # ABANDON terminates it through the terminate hook, which nobody answers either
        kinds = [i.kind for i in lane.intervals]
        assert kinds[kinds.index(LAUNCH_HOOK) + 1] == TERMINATE_HOOK
        drains = [a for a in lane.actions if a.hook == "terminate" and a.end is not None]
        assert all(a.completed_by == "timeout" for a in drains)
        assert not drains or kinds[-1] == TERMINATED
    tallies = {(t.hook, t.result, t.completed_by): t.count for t in picture.summary.actions}
    assert tallies[("launch", "ABANDON", "timeout")] == len(ended)
    assert tallies.get(("launch", "waiting", "-"), 0) <= 1  # the one held when time ran out


def test_an_action_an_operator_completed_says_operator() -> None:
    """`ecm hook continue` (or the AWS CLI) completes the launch the gate left waiting."""
    def operator_continues(stack: Stack) -> None:
        account = stack.account

        def complete() -> None:
            for member in account.autoscaling.groups[stack.group].instances.values():
                if member.state == "Pending:Wait":
                    account.client("autoscaling").complete_lifecycle_action(
                        LifecycleHookName=stack.hooks["autoscaling:EC2_INSTANCE_LAUNCHING"],
                        AutoScalingGroupName=stack.group, LifecycleActionResult="CONTINUE",
                        InstanceId=member.instance_id)

        account.clock.call_later(100, complete)

    scenario = spec.parse({
        "name": "an operator lets the instance in", "duration": "20m", "seed": 4,
        "cluster": {"instances": 1, "services": [{"name": "web", "count": 1}]},
        "timeline": []})
    run = runner.run(scenario, {LAUNCH_FUNCTION: SILENT}, prepare=operator_continues)
    (lane,) = picture_from_run(run).lanes
    (action,) = lane.actions
    assert (action.result, action.completed_by) == ("CONTINUE", "operator")
    assert [i.kind for i in lane.intervals] == [LAUNCH_HOOK, IN_SERVICE]
