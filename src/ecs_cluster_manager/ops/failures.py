"""AWS errors turned into one line a person can act on.

No credentials, an expired token and access denied each get their own message; any other AWS
error shows its code and message and what to do. The CLI prints these (exit 1) instead of a
traceback; `--debug` shows the traceback.
"""

from __future__ import annotations

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    TokenRetrievalError,
)

from ecs_cluster_manager.errors import UserError

# Codes from the AWS services' common-errors pages (for example
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
EXPIRED_CODES = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired",
                           "TokenRefreshRequired"})
DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
                          "AuthorizationError", "UnrecognizedClientException",
                          "InvalidClientTokenId"})


class OperationFailed(UserError):
    """The command ran and AWS (or the stack) said no: exit 1."""

    exit_code = 1


def _operation(error: ClientError) -> str:
    return str(error.operation_name or "the call")


def explain(error: Exception) -> OperationFailed | None:
    """The one-line failure for an AWS or botocore error, or None for anything else."""
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return OperationFailed("no AWS credentials found: run `aws configure` or `aws sso "
                               "login`, or pass --profile with a profile that has them.")
    if isinstance(error, TokenRetrievalError):
        return OperationFailed(f"cannot refresh the SSO token: {error}; run `aws sso login` "
                               "and try again.")
    if isinstance(error, NoRegionError):
        return OperationFailed("no AWS Region set: pass --region or set AWS_REGION.")
    if isinstance(error, EndpointConnectionError):
        return OperationFailed(f"cannot reach AWS: {error}; check the network and --region.")
    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code", "Unknown"))
        message = str(error.response.get("Error", {}).get("Message", "")).strip()
        if code in EXPIRED_CODES:
            return OperationFailed(f"your AWS credentials have expired ({code} on "
                                   f"{_operation(error)}): refresh them (for example `aws sso "
                                   "login`) and run the command again.")
        if code in DENIED_CODES:
            return OperationFailed(f"access denied to {_operation(error)} ({code}: {message}): "
                                   "use a role allowed to call it (docs/deploy.md lists what "
                                   "ecm needs).")
        return OperationFailed(f"{_operation(error)} failed: {code}: {message}; check the "
                               "value it names and try again.")
    if isinstance(error, BotoCoreError):
        return OperationFailed(f"AWS call failed: {error}; check --profile and --region.")
    return None
