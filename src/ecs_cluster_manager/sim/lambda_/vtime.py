"""Virtual time for Lambda handlers, installed once for the whole process.

`time.time`, `time.time_ns` and `time.sleep` are replaced (when the simulator is imported) by
dispatchers that read the real clock, unless a simulated invocation holds the baton: then they
read, or sleep on, that invocation's virtual clock. Because the module attributes never change
again, code that keeps a reference (`clock = time.time`, a dataclass default) taken after the
simulator was imported still follows virtual time inside handlers; a reference taken before
that import reads real time.
"""

from __future__ import annotations

import time
from typing import Protocol


class Sleeper(Protocol):
    def now(self) -> float: ...
    def sleep(self, seconds: float) -> None: ...


REAL_TIME = time.time
REAL_TIME_NS = time.time_ns
REAL_SLEEP = time.sleep
ACTIVE: list[Sleeper] = []  # invocations holding the baton, innermost last


def _time() -> float:
    return ACTIVE[-1].now() if ACTIVE else REAL_TIME()


def _time_ns() -> int:
    return int(ACTIVE[-1].now() * 1e9) if ACTIVE else REAL_TIME_NS()


def _sleep(seconds: float) -> None:
    if ACTIVE:
        ACTIVE[-1].sleep(seconds)
    else:
        REAL_SLEEP(seconds)


def install() -> None:
    if time.time is not _time:
        time.time = _time
        time.time_ns = _time_ns
        time.sleep = _sleep  # type: ignore[assignment]
