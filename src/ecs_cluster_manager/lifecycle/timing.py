"""The lifecycle action's clock: when it started, when to heartbeat. Pure arithmetic for both gates.

A lifecycle action times out HeartbeatTimeout seconds after it started or after its last
heartbeat, and never later than min(48 h, 100 x HeartbeatTimeout) after it started (Amazon EC2
Auto Scaling User Guide, "Amazon EC2 Auto Scaling lifecycle hooks"). Auto Scaling does not tell
us when the wait began, so every clock here counts from the *earliest* known start (lifecycle
event time, our own tags, EC2 LaunchTime where it is a bound): a heartbeat then goes out early
rather than late, and our own timeouts fire before Auto Scaling's.

Heartbeats go out once per interval, not on every wake-up: the time of the last one is kept in a
tag. The interval leaves room for two sweep periods (one sweep may fail) before the heartbeat
timeout, and is never shorter than half a sweep period, so a short HeartbeatTimeout means a
heartbeat on every sweep and a long one means one every half timeout.
"""

from __future__ import annotations

from .config import SWEEP_PERIOD_S, Config


def heartbeat_interval_s(config: Config) -> float:
    timeout = config.heartbeat_timeout_s
    return max(SWEEP_PERIOD_S / 2, min(timeout / 2, timeout - 2 * SWEEP_PERIOD_S))


def heartbeat_due(now: float, started_at: float, last_heartbeat_at: float | None, config: Config) -> bool:
    """True when the action's heartbeat timer, counted from the later of its earliest known start
    and our last recorded heartbeat, has run for an interval.

    Both inputs are lower bounds of the times Auto Scaling counts from (a heartbeat tag left by an
    earlier action is older than this action's start), so the estimate is never late.
    """
    reset_at = max(started_at, last_heartbeat_at or started_at)
    return now - reset_at >= heartbeat_interval_s(config)


def plausible_start(event_time: float | None, now: float, config: Config,
                    not_before: float | None = None) -> float | None:
    """An event's time, when it can be the start of the action waiting now.

    No action waits longer than the global timeout, and none starts in the future or before the
    instance launched (`not_before`): a replayed or forged event outside that window is ignored
    rather than making a gate time out at once.
    """
    if event_time is None or event_time > now or event_time < now - config.global_timeout_s:
        return None
    if not_before is not None and event_time < not_before:
        return None
    return event_time
