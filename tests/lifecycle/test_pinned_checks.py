"""Pinning tests for the launch checks: both built-in checks run, and each says what failed."""

from __future__ import annotations

import pytest

from ecs_cluster_manager.lifecycle.checks import CheckResult, health_ok, required_attributes, run_checks
from ecs_cluster_manager.lifecycle.model import ContainerInstance

from .conftest import make_config

ARN = "arn:aws:ecs:us-east-1:1:container-instance/c/ci-1"


def _instance(health: str | None = "OK", attributes: frozenset[str] = frozenset()) -> ContainerInstance:
    return ContainerInstance(ARN, "ACTIVE", True, health=health, attributes=attributes)


def test_both_built_in_checks_run_by_default() -> None:
    config = make_config(launch_required_attributes=("ecs.capability.efs",))
    assert run_checks(_instance("IMPAIRED"), config) == [
        CheckResult("health", False, "health is IMPAIRED"),
        CheckResult("attributes", False, "missing attributes: ecs.capability.efs")]
    assert run_checks(_instance("IMPAIRED"), config, checks=[]) == []


@pytest.mark.parametrize(("health", "ok"), [("OK", True), (None, True), ("IMPAIRED", False),
                                            ("INITIALIZING", False), ("INSUFFICIENT_DATA", False)])
def test_health_must_be_ok_when_ecs_reports_it(health: str | None, ok: bool) -> None:
    """Amazon ECS Developer Guide, "Amazon ECS container instance health": agents before 1.57.0
    report nothing, which passes; any other status than OK holds the launch."""
    assert health_ok(_instance(health), make_config()).ok is ok
    assert health_ok(_instance(health), make_config(launch_require_health_ok=False)) == CheckResult("health", True)


def test_every_missing_attribute_is_named_and_present_ones_pass() -> None:
    config = make_config(launch_required_attributes=("a", "b", "c"))
    assert required_attributes(_instance(attributes=frozenset({"b"})), config) == CheckResult(
        "attributes", False, "missing attributes: a, c")
    assert required_attributes(_instance(attributes=frozenset({"a", "b", "c"})), config) == CheckResult(
        "attributes", True, "")
