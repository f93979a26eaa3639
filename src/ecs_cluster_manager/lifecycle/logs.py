"""One structured JSON log line per decision, with stable keys.

Keys always present on a decision line: function, asg, hook, instance_id, container_instance,
decision, reason, waited_s, blocking, actions, notes, trigger. Lines for ignored events carry
decision "ignored" and the reason. CloudWatch Logs Insights can query them directly.
"""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

DECISION_KEYS = ("function", "asg", "hook", "instance_id", "container_instance", "decision",
                 "reason", "waited_s", "blocking", "actions", "notes", "trigger")


def log_line(fields: dict[str, Any], stream: TextIO | None = None) -> None:
    record = {key: fields.get(key) for key in DECISION_KEYS}
    record.update({k: v for k, v in fields.items() if k not in record})
    print(json.dumps(record, sort_keys=False, default=str), file=stream or sys.stdout, flush=True)
