"""Benchmark: a full replacement of N instances through the simulator (not a test).

    .venv/bin/python benchmarks/replace.py 100 1000

Reports wall time, simulated duration and API calls per wake-up. Goal: 1,000 instances in at
most 120 s of wall time on a 2-core machine.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from ecs_cluster_manager.sim.scenario import report, runner, spec


def scenario(instances: int, duration: str = "48h", replace: bool = True) -> spec.Scenario:
    """`duration` cuts the run short (what it did by then is a lower bound of the whole run's
    cost); without `replace` only the stack's creation is played, the same as the full run's
    first part."""
    batch = max(1, instances // 10)
    name = f"replace {instances} instances, {batch} at a time" if replace else f"create {instances} instances"
    return spec.parse({
        "name": name,
        "seed": instances,
        "duration": duration,
        "cluster": {
            "instances": instances, "max_size": instances + batch, "instance_type": "m5.xlarge",
            "services": [
                {"name": "web", "count": 2 * instances, "cpu": 512, "memory": 1024,
                 "minimum_healthy_percent": 50, "deregistration_delay_s": 30},
                {"name": "worker", "count": instances // 2, "cpu": 1024, "memory": 2048,
                 "minimum_healthy_percent": 100},
            ],
        },
        "timeline": [{"at": 60, "replace_all": {"batch": batch}}] if replace else [],
    })


def measure(instances: int) -> dict[str, Any]:
    started = time.perf_counter()
    state = runner.run(scenario(instances))
    wall = time.perf_counter() - started
    result = report.build(state)
    return {"instances": instances, "wall_s": round(wall, 2),
            "simulated_s": result["simulated_seconds"], "passed": result["passed"],
            "wakeups": result["wakeups"]["count"],
            "api_calls_per_wakeup_mean": result["wakeups"]["api_calls_mean"],
            "api_calls_per_wakeup_max": result["wakeups"]["api_calls_max"],
            "api_calls": sum(result["api_calls"].values()),
            "lifecycle_actions": len(result["lifecycle_actions"])}


if __name__ == "__main__":
    for size in [int(arg) for arg in sys.argv[1:]] or [100, 1000]:
        print(measure(size), flush=True)
