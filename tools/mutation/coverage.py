"""Which test runs which line of the lifecycle modules: a mutant then runs only those tests.

A pytest plugin with a line tracer (sys.settrace), active for setup, call and teardown of each
test. Lines run only while a module is imported (module constants, defaults, class bodies) are
mapped to the whole suite, since every test imports them.
"""

from __future__ import annotations

import sys
import threading
from collections import defaultdict
from collections.abc import Generator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

IMPORT_TIME = "<import>"


class LineCoverage:
    """Records {file name: {line: {test node ids}}} for files under `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = str(directory.resolve())
        self.current = IMPORT_TIME
        self.lines: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))

    def _local(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line":
            self.lines[Path(frame.f_code.co_filename).stem][frame.f_lineno].add(self.current)
        return self._local

    def _global(self, frame: FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename.startswith(self.directory):
            self._local(frame, "line", arg)  # the def/class line itself, for one-line bodies
            return self._local
        return None

    def start(self) -> None:
        sys.settrace(self._global)
        threading.settrace(self._global)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: object) -> Generator[None, None, None]:
        self.current = item.nodeid
        yield
        self.current = IMPORT_TIME

    def as_json(self) -> dict[str, dict[str, list[str]]]:
        return {module: {str(line): sorted(ids) for line, ids in by_line.items()}
                for module, by_line in self.lines.items()}
