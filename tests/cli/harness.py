"""Running `ecm` through its real entry point against one simulated account."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ecs_cluster_manager.cli.main import main
from ecs_cluster_manager.demo.clients import simulated_factory
from ecs_cluster_manager.sim.account import SimAccount
from ecs_cluster_manager.sim.project_stack import ProjectStack

FIRST_AMI = "ami-0a1b2c3d4e5f60001"
SECOND_AMI = "ami-0a1b2c3d4e5f60002"


@dataclass
class Ran:
    code: int
    out: str
    err: str


class Ecm:
    """Runs `ecm ARGS` through the real entry point against one simulated account."""

    def __init__(self, account: SimAccount, capsys: pytest.CaptureFixture[str]) -> None:
        self.account = account
        self.capsys = capsys

    def __call__(self, *argv: str) -> Ran:
        self.capsys.readouterr()
        code = main(list(argv), clients_factory=simulated_factory(self.account))
        captured = self.capsys.readouterr()
        return Ran(code, captured.out, captured.err)


def held_instances(project: ProjectStack, state: str) -> list[str]:
    return [m.instance_id for g in project.account.autoscaling.groups.values()
            for m in g.instances.values() if m.state == state]


def run_until_held(project: ProjectStack, state: str, limit_s: float = 3600.0) -> str:
    """Run the clock until an instance of the group is in `state`; its id."""
    assert project.account.clock.run_until_true(lambda: bool(held_instances(project, state)),
                                                limit_s)
    return held_instances(project, state)[0]
