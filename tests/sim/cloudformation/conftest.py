"""A simulated account with the project's stack: zips packaged and uploaded, AMI published."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ecs_cluster_manager.sim import SimAccount
from ecs_cluster_manager.sim.project_stack import ProjectStack

AMI_1 = "ami-0000000000000aaa1"
AMI_2 = "ami-0000000000000bbb2"
AMI_BAD = "ami-0000000000000dead"


@pytest.fixture
def stack() -> Iterator[ProjectStack]:
    """Artefacts in place, stack not created yet."""
    account = SimAccount(check_responses=True)
    project = ProjectStack(account)
    project.upload_packages()
    project.publish_ami(AMI_1)
    with account.installed():
        yield project
    account.close()


@pytest.fixture
def deployed(stack: ProjectStack) -> ProjectStack:
    stack.create()
    assert stack.wait() == "CREATE_COMPLETE"
    return stack
