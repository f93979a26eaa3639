"""EC2 instances and their state machine on the virtual clock.

States and codes follow "Amazon EC2 instance state changes"
(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-lifecycle.html):
pending (0) -> running (16) -> shutting-down (32) -> terminated (48), and running -> stopping (64)
-> stopped (80) -> pending on a start. "Terminated instances
remain visible after termination (for approximately one hour)"
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_TerminateInstances.html); after
that they are forgotten and an id lookup answers InvalidInstanceID.NotFound.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

STATE_CODES = {
    "pending": 0,
    "running": 16,
    "shutting-down": 32,
    "terminated": 48,
    "stopping": 64,
    "stopped": 80,
}


@dataclass
class Timings:
    """How long EC2 takes, in virtual seconds (tunable per scenario)."""

    boot_s: float = 15.0  # pending -> running (also a start from stopped)
    shutdown_s: float = 20.0  # shutting-down -> terminated
    stop_s: float = 30.0  # stopping -> stopped
    visible_after_termination_s: float = 3600.0


@dataclass
class Instance:
    instance_id: str
    image_id: str
    instance_type: str
    availability_zone: str
    launch_time: float
    reservation_id: str
    user_data: str = ""  # base64, as the API carries it
    subnet_id: str = ""
    state: str = "pending"
    state_reason: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    launch_template: tuple[str, str, str] | None = None  # (id, name, version)
    terminated_at: float | None = None
    # Instance metadata `autoscaling/target-lifecycle-state`, which Auto Scaling sets for an
    # instance of a group ("InService", "Warmed:Stopped", ...); None outside a group.
    target_lifecycle_state: str | None = None

    @property
    def state_dict(self) -> dict[str, object]:
        return {"Code": STATE_CODES[self.state], "Name": self.state}

    @property
    def alive(self) -> bool:
        return self.state in ("pending", "running")


StateListener = Callable[[Instance, str], None]  # (instance, previous state)
TargetStateListener = Callable[[Instance], None]  # told when target_lifecycle_state changes
