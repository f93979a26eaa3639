"""Running one invocation: virtual time, the function's environment, and sleeping.

Each invocation runs on its own thread, but only one thread ever runs at a time: the caller
hands the baton to the invocation and waits until it finishes or sleeps. While an invocation
holds the baton, `time.time()`, `time.monotonic()` and `datetime.now()` read the virtual clock
(see `vtime`), `time.sleep()` schedules a
wake-up on the clock and hands the baton back (so the rest of the simulated world runs while it
sleeps), `os.environ` holds exactly the function's environment plus the runtime's variables
(https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime),
`boto3.DEFAULT_SESSION` is the account's session, and stdout/stderr go to the invocation's log
(its CloudWatch Logs stream, kept in `LambdaBackend.logs`). A stray `boto3.session.Session()` would
not reach the simulator, so AWS_ENDPOINT_URL points at a closed local port: it fails fast and
never reaches AWS. An invocation takes no virtual time except where it sleeps.

The context object follows "Using the Lambda context object to retrieve Python function
information" (https://docs.aws.amazon.com/lambda/latest/dg/python-context.html); a function that
sleeps past its timeout is stopped there, with Lambda's "Task timed out after N seconds".
"""

from __future__ import annotations

import io
import os
import queue
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3

from ecs_cluster_manager.sim.clock import VirtualClock
from ecs_cluster_manager.sim.faults import Crash, Faults, SimulatedCrash
from ecs_cluster_manager.sim.lambda_ import vtime
from ecs_cluster_manager.sim.lambda_.functions import Function
from ecs_cluster_manager.sim.metrics import WakeUp

vtime.install()


class InvocationTimeout(BaseException):
    """Raised inside a handler that sleeps past its deadline."""


class InvocationCancelled(BaseException):
    """Raised inside a sleeping handler when the simulation is closed."""


@dataclass
class LambdaContext:
    function_name: str
    function_version: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    aws_request_id: str
    log_group_name: str
    log_stream_name: str
    _deadline: float
    _clock: VirtualClock

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - self._clock.now()) * 1000))


