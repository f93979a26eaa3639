"""Termination policies: which instances a scale-in picks.

Follows "Configure termination policies"
(https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-termination-policies.html):
the Default policy first picks the Availability Zone with the most instances, then instances with
the oldest launch template version (where AWS then looks at the billing hour, the oldest
instance is taken). OldestLaunchTemplate, OldestInstance and NewestInstance are also modelled.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from ecs_cluster_manager.sim.autoscaling.model import Group, GroupInstance

Policy = Callable[[Group, list[GroupInstance], int], list[GroupInstance]]


def choose_victims(group: Group, count: int, current: int) -> list[GroupInstance]:
    """`count` unprotected counted instances to terminate; `current`: the group's launch
    template version number."""
    candidates = [m for m in group.counted() if not m.protected]
    chosen: list[GroupInstance] = []
    for _ in range(min(count, len(candidates))):
        pool = candidates
        for policy in group.termination_policies or ["Default"]:
            pool = POLICIES.get(policy, _default)(group, pool, current)
        victim = min(pool, key=lambda m: (m.launched, m.instance_id))
        chosen.append(victim)
        candidates.remove(victim)
    return chosen


def _busiest_zone(group: Group, pool: list[GroupInstance], current: int) -> list[GroupInstance]:
    counts = Counter(m.availability_zone for m in pool)
    top = max(counts.values())
    return [m for m in pool if counts[m.availability_zone] == top]


def _oldest_template(group: Group, pool: list[GroupInstance], current: int) -> list[GroupInstance]:
    def rank(member: GroupInstance) -> tuple[bool, int]:
        return (member.version_number == current, member.version_number)

    best = min(rank(m) for m in pool)
    return [m for m in pool if rank(m) == best]


def _oldest(group: Group, pool: list[GroupInstance], current: int) -> list[GroupInstance]:
    first = min(m.launched for m in pool)
    return [m for m in pool if m.launched == first]


def _newest(group: Group, pool: list[GroupInstance], current: int) -> list[GroupInstance]:
    last = max(m.launched for m in pool)
    return [m for m in pool if m.launched == last]


def _default(group: Group, pool: list[GroupInstance], current: int) -> list[GroupInstance]:
    return _oldest_template(group, _busiest_zone(group, pool, current), current)


POLICIES: dict[str, Policy] = {
    "Default": _default,
    "OldestLaunchTemplate": _oldest_template,
    "OldestLaunchConfiguration": _oldest_template,
    "OldestInstance": _oldest,
    "NewestInstance": _newest,
}
