"""The picture of a rollout: a lane per instance, each service's counts, the stack's events
and a summary, built from a simulated run or a real stack's history and drawn as one
self-contained HTML page (docs/report.md)."""

from ecs_cluster_manager.picture.from_run import picture_from_run
from ecs_cluster_manager.picture.html import write_html
from ecs_cluster_manager.picture.model import Picture

__all__ = ["Picture", "picture_from_run", "write_html"]