class Invocation:
    """One attempt to run a function on an event."""

    def __init__(self, function: Function, payload: Any, wake: WakeUp, clock: VirtualClock, *,
                 session: boto3.Session, region: str, stack: list[Invocation],
                 crash: Crash | None, faults: Faults,
                 on_done: Callable[[Invocation], None] | None = None) -> None:
        self.on_done = on_done
        self.function = function
        self.payload = payload
        self.wake = wake
        self.clock = clock
        self.session = session
        self.region = region
        self.stack = stack
        self.crash = crash
        self.faults = faults
        self.deadline = wake.start + function.timeout_s
        self.result: Any = None
        self.error: str | None = None
        self.traceback: str = ""
        self.done = False
        self._to_worker: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._to_caller: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._saved: list[tuple[Any, ...]] = []
        self.log = io.StringIO()  # what the handler printed (its CloudWatch Logs stream)

    # -- the caller's side ----------------------------------------------------------------

    def start(self) -> None:
        """Run until the handler returns or first sleeps."""
        threading.Thread(target=self._run, name=f"lambda-{self.function.name}",
                         daemon=True).start()
        self._handed_back(self._to_caller.get())

    def _wake(self, message: str = "wake") -> None:
        if self.done:
            return
        self._to_worker.put(message)
        self._handed_back(self._to_caller.get())

    def _handed_back(self, message: str) -> None:
        if message == "done" and self.on_done is not None:
            self.on_done(self)

    def cancel(self) -> None:
        self._wake("cancel")

    # -- the invocation's side ------------------------------------------------------------

    def count_call(self, operation: str) -> None:
        """Count an API call; crash here if a fault says so."""
        number = sum(self.wake.calls.values()) + 1
        crash = self.crash
        if crash is not None and crash.at_call == number and crash.invocations > 0:
            self.faults.crash_fired(crash, self.function.name, operation)
            raise SimulatedCrash(f"simulated crash at API call {number} ({operation})")
        self.wake.calls[operation] += 1

    def _run(self) -> None:
        self._enter()
        try:
            context = LambdaContext(
                self.function.name, "$LATEST", self.function.arn, self.function.memory_mb,
                self.wake.request_id, f"/aws/lambda/{self.function.name}",
                f"2026/01/01/[$LATEST]{self.wake.request_id.replace('-', '')}",
                self.deadline, self.clock)
            self.result = self.function.load()(self.payload, context)
        except InvocationTimeout:
            self.error = f"Task timed out after {self.function.timeout_s:.2f} seconds"
        except SimulatedCrash as crash:
            self.error = f"Runtime.ExitError: {crash}"
        except BaseException as error:
            self.error = f"{type(error).__name__}: {error}"
            self.traceback = traceback.format_exc()
        finally:
            self.wake.end = self.clock.now()
            self.wake.error = self.error
            self.done = True
            self._leave()
            self._to_caller.put("done")

    def now(self) -> float:
        return self.clock.now()

    def sleep(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        now = self.clock.now()
        self.wake.sleep_s += min(now + seconds, self.deadline) - now
        self._wait(seconds)

    def hold_for_call(self, seconds: float) -> None:
        """An API call's latency: the function waits for the answer (and is billed for it)."""
        if seconds <= 0:
            return
        now = self.clock.now()
        self.wake.call_latency_s += min(now + seconds, self.deadline) - now
        self._wait(seconds)

    def _wait(self, seconds: float) -> None:
        """Hand the baton back until `seconds` of virtual time have passed (or the deadline)."""
        now = self.clock.now()
        until = min(now + seconds, self.deadline)
        self.clock.call_at(until, self._wake)
        self._leave()
        self._to_caller.put("sleep")
        message = self._to_worker.get()
        self._enter()
        if message == "cancel":
            raise InvocationCancelled()
        if now + seconds >= self.deadline:
            raise InvocationTimeout()

    def _environment(self) -> dict[str, str]:
        name = self.function.name
        env = {
            "AWS_REGION": self.region, "AWS_DEFAULT_REGION": self.region,
            "AWS_LAMBDA_FUNCTION_NAME": name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.function.memory_mb),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{name}",
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{self.function.runtime}",
            "AWS_ACCESS_KEY_ID": "SIMULATEDACCESSKEY", "AWS_SECRET_ACCESS_KEY": "simulated",
            "AWS_SESSION_TOKEN": "simulated", "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
            "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
            "TZ": ":UTC", "LANG": "en_US.UTF-8", "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        }
        env.update(self.function.environment)
        return env

    def _enter(self) -> None:
        """Take the baton: install virtual time, the environment and the session."""
        self._saved.append((dict(os.environ), boto3.DEFAULT_SESSION, sys.stdout, sys.stderr))
        sys.stdout = sys.stderr = self.log
        _replace_environ(self._environment())
        boto3.DEFAULT_SESSION = self.session
        vtime.enter(self)
        self.stack.append(self)

    def _leave(self) -> None:
        environ, session, out, err = self._saved.pop()
        sys.stdout, sys.stderr = out, err
        vtime.leave(self)
        self.stack.remove(self)
        _replace_environ(environ)
        boto3.DEFAULT_SESSION = session


def _replace_environ(wanted: dict[str, str]) -> None:
    """Make os.environ equal `wanted`, touching only what differs.

    os.environ.clear() pops one key at a time and lists every key for each pop, and a baton
    passes twice per simulated API call: clearing made the 100-instance benchmark take up to
    about twice as long (docs/performance.md, "Simulator wall time").
    """
    for name in [name for name in os.environ if name not in wanted]:
        del os.environ[name]
    for name, value in wanted.items():
        if os.environ.get(name) != value:
            os.environ[name] = value


def run_to_completion(invocation: Invocation, clock: VirtualClock) -> None:
    """Start an invocation; if it sleeps, keep the clock running until it finishes."""
    invocation.start()
    if not invocation.done:
        clock.run_until_true(lambda: invocation.done, timeout=invocation.function.timeout_s + 1)
