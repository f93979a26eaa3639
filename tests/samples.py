"""The documented AWS event payloads in shared/aws-sample-events, laid beside the repository
(on developers' machines and in CI alike); one locator for every test that replays them."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "aws-sample-events"


def missing_tool_or_data(what: str) -> None:
    """Skip locally when an optional input is absent, but fail under CI, where it must exist."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing; CI must provide it")
    pytest.skip(f"{what} is not available here")


def sample_event(name: str) -> dict[str, Any]:
    path = SAMPLES / name
    if not path.is_file():
        missing_tool_or_data(f"documented sample event {path}")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
