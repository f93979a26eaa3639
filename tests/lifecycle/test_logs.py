"""Log lines stay bounded whatever untrusted text reaches them."""

from __future__ import annotations

import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from ecs_cluster_manager.lifecycle.logs import DECISION_KEYS, MAX_LINE_CHARS, log_line, render

JSON = st.recursive(st.none() | st.integers() | st.text(max_size=300),
                    lambda inner: st.lists(inner, max_size=8) | st.dictionaries(st.text(max_size=20), inner,
                                                                                max_size=8),
                    max_leaves=40)


def test_a_huge_reason_is_clipped_and_says_so() -> None:
    stream = io.StringIO()
    log_line({"decision": "ignored", "reason": "x" * 2_400_000}, stream)
    line = stream.getvalue()
    assert len(line) < 2_000
    record = json.loads(line)
    assert list(record)[:len(DECISION_KEYS)] == list(DECISION_KEYS)
    assert record["reason"].endswith("(2398976 more chars)")


@settings(max_examples=60, deadline=None)
@given(JSON)
def test_any_value_renders_as_one_json_line(value: object) -> None:
    text = render({"decision": "ignored", "reason": value, "notes": value})
    assert "\n" not in text
    assert json.loads(text)["decision"] == "ignored"


def test_the_worst_case_stays_under_the_line_limit() -> None:
    """Wide, deep, long and escape-heavy at once: every pass but the last would be too long."""
    leaf = "\udbff" * 5000 + "\x00" * 5000
    value: object = leaf
    for _ in range(8):
        value = {f"{leaf[:200]}{n}": value for n in range(60)} if isinstance(value, list) else [value] * 60
    text = render({"decision": "ignored", "reason": value, "notes": value, "blocking": value})
    assert len(text) <= MAX_LINE_CHARS
    json.loads(text)
