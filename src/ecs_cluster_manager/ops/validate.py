"""`validate`: the offline checks of a parameter file, then (when they pass) the account checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ecs_cluster_manager.ops.account_checks import account_checks
from ecs_cluster_manager.ops.checks import Check, failed
from ecs_cluster_manager.ops.offline_checks import offline_checks
from ecs_cluster_manager.ops.session import Clients


def validate(template: Mapping[str, Any], values: Mapping[str, str],
             clients: Clients | None) -> list[Check]:
    """Every check in order; account checks need `clients` and offline checks that passed."""
    checks = offline_checks(template, values)
    if clients is None:
        return checks
    if not all(c.ok for c in checks):
        return [*checks, failed("account checks", "skipped: the parameter file has errors",
                                "fix the errors above, then validate again")]
    return checks + account_checks(clients, values)
