"""Real boto3 clients whose calls are answered in-process by the simulated account.

botocore emits `before-parameter-build` with the caller's parameters, validates and serializes
them against the real service model, then emits `before-call`; a handler that returns
`(http_response, parsed_response)` there short-circuits the HTTP request. We keep the caller's
parameters from the first event and answer from the second, so nothing reaches the network and
invalid parameters still fail exactly as they would against AWS. Because the request never
reaches botocore's endpoint, its retry handler does not run: a throttled call surfaces at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import boto3
import botocore.loaders
import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.model import OperationModel

if TYPE_CHECKING:
    from ecs_cluster_manager.sim.account import SimAccount

_PARAMS_KEY = "ecm_sim_params"
_shared_loader: botocore.loaders.Loader | None = None
# Every session ever made stays alive: functions cache clients keyed on
# id(boto3.DEFAULT_SESSION), and a collected session's id could be reused by the next account,
# which would then be answered by a cached client of the old one.
_SESSIONS: list[boto3.Session] = []


def _loader() -> botocore.loaders.Loader:
    """One model loader for every simulated session: loading service JSON is the slow part of
    creating a client, and the models never change."""
    global _shared_loader  # noqa: PLW0603 - a process-wide cache
    if _shared_loader is None:
        _shared_loader = botocore.loaders.create_loader()
    return _shared_loader


class _EmptyBody:
    def stream(self, **_: Any) -> Iterator[bytes]:
        yield b""


def make_session(account: SimAccount) -> boto3.Session:
    """A boto3 session whose clients talk to `account`."""
    core = botocore.session.Session()
    core.register_component("data_loader", _loader())
    core.set_credentials("SIMULATEDACCESSKEY", "simulated-secret-key")
    core.set_config_variable("region", account.region)

    def keep_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context[_PARAMS_KEY] = params

    def answer(
        model: OperationModel, context: dict[str, Any], **_: Any
    ) -> tuple[AWSResponse, dict[str, Any]]:
        service = model.service_model.service_name
        params = context.get(_PARAMS_KEY, {})
        status, parsed = account.dispatch(service, model, params)
        url = f"https://{service}.{account.region}.amazonaws.com/"
        return AWSResponse(url, status, {}, _EmptyBody()), parsed

    core.register("before-parameter-build", keep_params, unique_id="ecm-sim-params")
    core.register("before-call", answer, unique_id="ecm-sim-answer")
    session = boto3.Session(botocore_session=core, region_name=account.region)
    _SESSIONS.append(session)
    return session
