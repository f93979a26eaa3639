"""The documented AWS event payloads the tests replay, kept in the repository.

`tests/fixtures/aws-events/` holds each payload as AWS documents it; its SOURCES.md names the
documentation page every file was taken from. Nothing in the tests reads outside the repository.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLES = FIXTURES / "aws-events"
ORIGINAL_SPEC = FIXTURES / "original-spec.md"


def missing_tool_or_data(what: str) -> None:
    """Skip locally when an optional tool is absent, but fail under CI, where it must exist."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing; CI must provide it")
    pytest.skip(f"{what} is not available here")


def sample_event(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLES / name).read_text(encoding="utf-8"))
    return data
