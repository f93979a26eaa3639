"""One way to get AWS clients for every command, from a boto3 session.

`aws_clients(profile, region)` reads credentials, region and retry settings the way the AWS CLI
does (`--profile`, `AWS_PROFILE`, `AWS_REGION`/`AWS_DEFAULT_REGION`, the shared config files).
Tests and `ecm demo` build `Clients` from the simulated account's session instead, with the
account's virtual clock as `now`/`sleep`, so a simulated command never reads the user's config.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ProfileNotFound

from ecs_cluster_manager.errors import UserError

# botocore's standard retry mode backs off on throttling and transient errors (Boto3 guide,
# "Retries"); short timeouts so a dead endpoint fails a command instead of hanging it.
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 6},
                       connect_timeout=10, read_timeout=60, user_agent_extra="ecm")


@dataclass
class Clients:
    """boto3 clients of one session (made once per service) and the clock commands wait on."""

    session: boto3.Session
    now: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    _made: dict[str, Any] = field(default_factory=dict, repr=False)

    def __call__(self, service: str) -> Any:
        if service not in self._made:
            self._made[service] = self.session.client(service, config=CLIENT_CONFIG)
        return self._made[service]

    @property
    def region(self) -> str:
        return str(self.session.region_name)


ClientsFactory = Callable[[str | None, str | None], Clients]  # (profile, region) -> Clients


def aws_clients(profile: str | None, region: str | None) -> Clients:
    """Clients for the real account, as the AWS CLI would pick its profile and Region."""
    try:
        session = boto3.Session(profile_name=profile, region_name=region)
    except ProfileNotFound:
        raise UserError(f"AWS profile {profile!r} is not in your AWS config; pass a profile "
                        "listed by `aws configure list-profiles`.") from None
    if not session.region_name:
        raise UserError("no AWS Region set: pass --region, or set AWS_REGION or a region in "
                        "your profile.")
    return Clients(session)
