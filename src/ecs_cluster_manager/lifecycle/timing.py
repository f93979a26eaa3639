"""When to heartbeat. Pure arithmetic shared by both gates.

A lifecycle action times out HeartbeatTimeout seconds after it started or after its last
heartbeat, and never later than min(48 h, 100 x HeartbeatTimeout) after it started (Amazon EC2
Auto Scaling User Guide, "Amazon EC2 Auto Scaling lifecycle hooks"). The sweep wakes each waiting
instance once a minute, so heartbeating on every sweep wake-up past half the heartbeat timeout
keeps the action alive without remembering when the last heartbeat was sent, and costs nothing
for the common wait that ends well before that.
"""

from __future__ import annotations

from .config import Config


def heartbeat_due(waited_s: float, from_sweep: bool, config: Config) -> bool:
    return from_sweep and waited_s >= config.heartbeat_timeout_s / 2
