"""The scenarios a forecast plays: the cluster's shape, then a full replacement as the stack's
rolling update does it (`rolling_update`, sim/scenario/rolling_update.py: a new launch template
version, the group grown by a batch, then old instances terminated a batch at a time, each batch
replaced by as many new ones).

Several runs differ by their seed (the simulated API latency) and, after the first, by the
instances' timings: EC2 boot, ECS agent registration and image pulls are drawn per run from
0.75-1.5x, 0.75-1.5x and 0.5-2x the scenario's values. The first run keeps them as they are, so
it is exactly what `ecm simulate` plays for the same file and seed.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from ecs_cluster_manager.sim.scenario import spec
from ecs_cluster_manager.sim.scenario.steps import RollingUpdate, TimelineStep

SETTLE_S = 3600.0  # the runner's own limit for the first fleet to settle
SLACK_S = 600.0
JITTER = {"ec2_boot_s": (0.75, 1.5), "agent_register_s": (0.75, 1.5), "image_pull_s": (0.5, 2.0)}


@dataclass(frozen=True)
class Roll:
    instances: int
    batch: int  # what each batch launches and drains
    asked_batch: int  # what the stack or --batch-size asked for
    instance_type: str | None = None  # the new instances' type, when the roll changes it

    @property
    def batches(self) -> int:
        return math.ceil(self.instances / self.batch) if self.batch else 0


def parameter(scenario: spec.Scenario, name: str, default: int) -> int:
    value = scenario.parameters.get(name)
    return int(value) if value is not None and value.isdigit() else default


def roll_of(scenario: spec.Scenario, batch: int | None,
            instance_type: str | None = None) -> Roll:
    """The batch the stack's rolling update would use (its RollingUpdateBatchSize unless
    `batch` is given); 0 when MaxSize leaves no room above the desired capacity, where
    CloudFormation refuses the update (MinInstancesInService must be below MaxSize)."""
    asked = batch if batch is not None else parameter(scenario, "RollingUpdateBatchSize", 1)
    room = scenario.max_size - scenario.instances
    return Roll(scenario.instances, min(asked, scenario.instances) if room > 0 else 0, asked,
                instance_type if instance_type != scenario.cluster.instance_type else None)


def duration_s(scenario: spec.Scenario, roll: Roll) -> float:
    """Long enough for every batch to wait out both gates' timeouts."""
    per_batch = (parameter(scenario, "LaunchTimeoutSeconds", 3600)
                 + parameter(scenario, "DrainTimeoutSeconds", 3600) + SLACK_S)
    return SETTLE_S + max(1, roll.batches) * per_batch


def run_scenario(scenario: spec.Scenario, roll: Roll, seed: int, jitter: bool) -> spec.Scenario:
    cluster = scenario.cluster
    if jitter:
        draw = random.Random(seed)
        cluster = cluster.model_copy(update={
            key: round(getattr(cluster, key) * draw.uniform(*span), 3)
            for key, span in JITTER.items()})
    return scenario.model_copy(update={
        "seed": seed, "cluster": cluster, "duration": duration_s(scenario, roll),
        "timeline": [TimelineStep(at=0.0, rolling_update=RollingUpdate.model_validate(
            {"batch": roll.batch, "instance_type": roll.instance_type}))],
        "expect": spec.Expect()})
