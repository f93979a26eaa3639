"""A lifecycle function that never completes anything: every action it is given times out."""

from __future__ import annotations

from typing import Any


def handler(event: Any, context: Any) -> None:
    """Ignores the event."""
