"""Warm pools: pre-initialized instances beside the group, drawn on when it scales out.

Follows "Warm pools for Amazon EC2 Auto Scaling"
(https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-warm-pools.html), "Use
lifecycle hooks with a warm pool" (https://docs.aws.amazon.com/autoscaling/ec2/userguide/warm-pool-instance-lifecycle.html)
and the PutWarmPool/DescribeWarmPool/DeleteWarmPool API Reference pages:

- the pool holds max(MinSize, MaxGroupPreparedCapacity (default: the group's MaxSize) - desired)
  instances; they do not count toward the group's capacity;
- an instance launched into the pool goes Warmed:Pending, then (launch hooks, Origin EC2,
  Destination WarmPool) Warmed:Pending:Wait, Warmed:Pending:Proceed, and as soon as its actions
  end it is stopped ("does not wait for user data to finish running") for Warmed:Stopped or
  Warmed:Hibernated, or left running for Warmed:Running;
- on scale-out the group takes the oldest ready pool instance (stopped ones are started: a new
  EC2 LaunchTime; running ones keep theirs); it runs the launch hooks again (Origin WarmPool,
  Destination AutoScalingGroup) in Pending:Wait; with no ready instance it launches directly;
- the instance metadata item autoscaling/target-lifecycle-state is Warmed:<state> in the pool and
  InService once the group takes it, which is what the ECS agent's ECS_WARM_POOLS_CHECK reads
  (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-warm-pool.html).

Simplifications, each the harsher or the unobservable reading: Hibernated behaves as Stopped; an
ABANDONed warm-pool launch, an instance beyond the pool's size and a deleted pool's instances
are terminated without terminate hooks (they never joined the group); ReuseOnScaleIn (returning
instances to the pool on scale-in) is refused, as Amazon ECS does not support it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ecs_cluster_manager.sim.autoscaling.model import Group, GroupInstance
from ecs_cluster_manager.sim.errors import validation_error

POOL_STATES = ("Stopped", "Running", "Hibernated")
READY = tuple(f"Warmed:{state}" for state in POOL_STATES)
TO_POOL = ("EC2", "WarmPool")
FROM_POOL = ("WarmPool", "AutoScalingGroup")


@dataclass
class WarmPool:
    min_size: int = 0
    max_prepared: int | None = None  # None (or -1 in the API): the group's MaxSize
    pool_state: str = "Stopped"
    deleting: bool = False

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> WarmPool:
        if (params.get("InstanceReusePolicy") or {}).get("ReuseOnScaleIn"):
            raise validation_error("The ecm simulator does not model ReuseOnScaleIn; Amazon ECS "
                                   "does not support it with a warm pool either.")
        state = params.get("PoolState", "Stopped")
        if state not in POOL_STATES:
            raise validation_error(f"Invalid PoolState {state}; use Stopped, Running or "
                                   "Hibernated")
        prepared = params.get("MaxGroupPreparedCapacity")
        minimum = params.get("MinSize", 0)
        if prepared is not None and prepared != -1 and prepared < minimum:
            raise validation_error(f"MinSize {minimum} must be less than or equal to "
                                   f"MaxGroupPreparedCapacity {prepared}")
        return cls(minimum, None if prepared in (None, -1) else prepared, state)

    def wanted(self, group: Group) -> int:
        """How many instances the pool should hold now."""
        prepared = group.max_size if self.max_prepared is None else self.max_prepared
        return 0 if self.deleting else max(self.min_size, prepared - group.desired)

    def settled_state(self) -> str:
        return "Warmed:Running" if self.pool_state == "Running" else f"Warmed:{self.pool_state}"

    def describe(self) -> dict[str, Any]:
        described: dict[str, Any] = {
            "MinSize": self.min_size, "PoolState": self.pool_state,
            "InstanceReusePolicy": {"ReuseOnScaleIn": False},
        }
        if self.max_prepared is not None:
            described["MaxGroupPreparedCapacity"] = self.max_prepared
        if self.deleting:
            described["Status"] = "PendingDelete"
        return described


def in_pool(member: GroupInstance) -> bool:
    return member.state.startswith("Warmed:")


def pool_members(group: Group) -> list[GroupInstance]:
    """Instances in the pool or on their way into it (not those being terminated)."""
    return [m for m in group.instances.values()
            if in_pool(m) and not m.state.startswith("Warmed:Terminat")]


def ready(group: Group) -> list[GroupInstance]:
    """Pool instances the group can take now, oldest first."""
    return sorted((m for m in group.instances.values() if m.state in READY),
                  key=lambda m: (m.launched, m.instance_id))
