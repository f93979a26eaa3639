"""The demo's operator: runs the very `ecm` commands a user runs on AWS (deploy, watch,
status, logs) in-process against the simulated account, and shows their output.

Whenever a command waits, the demo's watch steps the virtual clock, so the invariants are still
checked at the end of every instant while `ecm deploy` or `ecm watch` polls.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any, TextIO

from ecs_cluster_manager.cli.main import main
from ecs_cluster_manager.demo.watch import Watch
from ecs_cluster_manager.ops.session import Clients
from ecs_cluster_manager.sim.project_stack import ProjectStack


class _Plain(io.TextIOBase):
    """The demo's stream as a command sees it: plain lines, never a live view."""

    def __init__(self, target: TextIO) -> None:
        self.target = target

    def write(self, text: str) -> int:
        return self.target.write(text)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return False


class Operator:
    def __init__(self, project: ProjectStack, watch: Watch, stream: TextIO | None,
                 directory: Path) -> None:
        self.project = project
        self.watch = watch
        self.stream = stream  # None: the commands' output is not shown (JSON report mode)
        self.directory = directory
        self.parameters = {p["ParameterKey"]: p["ParameterValue"] for p in project.parameters}
        clock = project.account.clock
        self.clients = Clients(project.account.session, now=clock.now, sleep=self._sleep)
        self.after_sleep: list[Callable[[], None]] = []
        self.exit_codes: list[tuple[str, int]] = []

    def _sleep(self, seconds: float) -> None:
        clock = self.project.account.clock
        limit = clock.now() + seconds
        self.watch.run_until(lambda: False, seconds)
        clock.run_until(limit)
        for callback in list(self.after_sleep):
            callback()

    def parameter_file(self, **changes: Any) -> Path:
        self.parameters.update({k: str(v) for k, v in changes.items()})
        path = self.directory / "dev-cluster.json"
        path.write_text(json.dumps([{"ParameterKey": k, "ParameterValue": v}
                                    for k, v in self.parameters.items()], indent=1))
        return path

    def ecm(self, *argv: str) -> int:
        """Run `ecm ARGV` as a user would, its output shown after a `$ ecm ...` line."""
        shown: io.TextIOBase = (_Plain(self.stream) if self.stream is not None
                                else io.StringIO())
        if self.stream is not None and self.stream.isatty():
            self.stream.write("\r\x1b[K")  # clear the demo's status line first
        shown.write(f"$ ecm {' '.join(argv)}\n")
        with redirect_stdout(shown), redirect_stderr(shown):
            code = main(list(argv), clients_factory=lambda profile, region: self.clients)
        shown.flush()
        self.exit_codes.append((argv[0], code))
        return code
