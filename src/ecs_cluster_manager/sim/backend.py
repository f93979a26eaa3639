"""What every simulated service has in common: operation dispatch and pagination."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Protocol, TypeVar

from ecs_cluster_manager.sim.errors import AwsError

Params = dict[str, Any]
Response = dict[str, Any]
T = TypeVar("T")


class ServiceBackend(Protocol):
    """The contract between the transport and a simulated service."""

    def handle(self, operation: str, params: Params) -> Response: ...


def not_modelled(service: str, operation: str) -> AwsError:
    return AwsError(
        "UnsupportedOperation",
        f"The ecm simulator does not model {service}:{operation}.",
        http_status=501,
    )


class Backend:
    """Base class: each public method named like an AWS operation (CamelCase) implements it."""

    service: ClassVar[str] = ""
    operations: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.operations = frozenset(
            name for name in dir(cls) if name[:1].isupper() and callable(getattr(cls, name))
        )

    def handle(self, operation: str, params: Params) -> Response:
        if operation not in self.operations:
            raise not_modelled(self.service, operation)
        method: Callable[[Params], Response] = getattr(self, operation)
        return method(params)


def paginate(
    items: Sequence[T],
    token: str | None,
    limit: int | None,
    *,
    default: int,
    maximum: int,
    bad_token: Callable[[], AwsError],
) -> tuple[Sequence[T], str | None]:
    """One page of `items` after the opaque `token`; returns the page and the next token."""
    size = default if limit is None else max(1, min(limit, maximum))
    start = 0
    if token:
        if not token.startswith("sim-") or not token[4:].isdigit():
            raise bad_token()
        start = int(token[4:])
    end = start + size
    return items[start:end], (f"sim-{end}" if end < len(items) else None)


def with_next_token(response: Response, token: str | None) -> Response:
    """AWS sends NextToken only when there is a next page."""
    if token:
        response["NextToken"] = token
    return response
