"""Extra launch checks: the place to add your own readiness tests.

The launch gate always requires the container instance to be ACTIVE with its agent connected
(the spec's bare minimum). On top of that it runs every function in `LAUNCH_CHECKS`; each gets
the container instance as ECS described it and the configuration, and returns a `CheckResult`.
A check must be pure and fast: it sees what one DescribeContainerInstances call returned
(status, agent, health, attributes) and makes no API calls of its own.

To add a check, write a function with the `Check` signature below and append it to
`LAUNCH_CHECKS` (or fork this module in your deployment). Example:

    def needs_gpu(instance: ContainerInstance, config: Config) -> CheckResult:
        ok = "ecs.capability.gpu-driver-version" in instance.attributes   # hypothetical
        return CheckResult("gpu", ok, "" if ok else "GPU driver attribute missing")

    LAUNCH_CHECKS.append(needs_gpu)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .config import Config
from .model import ContainerInstance


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str = ""


Check = Callable[[ContainerInstance, Config], CheckResult]


def health_ok(instance: ContainerInstance, config: Config) -> CheckResult:
    """Container instance health must be OK when ECS reports it (agent >= 1.57.0).

    Amazon ECS Developer Guide, "Amazon ECS container instance health": overallStatus is OK,
    IMPAIRED, INSUFFICIENT_DATA or INITIALIZING; older agents report nothing, which passes.
    """
    if not config.launch_require_health_ok or instance.health is None:
        return CheckResult("health", True)
    ok = instance.health == "OK"
    return CheckResult("health", ok, "" if ok else f"health is {instance.health}")


def required_attributes(instance: ContainerInstance, config: Config) -> CheckResult:
    """Every attribute named in ECM_LAUNCH_REQUIRED_ATTRIBUTES must be present."""
    missing = [a for a in config.launch_required_attributes if a not in instance.attributes]
    detail = f"missing attributes: {', '.join(missing)}" if missing else ""
    return CheckResult("attributes", not missing, detail)


LAUNCH_CHECKS: list[Check] = [health_ok, required_attributes]


def run_checks(
    instance: ContainerInstance, config: Config, checks: list[Check] | None = None
) -> list[CheckResult]:
    return [check(instance, config) for check in (LAUNCH_CHECKS if checks is None else checks)]
