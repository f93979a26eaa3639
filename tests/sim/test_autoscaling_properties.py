"""Properties of the simulated Auto Scaling group under random operations."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ecs_cluster_manager.sim import SimAccount
from tests.sim.builders import group, members
from tests.sim.fakes import FakeEcs

capacities = st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=5)
choices = st.lists(st.sampled_from(["CONTINUE", "ABANDON", "wait", "heartbeat"]), max_size=12)


@settings(max_examples=25, deadline=None)
@given(capacities, choices)
def test_group_converges_and_every_action_ends_once_within_its_limits(
        targets: list[int], answers: list[str]) -> None:
    account = SimAccount(ecs=FakeEcs)
    asg, ec2 = account.client("autoscaling"), account.client("ec2")
    group(asg, ec2, desired=2, hooks=("launch", "terminate"), heartbeat=60,
          default_result="CONTINUE")
    lifecycle = account.autoscaling.scaler.lifecycle
    replies = iter(answers)
    for target in targets:
        asg.set_desired_capacity(AutoScalingGroupName="ecs-asg", DesiredCapacity=target)
        account.clock.run_for(30)
        for token, (_, member, action) in list(lifecycle.by_token.items()):
            reply = next(replies, "wait")
            if reply == "heartbeat":
                asg.record_lifecycle_action_heartbeat(
                    AutoScalingGroupName="ecs-asg", LifecycleHookName=action.hook.name,
                    LifecycleActionToken=token)
            elif reply != "wait" and action.active:
                asg.complete_lifecycle_action(
                    AutoScalingGroupName="ecs-asg", LifecycleHookName=action.hook.name,
                    LifecycleActionToken=token, LifecycleActionResult=reply)
            del member
    account.clock.run_for(2 * 6000)  # past every global timeout (100 x 60 s)
    states = members(asg)
    assert len(states) == targets[-1]
    assert set(states.values()) <= {"InService"}
    for action in lifecycle.history:
        # A scale-in may pick an instance still held by its launch hook: that action is cut short.
        assert action.result in ("CONTINUE", "ABANDON") or (
            action.result, action.completed_by) == ("CANCELLED", "terminate-requested")
        assert action.ended is not None
        assert action.ended - action.started <= action.hook.global_timeout_s + 1e-6
    assert lifecycle.by_token == {}
