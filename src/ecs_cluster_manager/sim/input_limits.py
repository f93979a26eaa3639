"""The service-side input constraints botocore does not check: maximum lengths, sizes and patterns.

botocore's parameter validation enforces types, required members and minimums
(`botocore.validate.ParamValidator`), but not a member's `max` or `pattern`; AWS does, and answers
with a `ValidationError` in its constraint wording, for example "1 validation error detected:
Value '…' at 'lifecycleHookName' failed to satisfy constraint: Member must have length less than
or equal to 255" (the common validation error of the query APIs,
https://docs.aws.amazon.com/autoscaling/ec2/APIReference/CommonErrors.html). The limits come
from the same service model AWS publishes with each API Reference (for Auto Scaling, for example,
LifecycleHookName: 1 to 255 characters of `[A-Za-z0-9\\-_\\/]+`, NotificationMetadata: up to
4000 printable ASCII characters, AutoScalingGroupName: up to 255, LifecycleActionToken: exactly
36).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import botocore.loaders
from botocore.model import ListShape, OperationModel, ServiceModel, Shape, StructureShape

from ecs_cluster_manager.sim.errors import AwsError

# Java-style surrogate pairs in the models' patterns mean "any supplementary character".
_SURROGATES = "\\uD800\\uDC00-\\uDBFF\\uDFFF"


@cache
def _service(service: str) -> ServiceModel:
    # straight from botocore's data files: a session would read the user's AWS config and
    # profile, which simulated commands must never touch
    loaded = botocore.loaders.Loader().load_service_model(service, "service-2")
    return ServiceModel(loaded, service_name=service)


@cache
def _operation(service: str, operation: str) -> OperationModel:
    return _service(service).operation_model(operation)


@cache
def _pattern(text: str) -> re.Pattern[str] | None:
    try:
        return re.compile(text.replace(_SURROGATES, "\U00010000-\U0010FFFF"), re.DOTALL)
    except re.error:
        return None  # a pattern Python cannot read is not checked (never a false refusal)


def check(service: str, operation: str, params: dict[str, Any],
          code: str = "ValidationError") -> None:
    """Raise AWS's validation error (`code`: ValidationError for the query APIs such as Auto
    Scaling, ValidationException for JSON ones such as EventBridge) when a parameter breaks a
    limit botocore left unchecked."""
    shape = _operation(service, operation).input_shape
    if shape is None:
        return
    problems: list[str] = []
    _walk(shape, params, "", problems)
    if problems:
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        raise AwsError(code, f"{count} validation {noun} detected: {'; '.join(problems)}")


def _walk(shape: Shape, value: Any, path: str, problems: list[str]) -> None:
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value:
                inner = name[:1].lower() + name[1:]
                _walk(member, value[name], f"{path}.{inner}" if path else inner, problems)
    elif isinstance(shape, ListShape) and isinstance(value, list):
        maximum = shape.metadata.get("max")
        if maximum is not None and len(value) > maximum:
            problems.append(f"Value at '{path}' failed to satisfy constraint: Member must have "
                            f"length less than or equal to {maximum}")
        for index, item in enumerate(value, start=1):
            _walk(shape.member, item, f"{path}.member.{index}", problems)
    elif shape.type_name == "string" and isinstance(value, str):
        _string(shape, value, path, problems)
    elif shape.type_name in ("integer", "long") and isinstance(value, int):
        maximum = shape.metadata.get("max")
        if maximum is not None and value > maximum:
            problems.append(f"Value '{value}' at '{path}' failed to satisfy constraint: Member "
                            f"must have value less than or equal to {maximum}")


def _string(shape: Shape, value: str, path: str, problems: list[str]) -> None:
    maximum = shape.metadata.get("max")
    if maximum is not None and len(value) > maximum:
        problems.append(f"Value '{value}' at '{path}' failed to satisfy constraint: Member must "
                        f"have length less than or equal to {maximum}")
    pattern = shape.metadata.get("pattern")
    compiled = _pattern(pattern) if pattern else None
    if compiled is not None and not compiled.fullmatch(value):
        problems.append(f"Value '{value}' at '{path}' failed to satisfy constraint: Member must "
                        f"satisfy regular expression pattern: {pattern}")
