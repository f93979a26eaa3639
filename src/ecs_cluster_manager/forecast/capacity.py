"""Spare capacity, from the shape alone: could the other instances hold the tasks of the busiest
one? Each task reserves its CPU units and MiB on an instance (task_definition_parameters.html);
an instance offers its type's vCPU x 1,024 units and its memory (sim/ec2/instance_types.py). This
is the aggregate test: a placement strategy or constraint can still fail where it passes, which
the simulated runs show."""

from __future__ import annotations

from dataclasses import dataclass

from ecs_cluster_manager.sim.ec2.instance_types import INSTANCE_RESOURCES
from ecs_cluster_manager.sim.ec2.view import DEFAULT_RESOURCES
from ecs_cluster_manager.sim.scenario import spec


@dataclass(frozen=True)
class Spare:
    exists: bool  # all instances but one hold every task (daemons on each of them)
    instance_type: str
    instances: int
    used_cpu: int  # what every task would reserve on the instances left
    used_memory: int
    offered_cpu: int  # what the instances left offer
    offered_memory: int

    def sentence(self) -> str:
        left = max(0, self.instances - 1)
        return (f"{'yes' if self.exists else 'no'}: with one instance out, the tasks need "
                f"{self.used_cpu} CPU units and {self.used_memory} MiB; the {left} "
                f"{self.instance_type} left offer {self.offered_cpu} and {self.offered_memory}")


def spare_capacity(cluster: spec.Cluster) -> Spare:
    cpu, memory = INSTANCE_RESOURCES.get(cluster.instance_type, DEFAULT_RESOURCES)
    left = max(0, cluster.instances - 1)
    tasks = [(s.count, s.cpu, s.memory) for s in cluster.services if not s.daemon]
    tasks += [(t.count, t.cpu, t.memory) for t in cluster.standalone_tasks]
    tasks += [(left, s.cpu, s.memory) for s in cluster.services if s.daemon]
    used_cpu = sum(count * each for count, each, _ in tasks)
    used_memory = sum(count * each for count, _, each in tasks)
    exists = left > 0 and used_cpu <= left * cpu and used_memory <= left * memory
    return Spare(exists, cluster.instance_type, cluster.instances, used_cpu, used_memory,
                 left * cpu, left * memory)
