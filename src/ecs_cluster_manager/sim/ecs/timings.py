"""How long the simulated ECS takes to do things, in virtual seconds (all configurable).

The states are those of "Amazon ECS task lifecycle"
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle-explanation.html);
the stop timeout default is the agent's ECS_CONTAINER_STOP_TIMEOUT (30 s,
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-agent-config.html).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class EcsTimings:
    # Start: PROVISIONING -> PENDING -> ACTIVATING -> RUNNING.
    provisioning_s: float = 1.0
    pending_s: float = 3.0  # image pull and container start
    activating_s: float = 1.0
    # Stop: DEACTIVATING and STOPPING take the stop profile's time; then this.
    deprovisioning_s: float = 1.0
    # The service scheduler coalesces every trigger within this window into one run.
    scheduler_delay_s: float = 1.0
    # A service repeats a problem it already reported only after this long, unless the cause
    # was resolved in between ("six hours", service-event-messages.html).
    placement_failure_report_s: float = 6 * 3600.0
    # STOPPED tasks stay visible to List/DescribeTasks for this long.
    stopped_task_retention_s: float = 3600.0
    # Default stop time of a container (ECS_CONTAINER_STOP_TIMEOUT default).
    default_stop_timeout_s: float = 30.0
