"""Asking before a change: --yes answers; a terminal is asked; anything else is refused."""

from __future__ import annotations

import sys

from ecs_cluster_manager.errors import UserError


def confirm(question: str, yes: bool) -> bool:
    """True with --yes; asks on a terminal; a non-interactive run without --yes is an error
    (exit 2), so a script never changes a stack it did not mean to."""
    if yes:
        return True
    if not sys.stdin.isatty():
        raise UserError(f"{question} needs confirmation: pass --yes when not on a terminal.")
    answer = input(f"{question} [y/N] ")
    return answer.strip().lower() in ("y", "yes")
