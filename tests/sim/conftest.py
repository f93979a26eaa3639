"""Fixtures for the simulated AWS core: every response is checked against botocore's shapes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ecs_cluster_manager.sim import SimAccount
from tests.sim import lambda_handlers
from tests.sim.fakes import FakeEcs


@pytest.fixture(autouse=True)
def fresh_log() -> Iterator[None]:
    """The handlers in tests/sim/lambda_handlers.py record what they saw: start each test empty."""
    lambda_handlers.SEEN.clear()
    yield
    lambda_handlers.SEEN.clear()


@pytest.fixture
def account() -> Iterator[SimAccount]:
    """An account with a stand-in ECS, validating every response it returns."""
    sim = SimAccount(ecs=FakeEcs, check_responses=True)
    yield sim
    sim.close()


@pytest.fixture
def ec2(account: SimAccount) -> Any:
    return account.client("ec2")


@pytest.fixture
def asg(account: SimAccount) -> Any:
    return account.client("autoscaling")


@pytest.fixture
def events(account: SimAccount) -> Any:
    return account.client("events")
