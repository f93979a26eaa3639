"""AWS::IAM::Policy: names checked as IAM checks them; otherwise recorded like other IAM types.

The policy is attached with PutRolePolicy (and PutUserPolicy / PutGroupPolicy), whose RoleName,
UserName and GroupName must match [\\w+=,.@-]+ (IAM API Reference, "PutRolePolicy"): a role
given with its path (`team/role`) is refused, and CloudFormation fails the resource with IAM's
validation message (AWS::IAM::Policy, "Roles": "the name of the role, not the ARN"). IAM itself
(roles existing, the policy document) is not modelled.
"""

from __future__ import annotations

import re
from typing import Any

from ecs_cluster_manager.sim.cloudformation.model import StackResource
from ecs_cluster_manager.sim.cloudformation.process import Step
from ecs_cluster_manager.sim.cloudformation.providers.base import Context, RecordOnly, ResourceFailed

_NAME = re.compile(r"[\w+=,.@-]+")
_TARGETS = (("Roles", "roleName"), ("Users", "userName"), ("Groups", "groupName"))


def _check_names(props: dict[str, Any]) -> None:
    for key, member in _TARGETS:
        for name in props.get(key) or []:
            if not _NAME.fullmatch(str(name)):
                raise ResourceFailed(
                    f"1 validation error detected: Value '{name}' at '{member}' failed to satisfy "
                    f"constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+ "
                    f"(Service: Iam, Status Code: 400)")


class IamPolicy(RecordOnly):
    def create(self, ctx: Context, resource: StackResource, props: dict[str, Any]) -> Step[None]:
        _check_names(props)
        yield from super().create(ctx, resource, props)

    def update(self, ctx: Context, resource: StackResource, old: dict[str, Any],
               new: dict[str, Any]) -> Step[None]:
        _check_names(new)
        yield from super().update(ctx, resource, old, new)
