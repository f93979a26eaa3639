"""Simulated AWS Lambda: functions, synchronous and asynchronous invocation, retries, billing.

Asynchronous invocation (EventBridge targets) follows "How Lambda handles errors and retries with
asynchronous invocation"
(https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html): a function
error or timeout is retried twice, the first retry about one minute later and the second about
two minutes after that; then the event is discarded (recorded in `discarded`; no DLQ or
destination is modelled). Throttling, reserved concurrency and cold-start latency are not modelled.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

import boto3
from botocore.response import StreamingBody

from ecs_cluster_manager.sim.backend import Backend, Params, Response
from ecs_cluster_manager.sim.clock import VirtualClock
from ecs_cluster_manager.sim.errors import AwsError
from ecs_cluster_manager.sim.faults import Faults
from ecs_cluster_manager.sim.ids import IdFactory
from ecs_cluster_manager.sim.lambda_.functions import Function
from ecs_cluster_manager.sim.lambda_.runtime import Invocation, run_to_completion
from ecs_cluster_manager.sim.metrics import Metrics, WakeUp

RETRY_DELAYS_S = (60.0, 120.0)


class InvocationListener(Protocol):
    """Told when an invocation is about to start and once it has finished (CloudWatch Logs)."""

    def started(self, invocation: Invocation) -> None: ...
    def finished(self, invocation: Invocation) -> None: ...


class LambdaBackend(Backend):
    service = "lambda"

    def __init__(self, clock: VirtualClock, ids: IdFactory, region: str, account_id: str,
                 session: Callable[[], boto3.Session], *, faults: Faults, metrics: Metrics,
                 async_delay_s: float = 0.1) -> None:
        self.clock = clock
        self.ids = ids
        self.region = region
        self.account_id = account_id
        self.session = session
        self.faults = faults
        self.metrics = metrics
        self.async_delay_s = async_delay_s
        self.functions: dict[str, Function] = {}
        self.stack: list[Invocation] = []  # invocations holding the baton, innermost last
        self.sleeping: list[Invocation] = []
        self.discarded: list[tuple[str, Any, str]] = []  # (function, event, last error)
        self.failures: list[Invocation] = []
        self.logs: list[tuple[str, str, str]] = []  # (function, request id, printed text)
        self.listeners: list[InvocationListener] = []

    # -- the Python API -------------------------------------------------------------------

    def register(self, name: str, handler: str, *, timeout_s: int = 60, memory_mb: int = 128,
                 environment: dict[str, str] | None = None, zip_bytes: bytes | None = None,
                 role: str = "", runtime: str = "python3.12",
                 isolated: bool = False) -> Function:
        """Create (or replace) a function whose code is importable or given as a zip.
        `isolated` imports a private copy of the handler's package for this function (module
        state is its own, as in a fresh execution environment); zip code always is."""
        function = Function(
            name=name, arn=f"arn:aws:lambda:{self.region}:{self.account_id}:function:{name}",
            handler=handler, role=role or f"arn:aws:iam::{self.account_id}:role/{name}",
            runtime=runtime, timeout_s=timeout_s, memory_mb=memory_mb,
            environment=dict(environment or {}), zip_bytes=zip_bytes, isolated=isolated,
            last_modified=self._timestamp())
        self.functions[name] = function
        return function

    def current(self) -> Invocation | None:
        return self.stack[-1] if self.stack else None

    def function(self, name_or_arn: str) -> Function:
        name = name_or_arn.rsplit(":function:", maxsplit=1)[-1].split(":", maxsplit=1)[0]
        function = self.functions.get(name)
        if function is None:
            raise AwsError("ResourceNotFoundException",
                           f"Function not found: arn:aws:lambda:{self.region}:{self.account_id}"
                           f":function:{name}", http_status=404)
        return function

    def invoke_async(self, name_or_arn: str, payload: Any) -> None:
        """Queue an event for a function, as EventBridge does for a Lambda target."""
        function = self.function(name_or_arn)
        event = json.loads(json.dumps(payload))  # the function gets its own copy
        request_id = self.ids.uuid()
        self.clock.call_later(self.async_delay_s,
                              lambda: self._attempt(function, event, request_id, 1))

    def _attempt(self, function: Function, event: Any, request_id: str, attempt: int) -> None:
        def finished(invocation: Invocation) -> None:
            self._keep_log(invocation)
            if invocation in self.sleeping:
                self.sleeping.remove(invocation)
            if invocation.error is None:
                return
            self.failures.append(invocation)
            if attempt <= len(RETRY_DELAYS_S):
                self.clock.call_later(
                    RETRY_DELAYS_S[attempt - 1],
                    lambda: self._attempt(function, event, request_id, attempt + 1))
            else:
                self.discarded.append((function.name, event, invocation.error))

        invocation = self._invocation(function, event, request_id, attempt, finished)
        invocation.start()
        if not invocation.done:
            self.sleeping.append(invocation)

    def _invocation(self, function: Function, event: Any, request_id: str, attempt: int,
                    on_done: Callable[[Invocation], None] | None = None) -> Invocation:
        wake = WakeUp(function.name, request_id, attempt, self.clock.now(), function.memory_mb)
        self.metrics.wakeups.append(wake)
        invocation = Invocation(function, event, wake, self.clock, session=self.session(),
                                region=self.region, stack=self.stack,
                                crash=self.faults.crash_point(function.name),
                                faults=self.faults, on_done=on_done)
        for listener in self.listeners:
            listener.started(invocation)
        return invocation

    def _keep_log(self, invocation: Invocation) -> None:
        for listener in self.listeners:
            listener.finished(invocation)
        text = invocation.log.getvalue()
        if invocation.traceback:
            text += invocation.traceback
        if text:
            self.logs.append((invocation.function.name, invocation.wake.request_id, text))

    def close(self) -> None:
        """Stop invocations still sleeping (their threads would otherwise wait forever)."""
        for invocation in list(self.sleeping):
            invocation.cancel()
        self.sleeping.clear()

    def _timestamp(self) -> str:
        return datetime.fromtimestamp(self.clock.now(), tz=UTC).strftime(
            "%Y-%m-%dT%H:%M:%S.000+0000")

    # -- operations ---------------------------------------------------------------------

    def CreateFunction(self, params: Params) -> Response:
        if params["FunctionName"] in self.functions:
            raise AwsError("ResourceConflictException",
                           f"Function already exist: {params['FunctionName']}", 409)
        code = params["Code"]
        if "ZipFile" not in code:
            raise AwsError("InvalidParameterValueException",
                           "The ecm simulator models only Code.ZipFile.")
        function = self.register(
            params["FunctionName"], params["Handler"], timeout_s=params.get("Timeout", 3),
            memory_mb=params.get("MemorySize", 128),
            environment=params.get("Environment", {}).get("Variables", {}),
            zip_bytes=code["ZipFile"], role=params["Role"],
            runtime=params.get("Runtime", "python3.12"))
        function.description = params.get("Description", "")
        function.log_group = params.get("LoggingConfig", {}).get("LogGroup", "")
        return function.configuration()

    def GetFunction(self, params: Params) -> Response:
        function = self.function(params["FunctionName"])
        return {"Configuration": function.configuration(),
                "Code": {"RepositoryType": "S3", "Location": "https://example.invalid/code.zip"}}

    def GetFunctionConfiguration(self, params: Params) -> Response:
        return self.function(params["FunctionName"]).configuration()

    def ListFunctions(self, params: Params) -> Response:
        return {"Functions": [f.configuration() for f in self.functions.values()]}

    def DeleteFunction(self, params: Params) -> Response:
        self.functions.pop(self.function(params["FunctionName"]).name)
        return {}

    def UpdateFunctionConfiguration(self, params: Params) -> Response:
        function = self.function(params["FunctionName"])
        function.timeout_s = params.get("Timeout", function.timeout_s)
        function.memory_mb = params.get("MemorySize", function.memory_mb)
        function.handler = params.get("Handler", function.handler)
        if "Environment" in params:
            function.environment = dict(params["Environment"].get("Variables", {}))
        if "LoggingConfig" in params:
            function.log_group = params["LoggingConfig"].get("LogGroup", "")
        function.last_modified = self._timestamp()
        function.reset_code()
        return function.configuration()

    def UpdateFunctionCode(self, params: Params) -> Response:
        function = self.function(params["FunctionName"])
        if "ZipFile" not in params:
            raise AwsError("InvalidParameterValueException",
                           "The ecm simulator models only ZipFile.")
        function.zip_bytes = params["ZipFile"]
        function.last_modified = self._timestamp()
        function.reset_code()
        return function.configuration()

    def AddPermission(self, params: Params) -> Response:
        self.function(params["FunctionName"])
        statement = {"Sid": params["StatementId"], "Effect": "Allow",
                     "Principal": {"Service": params["Principal"]},
                     "Action": params["Action"], "Resource": params["FunctionName"]}
        return {"Statement": json.dumps(statement)}

    def Invoke(self, params: Params) -> Response:
        function = self.function(params["FunctionName"])
        raw = params.get("Payload", b"{}")
        payload = json.loads(raw if isinstance(raw, bytes | str) else raw.read() or b"{}")
        if params.get("InvocationType") == "Event":
            self.invoke_async(function.name, payload)
            return {"StatusCode": 202, "Payload": _body(b"")}
        if params.get("InvocationType") == "DryRun":
            return {"StatusCode": 204, "Payload": _body(b"")}
        invocation = self._invocation(function, payload, self.ids.uuid(), 1)
        run_to_completion(invocation, self.clock)
        self._keep_log(invocation)
        response: Response = {"StatusCode": 200, "ExecutedVersion": "$LATEST"}
        if invocation.error is not None:
            response["FunctionError"] = "Unhandled"
            error_type, _, message = invocation.error.partition(": ")
            body = json.dumps({"errorMessage": message, "errorType": error_type}).encode()
        else:
            body = json.dumps(invocation.result).encode()
        response["Payload"] = _body(body)
        if params.get("LogType") == "Tail":
            tail = (invocation.log.getvalue() + invocation.traceback).encode()[-4096:]
            response["LogResult"] = base64.b64encode(tail).decode()
        return response


def _body(data: bytes) -> StreamingBody:
    return StreamingBody(io.BytesIO(data), len(data))
