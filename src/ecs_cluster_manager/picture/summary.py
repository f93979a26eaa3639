"""The summary table's counts of lifecycle actions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ecs_cluster_manager.picture.model import ActionTally, HookAction


def tally(actions: Iterable[HookAction]) -> tuple[ActionTally, ...]:
    """Actions by hook, result ("waiting" while open) and who completed them."""
    counted = Counter((a.hook, a.result or "waiting", a.completed_by or "-") for a in actions)
    return tuple(ActionTally(hook, result, by, count)
                 for (hook, result, by), count in sorted(counted.items()))
