"""An in-process simulated AWS account (EC2, Auto Scaling, EventBridge, Lambda, ECS) on a
virtual clock, reached through real boto3 clients. See docs/simulator.md."""

from ecs_cluster_manager.sim.account import SimAccount
from ecs_cluster_manager.sim.clock import VirtualClock
from ecs_cluster_manager.sim.errors import AwsError
from ecs_cluster_manager.sim.faults import SimulatedCrash

__all__ = ["AwsError", "SimAccount", "SimulatedCrash", "VirtualClock"]
