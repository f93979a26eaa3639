"""AWS errors become one actionable line each; credentials problems get their own."""

from __future__ import annotations

from botocore.exceptions import ClientError, NoCredentialsError

from ecs_cluster_manager.ops.failures import OperationFailed, explain


def client_error(code: str, message: str, operation: str = "DescribeStacks") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


def text(error: Exception) -> str:
    failure = explain(error)
    assert isinstance(failure, OperationFailed)
    assert failure.exit_code == 1
    assert "\n" not in str(failure)
    return str(failure)


def test_no_credentials() -> None:
    assert "no AWS credentials found" in text(NoCredentialsError())


def test_expired_token() -> None:
    line = text(client_error("ExpiredToken", "The security token included in the request is "
                             "expired"))
    assert "expired" in line and "DescribeStacks" in line and "aws sso login" in line


def test_access_denied_names_the_operation() -> None:
    line = text(client_error("AccessDenied", "User: arn:aws:iam::1:user/x is not authorized",
                             "CreateChangeSet"))
    assert line.startswith("access denied to CreateChangeSet (AccessDenied: User:")


def test_other_errors_show_code_and_message() -> None:
    line = text(client_error("ValidationError", "Template format error"))
    assert line == ("DescribeStacks failed: ValidationError: Template format error; check the "
                    "value it names and try again.")


def test_non_aws_errors_are_left_alone() -> None:
    assert explain(ValueError("bug")) is None
