"""Fixtures: a fresh simulated ECS world, and one with a cluster of three instances."""

from __future__ import annotations

import pytest

from .fakes import World


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def cluster(world: World) -> World:
    """Cluster `prod` with three registered, ACTIVE instances."""
    world.call("CreateCluster", clusterName="prod")
    world.launch(3)
    world.clock.advance(60)
    return world
