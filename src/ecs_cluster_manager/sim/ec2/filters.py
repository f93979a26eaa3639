"""EC2 `Filters` (Name/Values with `*` and `?` wildcards) for instances and tags.

Semantics follow "List and filter your resources"
(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Filtering.html): values of one filter
are ORed, filters are ANDed, and values may use `*` and `?` wildcards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fnmatch import fnmatchcase
from typing import Any

from ecs_cluster_manager.sim.ec2.instances import Instance
from ecs_cluster_manager.sim.errors import AwsError

Predicate = Callable[[Instance], bool]


def _matches(actual: Iterable[str], wanted: list[str]) -> bool:
    values = list(actual)
    for pattern in wanted:
        if "*" in pattern or "?" in pattern:
            if any(fnmatchcase(value, pattern) for value in values):
                return True
        elif pattern in values:
            return True
    return False


def value_matches(actual: Iterable[str], wanted: list[str]) -> bool:
    """One filter: does any of a resource's values match any wanted value (with wildcards)?"""
    return _matches(actual, wanted)


_INSTANCE_FIELDS: dict[str, Callable[[Instance], list[str]]] = {
    "instance-id": lambda i: [i.instance_id],
    "instance-state-name": lambda i: [i.state],
    "instance-type": lambda i: [i.instance_type],
    "image-id": lambda i: [i.image_id],
    "availability-zone": lambda i: [i.availability_zone],
    "reservation-id": lambda i: [i.reservation_id],
    "subnet-id": lambda i: [i.subnet_id],
    "tag-key": lambda i: list(i.tags),
    "tag-value": lambda i: list(i.tags.values()),
}


def invalid_filter(name: str) -> AwsError:
    return AwsError("InvalidParameterValue", f"The filter '{name}' is invalid")


def instance_predicates(filters: list[dict[str, Any]]) -> list[Predicate]:
    predicates: list[Predicate] = []
    for spec in filters:
        name, values = spec.get("Name", ""), list(spec.get("Values", []))
        if name.startswith("tag:"):
            predicates.append(_tag_value(name[4:], values))
        elif name in _INSTANCE_FIELDS:
            predicates.append(_field_value(_INSTANCE_FIELDS[name], values))
        else:
            raise invalid_filter(name)
    return predicates


def _tag_value(key: str, values: list[str]) -> Predicate:
    return lambda i: key in i.tags and _matches([i.tags[key]], values)


def _field_value(field: Callable[[Instance], list[str]], values: list[str]) -> Predicate:
    return lambda i: _matches(field(i), values)


_TAG_FIELDS = {"resource-id": "ResourceId", "resource-type": "ResourceType", "key": "Key",
               "value": "Value"}


def tag_predicate(filters: list[dict[str, Any]]) -> Callable[[dict[str, str]], bool]:
    """A predicate over DescribeTags rows (ResourceId, ResourceType, Key, Value)."""
    checks: list[tuple[str, list[str]]] = []
    for spec in filters:
        name = spec.get("Name", "")
        if name not in _TAG_FIELDS:
            raise invalid_filter(name)
        checks.append((_TAG_FIELDS[name], list(spec.get("Values", []))))
    return lambda row: all(_matches([row[name]], values) for name, values in checks)
