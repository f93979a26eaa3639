"""Real boto3 clients whose calls are answered in-process by the simulated account.

botocore emits `before-parameter-build` with the caller's parameters, validates and serializes
them against the real service model, emits `before-call`, then runs its endpoint's retry loop:
each attempt emits `before-send` (a handler may return the HTTP response instead of the
network), parses the body after `before-parse` (whose `customized_response_dict` is merged into
the parsed response) and asks `needs-retry` whether to sleep and try again. So:

- A call made inside a simulated function is answered at `before-send`, inside that loop: the
  body is the smallest one the protocol's parser accepts (`wire`), with the error in the
  protocol's own format and its real HTTP status, and the simulator's parsed answer is merged in
  at `before-parse`. botocore's retry handlers (legacy, standard or adaptive, as the client is
  configured) see every throttled attempt and back off through `time.sleep`, which is virtual
  inside a function; the adaptive mode's client-side bucket waits virtually too (`vtime`).
- A call made by the simulation's driver (a test, a scenario's set-up, an operator command run
  in-process) is answered at `before-call`, before the endpoint: it has no virtual time to back
  off in, so it is never retried and a throttle fault surfaces at once.

Either way nothing reaches the network, and invalid parameters still fail exactly as they would
against AWS.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import boto3
import botocore.loaders
import botocore.session
from botocore.awsrequest import AWSPreparedRequest, AWSResponse, HeadersDict
from botocore.model import OperationModel

from ecs_cluster_manager.sim import wire

if TYPE_CHECKING:
    from ecs_cluster_manager.sim.account import SimAccount

_PARAMS_KEY = "ecm_sim_params"
_MODEL_KEY = "ecm_sim_model"
_ANSWER_HEADER = "x-ecm-sim-answer"
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


class _Body:
    """The raw body of an HTTP response, as urllib3's response offers it to botocore."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data.read()

    def read(self, amt: int | None = None) -> bytes:
        return self._data.read(amt)


def make_session(account: SimAccount) -> boto3.Session:
    """A boto3 session whose clients talk to `account`."""
    core = botocore.session.Session()
    core.register_component("data_loader", _loader())
    core.set_credentials("SIMULATEDACCESSKEY", "simulated-secret-key")
    core.set_config_variable("region", account.region)
    waiting: dict[str, dict[str, Any]] = {}  # parsed answers until botocore parses the body
    numbers = itertools.count()

    def keep_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context[_PARAMS_KEY] = params

    def answer_driver(model: OperationModel, context: dict[str, Any],
                      **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if account.caller_is_function():
            context[_MODEL_KEY] = model  # answered at before-send, inside the retry loop
            return None
        service = model.service_model.service_name
        status, parsed = account.dispatch(service, model, context.get(_PARAMS_KEY, {}))
        return AWSResponse(_url(account, service), status, {}, _Body(b"")), parsed

    def answer_attempt(request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
        context = request.context
        model: OperationModel | None = context.get(_MODEL_KEY)
        if model is None:
            return None
        service = model.service_model.service_name
        status, parsed = account.dispatch(service, model, context.get(_PARAMS_KEY, {}))
        number = str(next(numbers))
        waiting[number] = parsed
        protocol = model.service_model.resolved_protocol
        request_id = parsed["ResponseMetadata"]["RequestId"]
        headers = HeadersDict({"x-amzn-requestid": request_id, _ANSWER_HEADER: number})
        if status >= 300:
            error = parsed["Error"]
            headers.update(wire.error_headers(protocol, error["Code"]))
            body = wire.error_body(protocol, error["Code"], error["Message"], request_id)
        else:
            body = wire.success_body(protocol, model.name)
        return AWSResponse(_url(account, service), status, headers, _Body(body))

    def merge_answer(response_dict: dict[str, Any], customized_response_dict: dict[str, Any],
                     **_: Any) -> None:
        number = response_dict["headers"].get(_ANSWER_HEADER)
        if number is not None:
            customized_response_dict.update(waiting.pop(number))

    core.register("before-parameter-build", keep_params, unique_id="ecm-sim-params")
    core.register("before-call", answer_driver, unique_id="ecm-sim-answer")
    # Last, so the adaptive retry mode's client-side rate limiter runs before the "send".
    events = core.get_component("event_emitter")
    events.register_last("before-send", answer_attempt, unique_id="ecm-sim-send")
    events.register("before-parse", merge_answer, unique_id="ecm-sim-parse")
    session = boto3.Session(botocore_session=core, region_name=account.region)
    _SESSIONS.append(session)
    return session


def _url(account: SimAccount, service: str) -> str:
    return f"https://{service}.{account.region}.amazonaws.com/"
