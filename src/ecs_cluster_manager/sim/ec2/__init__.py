"""Simulated Amazon EC2."""

from ecs_cluster_manager.sim.ec2.backend import Ec2Backend
from ecs_cluster_manager.sim.ec2.instances import Instance, Timings
from ecs_cluster_manager.sim.ec2.view import Ec2View

__all__ = ["Ec2Backend", "Ec2View", "Instance", "Timings"]
