"""Handlers whose output the log tests read back (importable as tests.sim.logs.handlers)."""

from __future__ import annotations

import json
import time
from typing import Any


def talk(event: Any, context: Any) -> str:
    """Print a decision line, sleep, print another: two lines at two virtual times."""
    print(json.dumps({"decision": "wait", "instance_id": event.get("id", "i-1")}))
    time.sleep(float(event.get("seconds", 30)))
    print(json.dumps({"decision": "complete", "instance_id": event.get("id", "i-1")}))
    return "done"


def explode(event: Any, context: Any) -> None:
    print("about to fail")
    raise RuntimeError("boom")
