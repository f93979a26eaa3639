"""What a resource provider gets and does: create, update, delete and restore one resource.

Providers change the simulated world the way CloudFormation does, through the account's own
API (real boto3 clients), so the services validate every request as they would for a user.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ecs_cluster_manager.sim.cloudformation.model import Stack, StackResource
from ecs_cluster_manager.sim.cloudformation.process import Step

if TYPE_CHECKING:
    from ecs_cluster_manager.sim.account import SimAccount

_NAME_CHARS = string.ascii_uppercase + string.digits
Emit = Callable[[StackResource, str, str], None]  # (resource, status, reason)
Clients = Callable[[str], Any]  # service name -> the account's boto3 client


class ResourceFailed(Exception):
    """The resource could not reach its target state; the message is the status reason."""


@dataclass
class Context:
    account: SimAccount
    stack: Stack
    emit: Emit
    definition: dict[str, Any]  # the resource's template entry, policies resolved
    clients: Clients
    rolling_back: bool = False

    def client(self, service: str) -> Any:
        return self.clients(service)

    def physical_name(self, logical_id: str, limit: int = 64) -> str:
        """CloudFormation's generated names: stack name, logical id, random suffix."""
        suffix = "".join(_random(self.account) for _ in range(13))
        prefix = f"{self.stack.name}-{logical_id}"[: limit - 14]
        return f"{prefix}-{suffix}"

    def arn(self, service: str, resource: str, region: bool = True) -> str:
        where = self.account.region if region else ""
        return f"arn:aws:{service}:{where}:{self.account.account_id}:{resource}"


def _random(account: SimAccount) -> str:
    return _NAME_CHARS[int(account.ids.hex(2), 16) % len(_NAME_CHARS)]


class Provider:
    """Default behaviour: nothing to wait for, updates in place, restore = update back."""

    modelled = True

    def create(self, ctx: Context, resource: StackResource, props: dict[str, Any]) -> Step[None]:
        raise NotImplementedError
        yield 0.0

    def update(self, ctx: Context, resource: StackResource, old: dict[str, Any],
               new: dict[str, Any]) -> Step[None]:
        raise NotImplementedError
        yield 0.0

    def delete(self, ctx: Context, resource: StackResource) -> Step[None]:
        return
        yield 0.0

    def restore(self, ctx: Context, resource: StackResource, previous: StackResource
                ) -> Step[None]:
        """Roll an updated resource back to `previous` (UPDATE_ROLLBACK_IN_PROGRESS)."""
        yield from self.update(ctx, resource, resource.properties, previous.properties)
        resource.attributes = dict(previous.attributes)

    def ref(self, resource: StackResource) -> Any:
        return resource.physical_id


class RecordOnly(Provider):
    """Types the simulator does not model (IAM, CloudWatch Logs, …): recorded with a generated
    physical id and ARN so that Ref and GetAtt work, and nothing else happens."""

    modelled = False

    def create(self, ctx: Context, resource: StackResource, props: dict[str, Any]) -> Step[None]:
        service = resource.type.split("::")[1].lower()
        name = str(props.get("LogGroupName") or props.get("RoleName")
                   or ctx.physical_name(resource.logical_id))
        resource.physical_id = name
        kind = resource.type.split("::")[2]
        regional = service not in ("iam",)
        if service == "logs":
            arn = ctx.arn("logs", f"log-group:{name}:*")
        else:
            path = {"Role": "role", "InstanceProfile": "instance-profile"}.get(kind, kind.lower())
            arn = ctx.arn(service, f"{path}/{name}", region=regional)
        resource.attributes = {"Arn": arn}
        return
        yield 0.0

    def update(self, ctx: Context, resource: StackResource, old: dict[str, Any],
               new: dict[str, Any]) -> Step[None]:
        return
        yield 0.0
