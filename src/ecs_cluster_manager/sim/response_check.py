"""Check a simulated response against the operation's real botocore output shape.

botocore's `ParamValidator` checks member names, types, required members and enum-free
constraints; applied to the output shape it catches a misspelled key or a number sent as a
string before a caller's code ever sees it.
"""

from __future__ import annotations

from typing import Any

from botocore.model import OperationModel
from botocore.validate import ParamValidator

_VALIDATOR = ParamValidator()


class ResponseShapeError(AssertionError):
    """A simulated response does not fit the real service's output shape."""


def response_problems(model: OperationModel, parsed: dict[str, Any]) -> str | None:
    """The validator's report for `parsed` (without ResponseMetadata), or None if it fits."""
    shape = model.output_shape
    # botocore's own parsers leave some members None (S3 GetBucketLocation in us-east-1).
    body = {key: value for key, value in parsed.items()
            if key != "ResponseMetadata" and value is not None}
    if shape is None:
        return None if not body else f"{model.name} has no output but returned {sorted(body)}"
    report = _VALIDATOR.validate(body, shape)
    return report.generate_report() if report.has_errors() else None


def check_response(model: OperationModel, parsed: dict[str, Any]) -> None:
    problems = response_problems(model, parsed)
    if problems:
        raise ResponseShapeError(f"{model.service_model.service_name}:{model.name}: {problems}")
