"""The demo's story as phases of steps, each phase ending when the cluster is quiet again.

A stack scenario file (`scenario.py`) is the same thing written in YAML: it starts from
"deploy this template with these parameters" and uses stack operations as steps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ecs_cluster_manager.demo import workloads
from ecs_cluster_manager.demo.watch import Watch
from ecs_cluster_manager.sim.project_stack import ProjectStack

AMIS = ("ami-0a1b2c3d4e5f60001", "ami-0a1b2c3d4e5f60002", "ami-0badbadbadbad0003")
PHASE_LIMIT_S = 6 * 3600.0
Step = tuple[str, dict[str, Any]]  # (step name, arguments)


@dataclass(frozen=True)
class Phase:
    name: str
    description: str
    steps: tuple[Step, ...]
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


def _publish_ami(project: ProjectStack, args: dict[str, Any]) -> None:
    project.publish_ami(str(args["image"]), agent_never_connects=args.get("agent") == "never")


def _create_stack(project: ProjectStack, args: dict[str, Any]) -> None:
    project.upload_packages()
    project.create()


def _update_stack(project: ProjectStack, args: dict[str, Any]) -> None:
    project.update(**{key: str(value) for key, value in args.items()})


def _cancel_update(project: ProjectStack, args: dict[str, Any]) -> None:
    project.account.clock.call_later(float(args.get("after_s", 0)), project.cancel_update)


def _start_workloads(project: ProjectStack, args: dict[str, Any]) -> None:
    workloads.start(project.account.client("ecs"), project.account.client("elbv2"),
                    project.parameter("EcsClusterName"))


STEPS: dict[str, Callable[[ProjectStack, dict[str, Any]], None]] = {
    "publish_ami": _publish_ami, "create_stack": _create_stack, "update_stack": _update_stack,
    "cancel_update": _cancel_update, "start_workloads": _start_workloads,
}

# The demo's own story is told by the operator's `ecm` commands (demo/operator_steps.py).
DEMO = (
    Phase("deploy", "publish an AMI in /ami/ecs/latest, then `ecm deploy` "
          "cloudformation/ecs-cluster.yaml with examples/dev-cluster.json (validate, upload "
          "the zips, change set, watch)",
          (("publish_ami", {"image": AMIS[0]}), ("ecm_deploy", {})), "CREATE_COMPLETE"),
    Phase("workloads", "start services web (deregistration delay), worker and log-router "
          "(daemon), and one standalone task", (("start_workloads", {}),), "CREATE_COMPLETE"),
    Phase("ami-roll", "publish a new AMI and `ecm deploy` the same parameters: a rolling "
          "replacement; `ecm status` while a drain waits, `ecm logs` for the drained instance",
          (("publish_ami", {"image": AMIS[1]}), ("ecm_deploy", {"status_while_draining": True}),
           ("ecm_logs", {})), "UPDATE_COMPLETE"),
    Phase("scale-out", "`ecm deploy` with ClusterSize 2 -> 3",
          (("ecm_deploy", {"changes": {"ClusterSize": 3}}),), "UPDATE_COMPLETE"),
    Phase("scale-in", "`ecm deploy` with ClusterSize 3 -> 2",
          (("ecm_deploy", {"changes": {"ClusterSize": 2}}),), "UPDATE_COMPLETE"),
    Phase("bad-ami", "publish an AMI whose ECS agent never connects and `ecm deploy`: the "
          "launch gate abandons, the stack rolls back",
          (("publish_ami", {"image": AMIS[2], "agent": "never"}), ("ecm_deploy", {}),
           ("ecm_logs", {"hook": "launch"})), "UPDATE_ROLLBACK_COMPLETE"),
)

OperatorSteps = dict[str, Callable[[dict[str, Any]], None]]


def run_phase(phase: Phase, project: ProjectStack, watch: Watch,
              operator_steps: OperatorSteps | None = None) -> PhaseResult:
    clock = project.account.clock
    watch.phase = phase.name
    start = clock.now()
    for name, args in phase.steps:
        if operator_steps is not None and name in operator_steps:
            operator_steps[name](args)
        else:
            STEPS[name](project, args)
    quiet = watch.run_until(watch.quiet, PHASE_LIMIT_S)
    return PhaseResult(phase.name, phase.description, start, clock.now(), phase.expected_status,
                       project.status(), quiet)
