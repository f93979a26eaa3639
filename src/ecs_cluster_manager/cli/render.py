"""Output for people: rich tables and colour on a terminal, plain lines otherwise.

Data goes to stdout, progress to stderr. Colour only on a TTY and never with NO_COLOR
(https://no-color.org); a pipe gets the same tables without escape codes, wide enough not to
wrap.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table

PIPE_WIDTH = 200


def console(stream: TextIO | None = None) -> Console:
    """A console on `stream` (default stdout, read at call time so tests can capture it)."""
    target = stream or sys.stdout
    tty = target.isatty()
    return Console(file=target, force_terminal=tty, no_color=not tty or "NO_COLOR" in os.environ,
                   width=None if tty else PIPE_WIDTH, highlight=False, soft_wrap=not tty)


def progress(text: str) -> None:
    """One progress line on stderr."""
    print(text, file=sys.stderr, flush=True)


def table(title: str | None, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    out = Table(title=title, title_justify="left", box=None, pad_edge=False,
                header_style="bold")
    for header in headers:
        out.add_column(header, overflow="fold")
    for row in rows:
        out.add_row(*("-" if cell is None or cell == "" else str(cell) for cell in row))
    return out


def print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, default=str))


def json_line(data: Any, stream: TextIO | None = None) -> None:
    print(json.dumps(data, default=str), file=stream or sys.stdout, flush=True)


def mark(ok: bool) -> str:
    """`ok  ` or `FAIL`, the same width, coloured where colour is allowed."""
    return "[green]ok  [/green]" if ok else "[bold red]FAIL[/bold red]"
