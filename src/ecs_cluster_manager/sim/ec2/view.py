"""What the simulated ECS may read about EC2 instances (the part B contract)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_cluster_manager.sim.ec2.instance_types import INSTANCE_RESOURCES

if TYPE_CHECKING:
    from ecs_cluster_manager.sim.ec2.backend import Ec2Backend

# Used for a type missing from the table, so an odd type in a scenario still boots.
DEFAULT_RESOURCES = (2048, 4096)


class Ec2View:
    """Read-only answers about one instance; None when EC2 does not know it."""

    def __init__(self, ec2: Ec2Backend) -> None:
        self._instances = ec2.instances

    def instance_state(self, instance_id: str) -> str | None:
        instance = self._instances.get(instance_id)
        return None if instance is None else instance.state

    def instance_type(self, instance_id: str) -> str | None:
        instance = self._instances.get(instance_id)
        return None if instance is None else instance.instance_type

    def image_id(self, instance_id: str) -> str | None:
        instance = self._instances.get(instance_id)
        return None if instance is None else instance.image_id

    def availability_zone(self, instance_id: str) -> str | None:
        instance = self._instances.get(instance_id)
        return None if instance is None else instance.availability_zone

    def user_data(self, instance_id: str) -> str | None:
        """The instance's user data (base64, as the API carries it): the agent reads ECS_CLUSTER
        from it, as the ECS agent reads /etc/ecs/ecs.config written by user data."""
        instance = self._instances.get(instance_id)
        return None if instance is None else instance.user_data

    def target_lifecycle_state(self, instance_id: str) -> str | None:
        """The instance metadata item autoscaling/target-lifecycle-state ("InService",
        "Warmed:Stopped", ...), which the ECS agent reads with ECS_WARM_POOLS_CHECK=true."""
        instance = self._instances.get(instance_id)
        return None if instance is None else instance.target_lifecycle_state

    def instance_resources(self, instance_id: str) -> tuple[int, int]:
        """(CPU units, memory MiB) of the instance's type."""
        instance = self._instances.get(instance_id)
        if instance is None:
            return (0, 0)
        return INSTANCE_RESOURCES.get(instance.instance_type, DEFAULT_RESOURCES)
