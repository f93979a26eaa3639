"""The demo's story, one phase at a time, each ending when the cluster is quiet again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ecs_cluster_manager.demo import workloads
from ecs_cluster_manager.demo.watch import Watch
from ecs_cluster_manager.sim.project_stack import ProjectStack

AMIS = ("ami-0a1b2c3d4e5f60001", "ami-0a1b2c3d4e5f60002", "ami-0badbadbadbad0003")
PHASE_LIMIT_S = 6 * 3600.0


@dataclass(frozen=True)
class Phase:
    name: str
    description: str
    act: Callable[[ProjectStack], None]
    expected_status: str


@dataclass
class PhaseResult:
    name: str
    description: str
    start: float
    end: float
    expected_status: str
    stack_status: str
    quiet: bool
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.quiet and self.stack_status == self.expected_status


def _deploy(project: ProjectStack) -> None:
    project.upload_packages()
    project.publish_ami(AMIS[0])
    project.create()


def _workloads(project: ProjectStack) -> None:
    workloads.start(project.account.client("ecs"), project.parameter("EcsClusterName"))


def _roll(project: ProjectStack) -> None:
    project.publish_ami(AMIS[1])
    project.update()


def _scale_out(project: ProjectStack) -> None:
    project.update(ClusterSize="3")


def _scale_in(project: ProjectStack) -> None:
    project.update(ClusterSize="2")


def _bad_ami(project: ProjectStack) -> None:
    project.publish_ami(AMIS[2], agent_never_connects=True)
    project.update()


PHASES = (
    Phase("deploy", "package and upload the zips, publish an AMI in /ami/ecs/latest, create "
          "the stack from cloudformation/ecs-cluster.yaml with examples/dev-cluster.json",
          _deploy, "CREATE_COMPLETE"),
    Phase("workloads", "start services web (deregistration delay), worker and log-router "
          "(daemon), and one standalone task", _workloads, "CREATE_COMPLETE"),
    Phase("ami-roll", "publish a new AMI, update the stack with unchanged parameters: a "
          "rolling replacement", _roll, "UPDATE_COMPLETE"),
    Phase("scale-out", "update ClusterSize 2 -> 3", _scale_out, "UPDATE_COMPLETE"),
    Phase("scale-in", "update ClusterSize 3 -> 2", _scale_in, "UPDATE_COMPLETE"),
    Phase("bad-ami", "publish an AMI whose ECS agent never connects, update: the launch gate "
          "abandons, the stack rolls back", _bad_ami, "UPDATE_ROLLBACK_COMPLETE"),
)


def run_phase(phase: Phase, project: ProjectStack, watch: Watch) -> PhaseResult:
    clock = project.account.clock
    watch.phase = phase.name
    start = clock.now()
    phase.act(project)
    quiet = watch.run_until(watch.quiet, PHASE_LIMIT_S)
    return PhaseResult(phase.name, phase.description, start, clock.now(), phase.expected_status,
                       project.status(), quiet)
