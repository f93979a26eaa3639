"""Simulated Amazon CloudWatch Logs, and the sink that writes Lambda invocations into it."""

from ecs_cluster_manager.sim.logs.backend import LogsBackend
from ecs_cluster_manager.sim.logs.lambda_sink import LambdaLogSink

__all__ = ["LambdaLogSink", "LogsBackend"]
