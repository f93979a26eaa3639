"""The EventBridge pattern matcher, on the documented examples and as properties."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecs_cluster_manager.sim.events.patterns import PatternError, matches, validate
from tests.samples import SAMPLES

TERMINATE = json.loads((SAMPLES / "eventbridge_asg_terminate_lifecycle_action.json").read_text())


def test_the_projects_kind_of_rule_matches_the_documented_terminate_event() -> None:
    pattern = {"source": ["aws.autoscaling"],
               "detail-type": ["EC2 Instance-terminate Lifecycle Action"],
               "detail": {"AutoScalingGroupName": ["my-asg"],
                          "LifecycleHookName": ["my-lifecycle-hook"]}}
    assert matches(pattern, TERMINATE)
    pattern["detail"]["AutoScalingGroupName"] = ["other-asg"]
    assert not matches(pattern, TERMINATE)


@pytest.mark.parametrize(("pattern", "event", "expected"), [
    ({"a": [{"prefix": "us-"}]}, {"a": "us-east-1"}, True),
    ({"a": [{"prefix": "us-"}]}, {"a": "eu-west-1"}, False),
    ({"a": [{"suffix": ".png"}]}, {"a": "x.png"}, True),
    ({"a": [{"anything-but": "initializing"}]}, {"a": "running"}, True),
    ({"a": [{"anything-but": "initializing"}]}, {"a": "initializing"}, False),
    ({"a": [{"anything-but": "initializing"}]}, {}, False),
    ({"a": [{"anything-but": [1, 2]}]}, {"a": 3}, True),
    ({"a": [{"anything-but": {"prefix": "init"}}]}, {"a": "initial"}, False),
    ({"a": [{"numeric": [">", 0, "<=", 5]}]}, {"a": 5}, True),
    ({"a": [{"numeric": [">", 0, "<=", 5]}]}, {"a": 5.5}, False),
    ({"a": [{"numeric": ["=", 3]}]}, {"a": "3"}, False),
    ({"a": [{"exists": True}]}, {"a": "x"}, True),
    ({"a": [{"exists": True}]}, {}, False),
    ({"a": [{"exists": False}]}, {}, True),
    ({"a": [{"exists": True}]}, {"a": {"b": 1}}, False),  # exists only sees leaves
    ({"a": [5]}, {"a": 5.0}, True),
    ({"a": ["5"]}, {"a": 5}, False),
    ({"a": [True]}, {"a": 1}, False),
    ({"a": [None]}, {"a": None}, True),
    ({"a": ["x"]}, {"a": ["y", "x"]}, True),  # arrays match on any element
    ({"a": {"b": ["x"]}}, {"a": [{"b": "y"}, {"b": "x"}]}, True),
    ({"a": {"b": ["x"]}}, {"a": {"b": "x", "c": 1}}, True),
    ({"a": {"b": ["x"]}}, {"a": "x"}, False),
    ({"a": [{"equals-ignore-case": "ABC"}]}, {"a": "abc"}, True),
    ({"a": [{"wildcard": "*/lib/*"}]}, {"a": "usr/lib/x"}, True),
    ({"a": [{"cidr": "10.0.0.0/24"}]}, {"a": "10.0.0.7"}, True),
    ({"$or": [{"a": ["1"]}, {"b": ["2"]}]}, {"b": "2"}, True),
    ({"$or": [{"a": ["1"]}, {"b": ["2"]}]}, {"b": "3"}, False),
])
def test_operators(pattern: dict[str, Any], event: dict[str, Any], expected: bool) -> None:
    validate(pattern)
    assert matches(pattern, event) is expected


@pytest.mark.parametrize("pattern", [
    {}, {"a": "x"}, {"a": []}, {"a": [{"nope": 1}]}, {"a": [{"numeric": [">"]}]},
    {"a": [{"exists": "yes"}]}, {"a": [["x"]]}, {"$or": [{"a": ["x"]}]},
])
def test_invalid_patterns_are_rejected(pattern: dict[str, Any]) -> None:
    with pytest.raises(PatternError):
        validate(pattern)


scalars = st.one_of(st.text(max_size=8), st.integers(-1000, 1000), st.booleans(), st.none())
events = st.dictionaries(st.sampled_from(["a", "b", "c", "d"]),
                         st.one_of(scalars, st.lists(scalars, max_size=3)), min_size=1)


@given(events)
def test_an_event_matches_the_pattern_made_of_its_own_values(event: dict[str, Any]) -> None:
    pattern = {key: (value if isinstance(value, list) and value else [value])
               for key, value in event.items() if value != []}
    if pattern:
        assert matches(pattern, event)


@given(events, st.sampled_from(["a", "b", "c", "d"]))
def test_anything_but_a_scalar_never_matches_that_scalar(event: dict[str, Any], key: str) -> None:
    value = event.get(key)
    if value is None or isinstance(value, list | bool):
        return
    assert not matches({key: [{"anything-but": value}]}, event)
    assert matches({key: [value]}, event)


@given(st.text(max_size=10), st.text(max_size=10))
def test_prefix_matches_exactly_the_strings_that_start_with_it(prefix: str, text: str) -> None:
    assert matches({"a": [{"prefix": prefix}]}, {"a": text}) == text.startswith(prefix)


@given(st.integers(-50, 50), st.integers(-50, 50), st.integers(-50, 50))
def test_numeric_range_agrees_with_arithmetic(low: int, high: int, value: int) -> None:
    pattern = {"n": [{"numeric": [">=", low, "<", high]}]}
    assert matches(pattern, {"n": value}) == (low <= value < high)


@given(events, events)
def test_exists_true_and_false_are_complementary(first: dict[str, Any],
                                                 second: dict[str, Any]) -> None:
    event = {**first, **second}
    for key in ("a", "b", "c", "d"):
        present = matches({key: [{"exists": True}]}, event)
        absent = matches({key: [{"exists": False}]}, event)
        assert present != absent
