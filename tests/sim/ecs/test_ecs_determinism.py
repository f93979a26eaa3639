"""A seeded simulation replays identically, whatever Python's string hash seed is."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import hashlib, json, sys
sys.path.insert(0, {tests!r})
from ecs.fakes import World
w = World()
w.call("CreateCluster", clusterName="prod")
ids = w.launch(4)
w.clock.advance(60)
w.register_web()
w.call("CreateService", cluster="prod", serviceName="web", taskDefinition="web", desiredCount=7)
w.clock.advance(60)
w.call("UpdateContainerInstancesState", cluster="prod", containerInstances=[w.ci_arn(ids[0])],
       status="DRAINING")
w.call("UpdateService", cluster="prod", service="web", forceNewDeployment=True)
w.clock.advance(300)
w.terminate(ids[1])
w.clock.advance(300)
print(hashlib.sha256(json.dumps(w.events, sort_keys=True).encode()).hexdigest())
"""


def _digest(hash_seed: str) -> str:
    tests = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    out = subprocess.run([sys.executable, "-c", SCRIPT.format(tests=tests)], env=env,
                         capture_output=True, text=True, check=True, timeout=120)
    return out.stdout.strip()


def test_same_events_under_different_hash_seeds() -> None:
    assert _digest("1") == _digest("2")
