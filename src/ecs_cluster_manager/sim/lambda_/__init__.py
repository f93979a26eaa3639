"""Simulated AWS Lambda."""

from ecs_cluster_manager.sim.lambda_.backend import LambdaBackend
from ecs_cluster_manager.sim.lambda_.runtime import LambdaContext

__all__ = ["LambdaBackend", "LambdaContext"]
