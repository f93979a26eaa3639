"""Simulated Amazon EC2 Auto Scaling."""

from ecs_cluster_manager.sim.autoscaling.backend import AutoScalingBackend

__all__ = ["AutoScalingBackend"]
