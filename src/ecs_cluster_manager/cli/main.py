"""Entry point of `ecm`. Verbs live in sibling modules and are listed in VERBS.

Exit codes: 0 success, 1 the operation ran and failed (for example an invariant broke),
2 usage or input error. User errors print one line, never a traceback (`--debug` shows it).
Output piped into a reader that stops early (`ecm simulate ... | head`) ends quietly.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ecs_cluster_manager.errors import UserError

if TYPE_CHECKING:
    from ecs_cluster_manager.ops.session import ClientsFactory

# Each name is a module in this package exposing `register(subparsers)`; the registered parser
# sets `func(args) -> int`. Add a verb by adding its module name here.
VERBS: tuple[str, ...] = ("validate", "package", "deploy", "status", "watch", "logs", "hook",
                          "cancel", "delete", "verify", "simulate", "demo", "report",
                          "snapshot", "forecast")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ecm", description="ECS Cluster Manager")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    subparsers = parser.add_subparsers(dest="verb", metavar="COMMAND")
    for verb in VERBS:
        module = importlib.import_module(f"ecs_cluster_manager.cli.{verb}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None, *,
         clients_factory: ClientsFactory | None = None) -> int:
    """Run `ecm`. `clients_factory` gives the AWS verbs their clients (tests and the demo pass
    the simulated account's); by default they read the user's AWS configuration."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.clients_factory = clients_factory
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        result: int = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler below
    except UserError as error:
        if args.debug:
            raise
        print(f"ecm: {error}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:
        _silence_stdout()
        return 1
    except OSError as error:  # a file or directory the user named cannot be read or written
        if args.debug:
            raise
        where = f" {error.filename}" if error.filename else ""
        print(f"ecm: cannot use{where}: {error.strerror or error}; check the path and its "
              "permissions", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("ecm: interrupted", file=sys.stderr)
        return 130
    return result


def _silence_stdout() -> None:
    """The reader went away: send what is still buffered nowhere, so that Python's own flush at
    exit does not fail again (the recipe in the Python docs, "Note on SIGPIPE")."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
