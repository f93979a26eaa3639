"""Simulated Amazon EventBridge."""

from ecs_cluster_manager.sim.events.backend import EventsBackend

__all__ = ["EventsBackend"]
