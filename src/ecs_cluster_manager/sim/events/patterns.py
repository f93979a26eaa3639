"""EventBridge event-pattern matching, as a small pure module.

Semantics follow the EventBridge user guide pages "Creating event patterns"
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html) and
"Comparison operators for use in event patterns"
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html):

- a pattern mirrors the event's structure; every field in the pattern must match (AND), any of
  the values listed for a field may match (OR);
- matching happens on leaf values; when the event holds an array, the field matches if any
  element matches (arrays of objects are searched element by element);
- operators: exact values (strings, numbers compared numerically, true/false/null), `prefix`,
  `suffix`, `equals-ignore-case`, `anything-but` (a value, a list, or a prefix/suffix), `numeric`
  ranges, `exists`, `cidr`, `wildcard`, and `$or`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import Any

_MISSING = object()
_NUMERIC_OPS = {
    "=": lambda a, b: a == b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


class PatternError(ValueError):
    """The pattern is not a valid EventBridge event pattern."""


def matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    """Whether `event` matches `pattern` (both already parsed from JSON)."""
    for key, spec in pattern.items():
        if key == "$or":
            if not any(matches(alternative, event) for alternative in spec):
                return False
        elif isinstance(spec, dict):
            if not _match_object(spec, event.get(key, _MISSING)):
                return False
        elif not _match_leaf(spec, list(_leaves(event.get(key, _MISSING)))):
            return False
    return True


def _match_object(spec: dict[str, Any], value: Any) -> bool:
    if isinstance(value, dict):
        return matches(spec, value)
    if isinstance(value, list):
        # Each field of the nested pattern may be satisfied by a different element, as
        # EventBridge flattens arrays of objects before matching.
        merged: dict[str, list[Any]] = {}
        for element in value:
            if isinstance(element, dict):
                for key, item in element.items():
                    merged.setdefault(key, []).append(item)
        return matches(spec, merged) if merged else _only_absence(spec)
    return _only_absence(spec)


def _only_absence(spec: dict[str, Any]) -> bool:
    """A missing object still matches a pattern that only asks for absent fields."""
    return matches(spec, {})


def _leaves(value: Any) -> Iterator[Any]:
    if value is _MISSING:
        return
    if isinstance(value, list):
        for element in value:
            yield from _leaves(element)
    elif not isinstance(value, dict):
        yield value


def _match_leaf(matchers: list[Any], values: list[Any]) -> bool:
    for matcher in matchers:
        if isinstance(matcher, dict) and "exists" in matcher:
            if bool(values) == bool(matcher["exists"]):
                return True
        elif any(_match_value(matcher, value) for value in values):
            return True
    return False


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _equal(expected: Any, value: Any) -> bool:
    if _is_number(expected):
        return _is_number(value) and float(expected) == float(value)
    if isinstance(expected, bool) or expected is None:
        return value is expected
    return isinstance(value, str) and value == expected


def _match_value(matcher: Any, value: Any) -> bool:
    if not isinstance(matcher, dict):
        return _equal(matcher, value)
    (operator, argument), = matcher.items()
    if operator == "anything-but":
        return _anything_but(argument, value)
    if operator == "numeric":
        return _is_number(value) and _numeric(argument, float(value))
    if not isinstance(value, str):
        return False
    return _string_operator(operator, argument, value)


def _string_operator(operator: str, argument: Any, value: str) -> bool:
    if isinstance(argument, dict):  # {"prefix": {"equals-ignore-case": "x"}}
        argument = str(argument["equals-ignore-case"]).lower()
        value = value.lower()
    if operator == "prefix":
        return value.startswith(argument)
    if operator == "suffix":
        return value.endswith(argument)
    if operator == "equals-ignore-case":
        return value.lower() == str(argument).lower()
    if operator == "wildcard":
        return re.fullmatch(".*".join(map(re.escape, argument.split("*"))), value) is not None
    if operator == "cidr":
        try:
            return ipaddress.ip_address(value) in ipaddress.ip_network(argument, strict=False)
        except ValueError:
            return False
    raise PatternError(f"Unrecognized match type {operator}")


def _anything_but(argument: Any, value: Any) -> bool:
    if isinstance(argument, dict):
        (operator, inner), = argument.items()
        if isinstance(inner, list):
            return isinstance(value, str) and not any(
                _string_operator(operator, item, value) for item in inner)
        return isinstance(value, str) and not _string_operator(operator, inner, value)
    excluded = argument if isinstance(argument, list) else [argument]
    return not any(_equal(item, value) for item in excluded)


def _numeric(argument: list[Any], value: float) -> bool:
    for index in range(0, len(argument), 2):
        if not _NUMERIC_OPS[argument[index]](value, float(argument[index + 1])):
            return False
    return True


_OPERATORS = {"prefix", "suffix", "equals-ignore-case", "anything-but", "numeric", "exists",
              "cidr", "wildcard"}


def validate(pattern: Any, path: str = "") -> None:
    """Raise PatternError where EventBridge would reject the pattern as invalid."""
    if not isinstance(pattern, dict) or (not pattern and not path):
        raise PatternError("Event pattern must be a non-empty JSON object")
    for key, spec in pattern.items():
        where = f"{path}.{key}" if path else key
        if key == "$or":
            if not isinstance(spec, list) or len(spec) < 2:
                raise PatternError("$or must be an array of at least two patterns")
            for alternative in spec:
                validate(alternative, where)
        elif isinstance(spec, dict):
            validate(spec, where)
        elif not isinstance(spec, list) or not spec:
            raise PatternError(f"Match value for {where} must be a non-empty array")
        else:
            for matcher in spec:
                _validate_matcher(matcher, where)


def _validate_matcher(matcher: Any, where: str) -> None:
    if not isinstance(matcher, dict):
        if isinstance(matcher, list):
            raise PatternError(f"Match value for {where} must not be a nested array")
        return
    if len(matcher) != 1 or next(iter(matcher)) not in _OPERATORS:
        raise PatternError(f"Unrecognized match type {sorted(matcher)} in {where}")
    operator, argument = next(iter(matcher.items()))
    if operator == "numeric":
        if (not isinstance(argument, list) or not argument or len(argument) % 2
                or any(op not in _NUMERIC_OPS for op in argument[::2])
                or not all(_is_number(n) for n in argument[1::2])):
            raise PatternError(f"Value of numeric for {where} must be [op, number, ...]")
    elif operator == "exists" and not isinstance(argument, bool):
        raise PatternError(f"exists match pattern must be either true or false in {where}")
