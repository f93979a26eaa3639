"""Template values to API types: CloudFormation passes `Ref` of a Number parameter as the
string "100" and converts it to the property's schema type; we convert to the botocore input
shape of the call instead, which has the same types."""

from __future__ import annotations

from typing import Any

from botocore.model import Shape


def coerce(shape: Shape | None, value: Any) -> Any:
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members = shape.members
        return {k: coerce(members.get(k), v) for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [coerce(shape.member, v) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: coerce(shape.value, v) for k, v in value.items()}
    if isinstance(value, str):
        if kind in ("integer", "long"):
            return int(value)
        if kind in ("double", "float"):
            return float(value)
        if kind == "boolean":
            return value.lower() == "true"
    return value


class CoercingClient:
    """A boto3 client whose keyword arguments are converted to the operation's input types."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._model = client.meta.service_model
        self._operations: dict[str, str] = client.meta.method_to_api_mapping

    def __getattr__(self, method: str) -> Any:
        call = getattr(self._client, method)
        operation = self._operations.get(method)
        if operation is None:
            return call
        shape = self._model.operation_model(operation).input_shape

        def coerced(**params: Any) -> Any:
            return call(**coerce(shape, params))

        return coerced
