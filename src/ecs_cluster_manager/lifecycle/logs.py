"""One structured JSON log line per decision, with stable keys, bounded in size.

Keys always present on a decision line: function, asg, hook, instance_id, container_instance,
decision, reason, waited_s, blocking, actions, notes, trigger. Lines for ignored events carry
decision "ignored" and the reason. CloudWatch Logs Insights can query them directly.

Values can hold untrusted text (event fields, AWS error messages), so every string, list and
object is clipped before the line is written: a line stays far below CloudWatch Logs' 256 KiB
event limit (CloudWatch Logs API Reference, PutLogEvents: "The maximum event size is 256 KB"),
and a clipped value says how much was left out.
"""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

DECISION_KEYS = ("function", "asg", "hook", "instance_id", "container_instance", "decision",
                 "reason", "waited_s", "blocking", "actions", "notes", "trigger")

MAX_STRING_CHARS = 1024
MAX_ITEMS = 50  # per list or object
MAX_NODES = 300  # per line: the work and the size stay bounded however deep the nesting
# Far below 256 KiB; a line over it is clipped again, harder (a last resort, never expected).
MAX_LINE_CHARS = 32_768
# Each pass clips harder; the last one fits MAX_LINE_CHARS whatever the values (even with every
# character escaped as \uXXXX).
_PASSES = ((MAX_STRING_CHARS, MAX_NODES), (128, 60), (32, 30))


def bounded(value: Any, chars: int = MAX_STRING_CHARS, nodes: int = MAX_NODES) -> Any:
    """`value` with long strings, lists and objects clipped, as plain JSON-able data."""
    return _Clipper(chars, nodes).clip(value)


class _Clipper:
    def __init__(self, chars: int, nodes: int) -> None:
        self.chars, self.nodes = chars, nodes

    def _text(self, value: str, chars: int) -> str:
        return value if len(value) <= chars else f"{value[:chars]}... ({len(value) - chars} more chars)"

    def clip(self, value: Any) -> Any:
        self.nodes -= 1
        if self.nodes < 0:
            return "(clipped)"
        if isinstance(value, str):
            return self._text(value, self.chars)
        if value is None or isinstance(value, bool | int | float):
            return value
        if isinstance(value, dict):
            kept = {self._text(str(k), 64): self.clip(v) for k, v in list(value.items())[:MAX_ITEMS]}
            if len(value) > MAX_ITEMS:
                kept["..."] = f"{len(value) - MAX_ITEMS} more keys"
            return kept
        if isinstance(value, list | tuple | set | frozenset):
            seq = list(value)
            items = [self.clip(v) for v in seq[:MAX_ITEMS]]
            return items + ([f"... {len(seq) - MAX_ITEMS} more"] if len(seq) > MAX_ITEMS else [])
        return self.clip(str(value))


def render(fields: dict[str, Any]) -> str:
    """The JSON text of one log line, decision keys first, never over MAX_LINE_CHARS."""
    record = {key: fields.get(key) for key in DECISION_KEYS}
    record.update({k: v for k, v in fields.items() if k not in record})
    # The keys are ours; only the values can carry untrusted text. One budget for the whole line.
    for chars, nodes in _PASSES:
        clipper = _Clipper(chars, nodes + len(record))
        text = json.dumps({key: clipper.clip(value) for key, value in record.items()})
        if len(text) <= MAX_LINE_CHARS:
            break
    return text


def log_line(fields: dict[str, Any], stream: TextIO | None = None) -> None:
    print(render(fields), file=stream or sys.stdout, flush=True)
