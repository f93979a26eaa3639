"""A deployed project stack in a simulated account, and `ecm` run against it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ecs_cluster_manager.demo.clients import simulated_clients
from ecs_cluster_manager.ops.session import Clients
from ecs_cluster_manager.sim.account import SimAccount
from ecs_cluster_manager.sim.project_stack import ProjectStack
from tests.cli.harness import FIRST_AMI, Ecm


@pytest.fixture
def project() -> Iterator[ProjectStack]:
    """The project's template created with dev-cluster.json (2 instances), settled."""
    account = SimAccount()
    stack = ProjectStack(account)
    with account.installed():
        stack.publish_ami(FIRST_AMI)
        stack.upload_packages()
        stack.create()
        assert stack.wait() == "CREATE_COMPLETE"
        # Calls take time (sim/latency.py): the launch gate's last CompleteLifecycleAction can
        # land just after the stack completes, as on AWS.
        account.clock.run_for(60)
        yield stack
    account.close()


@pytest.fixture
def clients(project: ProjectStack) -> Clients:
    return simulated_clients(project.account)


@pytest.fixture
def ecm(project: ProjectStack, capsys: pytest.CaptureFixture[str]) -> Ecm:
    return Ecm(project.account, capsys)
