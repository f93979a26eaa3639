"""Each simulated Lambda invocation's output, written to CloudWatch Logs as Lambda writes it.

Follows "Sending Lambda function logs to CloudWatch Logs" and "Log and monitor Python Lambda
functions" (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html,
https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html):

- the log group is the function's `LoggingConfig.LogGroup`, else `/aws/lambda/<function>`;
  Lambda creates it on first write if it does not exist;
- one log stream per execution environment, named `YYYY/MM/DD/[$LATEST]<32 hex>`; an
  environment serves one invocation at a time, so an invocation that starts while another one
  of the same function is still running (sleeping, here) gets a new environment and stream,
  and changing the function's code or configuration starts new environments;
- each invocation writes `START RequestId: … Version: $LATEST`, every line the handler
  printed (stamped with the virtual time it was printed), an error line if it failed, then
  `END RequestId: …` and `REPORT RequestId: …	Duration: … ms	Billed Duration: … ms	Memory Size:
  … MB	Max Memory Used: … MB`. Memory use is not modelled: Max Memory Used shows the memory
  size, an upper bound.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ecs_cluster_manager.sim.clock import VirtualClock
from ecs_cluster_manager.sim.ids import IdFactory
from ecs_cluster_manager.sim.lambda_.runtime import Invocation
from ecs_cluster_manager.sim.logs.backend import LogsBackend


class StampedLog(io.StringIO):
    """An invocation's stdout that remembers when each piece was written."""

    def __init__(self, clock: VirtualClock) -> None:
        super().__init__()
        self.clock = clock
        self.pieces: list[tuple[float, str]] = []

    def write(self, text: str) -> int:
        self.pieces.append((self.clock.now(), text))
        return super().write(text)

    def lines(self) -> list[tuple[float, str]]:
        """(time the line began, line with its newline), as Lambda sends each line."""
        lines: list[tuple[float, str]] = []
        current, started = "", 0.0
        for when, text in self.pieces:
            for part in text.splitlines(keepends=True):
                if not current:
                    started = when
                current += part
                if current.endswith("\n"):
                    lines.append((started, current))
                    current = ""
        if current:
            lines.append((started, current + "\n"))
        return lines


@dataclass
class _Environment:
    stream: str
    generation: str  # the function's LastModified when the environment started
    busy: bool = False


@dataclass
class LambdaLogSink:
    """Listens to the Lambda backend (`LambdaBackend.listeners`)."""

    logs: LogsBackend
    clock: VirtualClock
    ids: IdFactory
    environments: dict[str, list[_Environment]] = field(default_factory=dict)
    _serving: dict[int, _Environment] = field(default_factory=dict)

    def started(self, invocation: Invocation) -> None:
        function = invocation.function
        pool = self.environments.setdefault(function.name, [])
        environment = next((e for e in pool if not e.busy
                            and e.generation == function.last_modified), None)
        if environment is None:
            day = datetime.fromtimestamp(self.clock.now(), tz=UTC).strftime("%Y/%m/%d")
            environment = _Environment(f"{day}/[$LATEST]{self.ids.hex(32)}",
                                       function.last_modified)
            pool.append(environment)
        environment.busy = True
        self._serving[id(invocation)] = environment
        invocation.log = StampedLog(self.clock)

    def finished(self, invocation: Invocation) -> None:
        environment = self._serving.pop(id(invocation), None)
        if environment is None:
            return
        environment.busy = False
        function, wake = invocation.function, invocation.wake
        group = function.log_group or f"/aws/lambda/{function.name}"
        stream = self.logs.ensure_stream(group, environment.stream)
        request = wake.request_id
        end = wake.end if wake.end is not None else self.clock.now()
        entries: list[tuple[float, str]] = [
            (wake.start, f"START RequestId: {request} Version: $LATEST\n")]
        log = invocation.log
        entries += log.lines() if isinstance(log, StampedLog) else []
        if invocation.traceback:
            entries.append((end, f"[ERROR] {invocation.error}\n{invocation.traceback}"))
        elif invocation.error:
            stamp = datetime.fromtimestamp(end, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            entries.append((end, f"{stamp} {request} {invocation.error}\n"))
        entries.append((end, f"END RequestId: {request}\n"))
        entries.append((end, f"REPORT RequestId: {request}\tDuration: {wake.duration_ms:.2f} ms"
                             f"\tBilled Duration: {wake.billed_ms} ms\tMemory Size: "
                             f"{function.memory_mb} MB\tMax Memory Used: {function.memory_mb} "
                             "MB\t\n"))
        for when, message in entries:
            self.logs.append(stream, int(when * 1000), message)
