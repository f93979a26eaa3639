"""filterPattern: plain terms, OR and exclusion terms, quoted phrases, and JSON conditions."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecs_cluster_manager.sim.errors import AwsError
from ecs_cluster_manager.sim.logs.filter_pattern import compile_pattern

WAIT = json.dumps({"decision": "wait", "instance_id": "i-1", "waited_s": 40,
                   "blocking": {"tasks": 2}, "actions": ["heartbeat"]})
DONE = json.dumps({"decision": "complete", "instance_id": "i-2", "waited_s": 400})


def test_plain_terms_must_all_occur_and_are_case_sensitive() -> None:
    matches = compile_pattern('wait "i-1"')
    assert matches(WAIT)
    assert not matches(DONE)
    assert not compile_pattern("WAIT")(WAIT)


def test_optional_and_excluded_terms() -> None:
    either = compile_pattern("?complete ?abandon")
    assert either(DONE) and not either(WAIT)
    assert not compile_pattern("decision -heartbeat")(WAIT)
    assert compile_pattern("decision -heartbeat")(DONE)


@pytest.mark.parametrize(("pattern", "wait", "done"), [
    ('{ $.decision = "wait" }', True, False),
    ('{ $.decision != "wait" }', False, True),
    ('{ $.decision = "w*" }', True, False),
    ("{ $.waited_s > 100 }", False, True),
    ("{ $.waited_s <= 40 && $.blocking.tasks = 2 }", True, False),
    ('{ ($.decision = "complete") || ($.actions[0] = "heartbeat") }', True, True),
    ('{ $.missing = "x" }', False, False),
])
def test_json_conditions(pattern: str, wait: bool, done: bool) -> None:
    matches = compile_pattern(pattern)
    assert (matches(WAIT), matches(DONE)) == (wait, done)


def test_json_patterns_never_match_text_and_unmodelled_forms_are_refused() -> None:
    assert not compile_pattern('{ $.decision = "wait" }')("START RequestId: x Version: $LATEST")
    for pattern in ("[ip, user]", "%ERR.*%", '{ $.decision = }', '{ decision = "x" }'):
        with pytest.raises(AwsError) as raised:
            compile_pattern(pattern)
        assert raised.value.code == "InvalidParameterException"


@given(st.text(min_size=1, alphabet=st.characters(blacklist_categories=["Cs"])))
def test_an_empty_pattern_matches_everything(message: str) -> None:
    assert compile_pattern("")(message)
    assert compile_pattern(None)(message)


@given(st.lists(st.from_regex(r"[a-z]{1,6}", fullmatch=True), min_size=1, max_size=4))
def test_a_message_made_of_the_terms_matches_them(terms: list[str]) -> None:
    message = " ".join(reversed(terms))
    assert compile_pattern(" ".join(terms))(message)
