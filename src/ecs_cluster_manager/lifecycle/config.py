"""Configuration of the lifecycle functions, read once from environment variables at cold start.

The CloudFormation template sets every variable below; `ENV_VARS` is the complete list, and the
template tests check that the functions' Environment matches it. A bad value stops the cold start
with a message that names the variable, the value and what is allowed, so a misconfigured stack
fails loudly before it can complete a lifecycle action wrongly.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

CLUSTER_ENV = "ECM_CLUSTER"
ASG_NAME_ENV = "ECM_ASG_NAME"
LAUNCH_HOOK_ENV = "ECM_LAUNCH_HOOK_NAME"
TERMINATE_HOOK_ENV = "ECM_TERMINATE_HOOK_NAME"
HEARTBEAT_TIMEOUT_ENV = "ECM_HEARTBEAT_TIMEOUT_S"
STACK_NAME_ENV = "ECM_STACK_NAME"
ASG_LOGICAL_ID_ENV = "ECM_ASG_LOGICAL_ID"
LAUNCH_TIMEOUT_ENV = "ECM_LAUNCH_TIMEOUT_S"
LAUNCH_REQUIRED_ATTRIBUTES_ENV = "ECM_LAUNCH_REQUIRED_ATTRIBUTES"
LAUNCH_REQUIRE_HEALTH_ENV = "ECM_LAUNCH_REQUIRE_HEALTH_OK"
DRAIN_TIMEOUT_ENV = "ECM_DRAIN_TIMEOUT_S"
DRAIN_TIMEOUT_RESULT_ENV = "ECM_DRAIN_TIMEOUT_RESULT"
STABILITY_SCOPE_ENV = "ECM_STABILITY_SCOPE"
STANDALONE_POLICY_ENV = "ECM_STANDALONE_TASK_POLICY"
STANDALONE_GRACE_ENV = "ECM_STANDALONE_TASK_GRACE_S"

ENV_VARS = (
    CLUSTER_ENV,
    ASG_NAME_ENV,
    LAUNCH_HOOK_ENV,
    TERMINATE_HOOK_ENV,
    HEARTBEAT_TIMEOUT_ENV,
    STACK_NAME_ENV,
    ASG_LOGICAL_ID_ENV,
    LAUNCH_TIMEOUT_ENV,
    LAUNCH_REQUIRED_ATTRIBUTES_ENV,
    LAUNCH_REQUIRE_HEALTH_ENV,
    DRAIN_TIMEOUT_ENV,
    DRAIN_TIMEOUT_RESULT_ENV,
    STABILITY_SCOPE_ENV,
    STANDALONE_POLICY_ENV,
    STANDALONE_GRACE_ENV,
)

# Auto Scaling limits: HeartbeatTimeout is 30..7200 s and an action can wait at most
# min(48 h, 100 x HeartbeatTimeout) in total (Amazon EC2 Auto Scaling User Guide, "Lifecycle hooks").
# Auto Scaling accepts 30 s, but a wait is kept alive by the one-minute sweep, so a timeout
# shorter than two sweep periods could lapse between two sweeps when one of them fails.
SWEEP_PERIOD_S = 60  # the template's rate(1 minute) sweep rule
HEARTBEAT_MIN_S = 2 * SWEEP_PERIOD_S
HEARTBEAT_MAX_S = 7200
GLOBAL_TIMEOUT_CAP_S = 48 * 3600
# Our launch and drain timeouts must fire before Auto Scaling's global timeout, or its
# DefaultResult pre-empts DrainTimeoutResult silently: they end two sweep periods before it.
TIMEOUT_MARGIN_S = 2 * SWEEP_PERIOD_S

SCOPES = ("services", "cluster")
STANDALONE_POLICIES = ("stop-after-grace", "wait")
RESULTS = ("CONTINUE", "ABANDON")


class ConfigError(Exception):
    """Raised at cold start when an environment variable is missing or has a bad value."""


@dataclass(frozen=True)
class Config:
    cluster: str
    asg_name: str
    launch_hook: str
    terminate_hook: str
    heartbeat_timeout_s: int = 3600
    stack_name: str = ""
    asg_logical_id: str = ""
    launch_timeout_s: int = 3600
    launch_required_attributes: tuple[str, ...] = ()
    launch_require_health_ok: bool = True
    drain_timeout_s: int = 3600
    drain_timeout_result: str = "ABANDON"
    stability_scope: str = "services"
    standalone_policy: str = "stop-after-grace"
    standalone_grace_s: int = 300
    warnings: tuple[str, ...] = ()

    @property
    def global_timeout_s(self) -> int:
        """The longest any lifecycle action can wait, heartbeats or not."""
        return min(GLOBAL_TIMEOUT_CAP_S, 100 * self.heartbeat_timeout_s)

    @property
    def action_limit_s(self) -> int:
        """The longest our own timeouts may run: the global timeout less the margin."""
        return self.global_timeout_s - TIMEOUT_MARGIN_S

    @property
    def signals_stack(self) -> bool:
        return bool(self.stack_name and self.asg_logical_id)


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigError(f"{name} is not set; the stack sets it, so redeploy the template.")
    return value


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number of seconds.") from None
    if not low <= value <= high:
        raise ConfigError(f"{name}={value} is out of range; use {low}..{high}.")
    return value


def _choice(env: Mapping[str, str], name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = env.get(name, "").strip() or default
    if value not in allowed:
        raise ConfigError(f"{name}={value!r} is not one of {', '.join(allowed)}.")
    return value


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in ("true", "false"):
        raise ConfigError(f"{name}={raw!r} must be 'true' or 'false'.")
    return raw == "true"


def _capped(env: Mapping[str, str], name: str, heartbeat: int, warnings: list[str]) -> int:
    """A timeout in 60..48 h, capped TIMEOUT_MARGIN_S below the action's global limit.

    CloudFormation cannot compare two parameters, so a timeout at or above min(48 h, 100 x
    heartbeat) can reach us; refusing to start would strand every action, so it is capped and
    reported (a `config-warning` line at every cold start).
    """
    value = _int(env, name, 3600, 60, GLOBAL_TIMEOUT_CAP_S)
    global_limit = min(GLOBAL_TIMEOUT_CAP_S, 100 * heartbeat)
    limit = global_limit - TIMEOUT_MARGIN_S
    if value > limit:
        warnings.append(f"{name}={value} would reach the lifecycle action's global limit {global_limit}s "
                        f"(min(48 h, 100 x {HEARTBEAT_TIMEOUT_ENV})), where Auto Scaling's default result "
                        f"would pre-empt ours; using {limit} ({TIMEOUT_MARGIN_S}s before it).")
        return limit
    return value


def load_config(env: Mapping[str, str] | None = None) -> Config:
    """Read and validate the configuration; raises ConfigError with a fix-it message."""
    env = os.environ if env is None else env
    heartbeat = _int(env, HEARTBEAT_TIMEOUT_ENV, 3600, HEARTBEAT_MIN_S, HEARTBEAT_MAX_S)
    warnings: list[str] = []
    attributes = tuple(
        a.strip() for a in env.get(LAUNCH_REQUIRED_ATTRIBUTES_ENV, "").split(",") if a.strip()
    )
    config = Config(
        cluster=_required(env, CLUSTER_ENV),
        asg_name=_required(env, ASG_NAME_ENV),
        launch_hook=_required(env, LAUNCH_HOOK_ENV),
        terminate_hook=_required(env, TERMINATE_HOOK_ENV),
        heartbeat_timeout_s=heartbeat,
        stack_name=env.get(STACK_NAME_ENV, "").strip(),
        asg_logical_id=env.get(ASG_LOGICAL_ID_ENV, "").strip(),
        launch_timeout_s=_capped(env, LAUNCH_TIMEOUT_ENV, heartbeat, warnings),
        launch_required_attributes=attributes,
        launch_require_health_ok=_flag(env, LAUNCH_REQUIRE_HEALTH_ENV, True),
        drain_timeout_s=_capped(env, DRAIN_TIMEOUT_ENV, heartbeat, warnings),
        drain_timeout_result=_choice(env, DRAIN_TIMEOUT_RESULT_ENV, "ABANDON", RESULTS),
        stability_scope=_choice(env, STABILITY_SCOPE_ENV, "services", SCOPES),
        standalone_policy=_choice(env, STANDALONE_POLICY_ENV, "stop-after-grace", STANDALONE_POLICIES),
        standalone_grace_s=_int(env, STANDALONE_GRACE_ENV, 300, 0, GLOBAL_TIMEOUT_CAP_S),
        warnings=tuple(warnings),
    )
    if bool(config.stack_name) != bool(config.asg_logical_id):
        raise ConfigError(
            f"{STACK_NAME_ENV} and {ASG_LOGICAL_ID_ENV} must be set together "
            f"(got {config.stack_name!r} and {config.asg_logical_id!r})."
        )
    return config
