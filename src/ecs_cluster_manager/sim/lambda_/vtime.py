"""Virtual time for Lambda handlers, installed once for the whole process.

`time.time`, `time.time_ns`, `time.monotonic`, `time.monotonic_ns` and `time.sleep` are replaced
(when the simulator is imported) by dispatchers that read the real clock, unless a simulated
invocation holds the baton: then they read, or sleep on, that invocation's virtual clock. Because
the module attributes never change again, code that keeps a reference (`clock = time.time`, a
dataclass default) taken after the simulator was imported still follows virtual time inside
handlers; a reference taken before that import reads real time.

`datetime.datetime` is a C type whose `now()` cannot be patched, so while an invocation holds
the baton the `datetime` module's `datetime` attribute is a subclass whose `now()`, `utcnow()`
and `today()` read the virtual clock (outside invocations they read real time). A handler module
imported inside an invocation (every function's first, cold-start invocation) binds that subclass
for good; `isinstance` against it accepts every datetime, so code that mixes it with datetimes
made elsewhere (botocore's parsed timestamps) behaves as with the real class.
"""

from __future__ import annotations

import datetime as _datetime_module
import threading
import time
from typing import Any, Protocol

from botocore.retries import bucket

REAL_DATETIME = _datetime_module.datetime


class Sleeper(Protocol):
    def now(self) -> float: ...
    def sleep(self, seconds: float) -> None: ...


REAL_TIME = time.time
REAL_TIME_NS = time.time_ns
REAL_MONOTONIC = time.monotonic
REAL_MONOTONIC_NS = time.monotonic_ns
REAL_SLEEP = time.sleep
ACTIVE: list[Sleeper] = []  # invocations holding the baton, innermost last


def _time() -> float:
    return ACTIVE[-1].now() if ACTIVE else REAL_TIME()


def _time_ns() -> int:
    return int(ACTIVE[-1].now() * 1e9) if ACTIVE else REAL_TIME_NS()


def _monotonic() -> float:
    # The virtual clock never goes backwards, so it is a valid monotonic clock.
    return ACTIVE[-1].now() if ACTIVE else REAL_MONOTONIC()


def _monotonic_ns() -> int:
    return int(ACTIVE[-1].now() * 1e9) if ACTIVE else REAL_MONOTONIC_NS()


def _sleep(seconds: float) -> None:
    if ACTIVE:
        ACTIVE[-1].sleep(seconds)
    else:
        REAL_SLEEP(seconds)


class _AnyDatetime(type):
    """Lets `isinstance(x, VirtualDatetime)` accept any datetime, as the real class would."""

    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, REAL_DATETIME)

    def __subclasscheck__(cls, subclass: type) -> bool:
        return issubclass(subclass, REAL_DATETIME)


class VirtualDatetime(REAL_DATETIME, metaclass=_AnyDatetime):
    """`datetime.datetime` whose clock readings follow the invocation's virtual clock."""

    @classmethod
    def now(cls, tz: _datetime_module.tzinfo | None = None) -> VirtualDatetime:
        return cls.fromtimestamp(_time(), tz)

    @classmethod
    def utcnow(cls) -> VirtualDatetime:
        return cls.fromtimestamp(_time(), _datetime_module.UTC).replace(tzinfo=None)

    @classmethod
    def today(cls) -> VirtualDatetime:
        return cls.fromtimestamp(_time())


def enter(sleeper: Sleeper) -> None:
    """`sleeper` (an invocation) takes the baton: clock readings follow it."""
    ACTIVE.append(sleeper)
    _datetime_module.datetime = VirtualDatetime  # type: ignore[misc]


def leave(sleeper: Sleeper) -> None:
    ACTIVE.remove(sleeper)
    if not ACTIVE:
        _datetime_module.datetime = REAL_DATETIME  # type: ignore[misc]


def install() -> None:
    if time.time is not _time:
        time.time = _time
        time.time_ns = _time_ns
        time.monotonic = _monotonic
        time.monotonic_ns = _monotonic_ns
        time.sleep = _sleep  # type: ignore[assignment]
        _virtual_sdk_rate_limiter()


def _virtual_sdk_rate_limiter() -> None:
    """botocore's adaptive retry mode waits for its client-side token bucket on a
    `threading.Condition` with a timeout, which would block real time (and never see the
    virtual clock move). Its buckets get a condition that sleeps through `time.sleep` instead:
    virtual inside an invocation, real outside."""

    class VirtualCondition(threading.Condition):
        def wait(self, timeout: float | None = None) -> bool:
            if not ACTIVE or timeout is None:
                return super().wait(timeout)
            self.release()  # other invocations may use the same client while this one sleeps
            try:
                # At epoch seconds a float cannot move by less than ~0.2 us: wait at least a
                # millisecond so the bucket's refill sees time pass.
                _sleep(max(timeout, 0.001))
            finally:
                self.acquire()
            return False

    class VirtualTokenBucket(bucket.TokenBucket):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._new_fill_rate_condition = VirtualCondition(self._lock)

    bucket.TokenBucket = VirtualTokenBucket
