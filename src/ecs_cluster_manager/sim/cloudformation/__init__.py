"""Simulated AWS CloudFormation: deploys templates into the simulated account."""

from ecs_cluster_manager.sim.cloudformation.backend import CloudFormationBackend, parse_template

__all__ = ["CloudFormationBackend", "parse_template"]
