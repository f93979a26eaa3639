"""FilterLogEvents' `filterPattern`, following "Filter pattern syntax for metric filters,
subscription filters, filter log events, and Live Tail"
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html):

- unstructured: every term must occur (case-sensitive); `"a phrase"` is one term; `?a ?b`
  matches either; `-a` excludes events with `a`; an empty pattern matches every event;
- JSON: `{ $.decision = "wait" }`, `!=`, numeric `<`, `>`, `<=`, `>=`, `*` as a wildcard in
  string values, `&&`, `||` and parentheses; an event that is not JSON never matches.

Other forms (space-delimited `[w1, w2]`, regular expressions `%…%`, `IS NULL`, `EXISTS`) are
not modelled and are refused, so a caller never gets a silently wrong answer.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable
from fnmatch import fnmatchcase
from typing import Any

from ecs_cluster_manager.sim.errors import AwsError

Matcher = Callable[[str], bool]
_TOKEN = re.compile(r'\s*(\(|\)|&&|\|\||!=|<=|>=|=|<|>|"(?:[^"\\]|\\.)*"|\$[.\w\[\]]+|[^\s()&|=!<>"]+)')


def invalid(pattern: str) -> AwsError:
    return AwsError("InvalidParameterException", f"Invalid filter pattern: {pattern}")


def compile_pattern(pattern: str | None) -> Matcher:
    text = (pattern or "").strip()
    if not text:
        return lambda message: True
    if text.startswith("{") and text.endswith("}"):
        return _json_matcher(text)
    if text.startswith("[") or text.startswith("%"):
        raise AwsError("InvalidParameterException",
                       f"The ecm simulator does not model this filter pattern: {text}")
    return _term_matcher(text)


def _term_matcher(text: str) -> Matcher:
    try:
        terms = shlex.split(text)
    except ValueError:
        raise invalid(text) from None
    optional = [t[1:] for t in terms if t.startswith("?")]
    excluded = [t[1:] for t in terms if t.startswith("-") and len(t) > 1]
    required = [t for t in terms if not t.startswith(("?", "-"))]

    def matches(message: str) -> bool:
        if any(term in message for term in excluded):
            return False
        if optional and not any(term in message for term in optional):
            return False
        return all(term in message for term in required)

    return matches


def _json_matcher(text: str) -> Matcher:
    tokens = _tokens(text[1:-1], text)
    parser = _Parser(tokens, text)
    condition = parser.expression()
    if parser.position != len(tokens):
        raise invalid(text)

    def matches(message: str) -> bool:
        try:
            document = json.loads(message)
        except ValueError:
            return False
        return condition(document)

    return matches


def _tokens(body: str, pattern: str) -> list[str]:
    tokens, position = [], 0
    while position < len(body):
        if body[position:].strip() == "":
            break
        found = _TOKEN.match(body, position)
        if found is None:
            raise invalid(pattern)
        tokens.append(found.group(1))
        position = found.end()
    return tokens


Condition = Callable[[Any], bool]


class _Parser:
    """expression := term ('||' term)*; term := factor ('&&' factor)*;
    factor := '(' expression ')' | selector operator value."""

    def __init__(self, tokens: list[str], pattern: str) -> None:
        self.tokens = tokens
        self.pattern = pattern
        self.position = 0

    def _take(self) -> str:
        if self.position >= len(self.tokens):
            raise invalid(self.pattern)
        token = self.tokens[self.position]
        self.position += 1
        return token

    def _peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def expression(self) -> Condition:
        parts = [self.term()]
        while self._peek() == "||":
            self._take()
            parts.append(self.term())
        return lambda doc: any(part(doc) for part in parts)

    def term(self) -> Condition:
        parts = [self.factor()]
        while self._peek() == "&&":
            self._take()
            parts.append(self.factor())
        return lambda doc: all(part(doc) for part in parts)

    def factor(self) -> Condition:
        token = self._take()
        if token == "(":
            inner = self.expression()
            if self._take() != ")":
                raise invalid(self.pattern)
            return inner
        if not token.startswith("$"):
            raise invalid(self.pattern)
        operator, value = self._take(), self._take()
        if operator not in ("=", "!=", "<", ">", "<=", ">="):
            raise invalid(self.pattern)
        return _comparison(_path(token), operator, value, self.pattern)


def _path(selector: str) -> list[str | int]:
    steps: list[str | int] = []
    for name, index in re.findall(r"\.(\w+)|\[(\d+)\]", selector[1:]):
        steps.append(int(index) if index else name)
    return steps


def _select(document: Any, steps: list[str | int]) -> tuple[bool, Any]:
    for step in steps:
        if isinstance(step, int):
            if not isinstance(document, list) or step >= len(document):
                return False, None
            document = document[step]
        else:
            if not isinstance(document, dict) or step not in document:
                return False, None
            document = document[step]
    return True, document


def _comparison(steps: list[str | int], operator: str, raw: str, pattern: str) -> Condition:
    if not raw.startswith('"'):
        try:
            return _numeric(steps, operator, float(raw))
        except ValueError:
            pass  # an unquoted string value
    wanted = raw[1:-1] if raw.startswith('"') else raw
    if operator not in ("=", "!="):
        raise invalid(pattern)

    def compare(document: Any) -> bool:
        found, value = _select(document, steps)
        if not found:
            return False
        equal = isinstance(value, str) and fnmatchcase(value, wanted)
        return equal if operator == "=" else not equal

    return compare


def _numeric(steps: list[str | int], operator: str, number: float) -> Condition:
    tests: dict[str, Callable[[float], bool]] = {
        "=": lambda v: v == number, "!=": lambda v: v != number, "<": lambda v: v < number,
        ">": lambda v: v > number, "<=": lambda v: v <= number, ">=": lambda v: v >= number,
    }
    test = tests[operator]

    def compare(document: Any) -> bool:
        found, value = _select(document, steps)
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        return found and is_number and test(float(value))

    return compare
