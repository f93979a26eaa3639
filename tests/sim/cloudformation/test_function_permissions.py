"""The function role grants every call the functions really make.

The template's policy is written by hand; this replays an AMI roll and a scale-in with the
deployed stack and checks each AWS operation the two functions called against the actions the
policy grants, so a new call in the code cannot ship without its permission (AccessDenied on AWS,
silently allowed in the simulator, which does not model IAM).
"""

from __future__ import annotations

from typing import Any

from ecs_cluster_manager.sim.project_stack import ProjectStack
from ecs_cluster_manager.template import default_template_path, load_template
from tests.sim.cloudformation.conftest import AMI_2
from tests.sim.cloudformation.helpers import group, settle, start_service


def _granted(template: dict[str, Any]) -> set[str]:
    document = template["Resources"]["LifecycleFunctionPolicy"]["Properties"]["PolicyDocument"]
    granted: set[str] = set()
    for statement in document["Statement"]:
        actions = statement["Action"]
        granted.update(actions if isinstance(actions, list) else [actions])
    return granted


def test_every_call_of_both_functions_is_granted_by_the_policy(deployed: ProjectStack) -> None:
    start_service(deployed, "web", 2)
    deployed.publish_ami(AMI_2)
    deployed.update()
    assert deployed.wait() == "UPDATE_COMPLETE"
    deployed.update(ClusterSize="1")
    assert deployed.wait() == "UPDATE_COMPLETE"
    settle(deployed)
    assert len(group(deployed)["Instances"]) == 1
    functions = {f.name for f in deployed.account.lambda_.functions.values()}
    called = {call for w in deployed.account.metrics.wakeups if w.function in functions
              for call in w.calls}
    assert {"ecs:UpdateContainerInstancesState", "autoscaling:CompleteLifecycleAction",
            "cloudformation:SignalResource"} <= called  # the replay reached both gates
    assert called - _granted(load_template(default_template_path())) == set()
