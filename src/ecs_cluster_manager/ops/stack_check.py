"""Whether a deploy to this stack name would create, update, or has to wait."""

from __future__ import annotations

from ecs_cluster_manager.ops.checks import Check, failed, passed
from ecs_cluster_manager.ops.session import Clients
from ecs_cluster_manager.ops.stack import describe_stack
from ecs_cluster_manager.ops.stack_status import Outcome, classify


def stack_check(clients: Clients, name: str) -> Check:
    described = describe_stack(clients, name)
    if described is None:
        return passed("stack", f"{name} does not exist yet in {clients.region}: deploy "
                      "creates it")
    status = str(described["StackStatus"])
    if classify(status) is Outcome.IN_PROGRESS:
        return failed("stack", f"{name} is {status}", f"wait for it: ecm watch --stack-name "
                      f"{name}")
    if status == "ROLLBACK_COMPLETE":
        return failed("stack", f"{name} is ROLLBACK_COMPLETE: its creation failed and it "
                      "cannot be updated", f"ecm delete --stack-name {name}, then deploy again")
    return passed("stack", f"{name} is {status}: deploy updates it")
