"""What the ECS agent reads about warm pools: ECS_WARM_POOLS_CHECK and the target lifecycle state.

"To use warm pools with your Amazon ECS cluster, set the ECS_WARM_POOLS_CHECK agent configuration
variable to true" (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-warm-pool.html):
the agent then reads the instance metadata item autoscaling/target-lifecycle-state
(https://docs.aws.amazon.com/autoscaling/ec2/userguide/retrieving-target-lifecycle-state-through-imds.html)
and registers only when it is InService. The EC2 view answers `target_lifecycle_state(id)`.
"""

from __future__ import annotations

import re

from .state import EcsState

_WARM_POOLS_CHECK = re.compile(r"ECS_WARM_POOLS_CHECK=['\"]?true\b")


def in_service_bound(state: EcsState, ec2_id: str) -> bool:
    """Whether Auto Scaling means the instance for service (or says nothing: not in a group)."""
    target = getattr(state.ec2, "target_lifecycle_state", None)
    return not callable(target) or target(ec2_id) in (None, "InService")


def held_in_pool(state: EcsState, ec2_id: str, user_data: str) -> bool:
    """An agent configured with the check, on an instance that is not heading InService."""
    return bool(_WARM_POOLS_CHECK.search(user_data)) and not in_service_bound(state, ec2_id)
