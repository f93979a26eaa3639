"""The project's error hierarchy (outside the Lambda package, which has its own small one)."""

from __future__ import annotations


class EcmError(Exception):
    """Base class for every error this project raises on purpose."""


class UserError(EcmError):
    """Raised for a mistake the user can fix (bad flag, missing file); shown without traceback."""

    exit_code = 2
