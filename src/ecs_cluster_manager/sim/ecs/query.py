"""A subset of the cluster query language, for ListContainerInstances(filter=...).

Syntax and operators follow "Create expressions to define container instances for Amazon ECS
tasks" (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-query-language.html):
`subject operator [argument]`, clauses joined with `and` or `or` (not mixed here). Supported
subjects: `ec2InstanceId` and `agentConnected` (==, !=, in, not_in/!in), `runningTasksCount`
(==, !=, >, >=, <, <=) and `attribute:NAME` (==, !=, exists, !exists). Arguments may be bare or
quoted; lists are `[a, b]`. Anything else is refused with InvalidParameterException rather than
silently ignored (moto's mistake).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ecs_cluster_manager.sim.errors import AwsError

from .model import ContainerInstance

_CLAUSE = re.compile(
    r"^\s*(?P<subject>[A-Za-z0-9_.:\-]+)\s*"
    r"(?P<op>==|!=|>=|<=|>|<|=~|!~|!in\b|not_in\b|in\b|!exists\b|exists\b)\s*(?P<arg>.*?)\s*$",
    re.DOTALL,
)
_JOINER = re.compile(r"\s+(and|or)\s+", re.IGNORECASE)
_SUBJECT_OPS = {
    "ec2InstanceId": {"==", "!=", "in", "not_in"},
    "agentConnected": {"==", "!=", "in", "not_in"},
    "runningTasksCount": {"==", "!=", ">", ">=", "<", "<="},
    "attribute": {"==", "!=", "exists", "!exists"},
}


@dataclass(frozen=True)
class Clause:
    subject: str  # ec2InstanceId | agentConnected | runningTasksCount | attribute:NAME
    op: str  # normalised: "!in" is "not_in"
    values: tuple[str, ...]


@dataclass(frozen=True)
class Query:
    clauses: tuple[Clause, ...]
    joiner: str = "and"

    def ec2_ids(self) -> set[str] | None:
        """The EC2 ids the query is limited to, when it says so (lets the caller use its
        index instead of scanning); None when any instance could match."""
        limits = [
            set(c.values)
            for c in self.clauses
            if c.subject == "ec2InstanceId" and c.op in ("==", "in")
        ]
        if not limits or (self.joiner == "or" and len(limits) != len(self.clauses)):
            return None
        if self.joiner == "or":
            return set().union(*limits)
        return set.intersection(*limits)

    def matches(self, ci: ContainerInstance) -> bool:
        results = (_evaluate(c, ci) for c in self.clauses)
        return all(results) if self.joiner == "and" else any(results)


def parse(expression: str) -> Query:
    parts = _JOINER.split(expression.strip())
    texts, joiners = parts[0::2], {j.lower() for j in parts[1::2]}
    if len(joiners) > 1:
        raise _invalid(expression, "mixing 'and' and 'or' is not supported by the simulator")
    return Query(tuple(_clause(t, expression) for t in texts), joiners.pop() if joiners else "and")


def _clause(text: str, expression: str) -> Clause:
    match = _CLAUSE.match(text)
    if match is None:
        raise _invalid(expression, "expected 'subject operator argument'")
    subject, op, arg = match["subject"], match["op"], match["arg"]
    op = "not_in" if op == "!in" else op
    kind = "attribute" if subject.startswith("attribute:") else subject
    if op not in _SUBJECT_OPS.get(kind, set()):
        raise _invalid(expression, f"operator {op} on {subject} is not supported by the simulator")
    if op in ("exists", "!exists"):
        if arg:
            raise _invalid(expression, f"{op} takes no argument")
        return Clause(subject, op, ())
    values = _arguments(arg, op in ("in", "not_in"), expression)
    return Clause(subject, op, values)


def _arguments(arg: str, is_list: bool, expression: str) -> tuple[str, ...]:
    if is_list:
        if not (arg.startswith("[") and arg.endswith("]")):
            raise _invalid(expression, "'in' needs a list such as [a, b]")
        items = [_unquote(item) for item in arg[1:-1].split(",")]
    else:
        items = [_unquote(arg)]
    if not items or any(not item for item in items):
        raise _invalid(expression, "empty argument")
    return tuple(items)


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def _invalid(expression: str, why: str) -> AwsError:
    return AwsError("InvalidParameterException", f"Invalid filter expression '{expression}': {why}.")


def _evaluate(clause: Clause, ci: ContainerInstance) -> bool:
    if clause.subject.startswith("attribute:"):
        name = clause.subject.split(":", 1)[1]
        value = next((a.get("value") for a in ci.attributes if a["name"] == name), None)
        present = any(a["name"] == name for a in ci.attributes)
        if clause.op in ("exists", "!exists"):
            return present == (clause.op == "exists")
        return (value == clause.values[0]) == (clause.op == "==")
    if clause.subject == "runningTasksCount":
        return _compare(ci.running_tasks, clause.op, clause.values[0])
    actual = ci.ec2_instance_id if clause.subject == "ec2InstanceId" else str(ci.agent_connected).lower()
    wanted = {v.lower() for v in clause.values} if clause.subject == "agentConnected" else set(clause.values)
    inside = actual in wanted
    return inside if clause.op in ("==", "in") else not inside


_NUMERIC: dict[str, Callable[[int, int], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}


def _compare(actual: int, op: str, raw: str) -> bool:
    try:
        wanted = int(raw)
    except ValueError as exc:
        raise AwsError("InvalidParameterException", f"'{raw}' is not a number.") from exc
    return _NUMERIC[op](actual, wanted)
