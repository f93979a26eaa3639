"""AWS errors as the simulator raises them, and their translation into botocore's parsed form.

A backend raises `AwsError(code, message)`; the transport turns it into the parsed error
response botocore builds from a real HTTP error, so the caller gets a genuine
`botocore.exceptions.ClientError` (or the service's modelled subclass) whose
`response["Error"]["Code"]` and `["Message"]` read exactly as AWS sends them.
Error codes follow each service's API reference "Errors" section, for example
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html and
https://docs.aws.amazon.com/autoscaling/ec2/APIReference/CommonErrors.html.
"""

from __future__ import annotations

from typing import Any

# Throttling as each service reports it ("Rate exceeded" / "Request limit exceeded."):
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/throttling.html,
# https://docs.aws.amazon.com/autoscaling/ec2/APIReference/CommonErrors.html,
# https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html (TooManyRequestsException),
# https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/CommonErrors.html.
THROTTLING: dict[str, tuple[str, str, int]] = {
    "ec2": ("RequestLimitExceeded", "Request limit exceeded.", 503),
    "autoscaling": ("Throttling", "Rate exceeded", 400),
    "ecs": ("ThrottlingException", "Rate exceeded", 400),
    "events": ("ThrottlingException", "Rate exceeded", 400),
    "lambda": ("TooManyRequestsException", "Rate exceeded", 429),
    "cloudformation": ("Throttling", "Rate exceeded", 400),
}


class AwsError(Exception):
    """An error a simulated service returns to its caller."""

    def __init__(self, code: str, message: str, http_status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.http_status = http_status

    def parsed_response(self, request_id: str) -> dict[str, Any]:
        return {
            "Error": {"Code": self.code, "Message": self.message},
            "ResponseMetadata": response_metadata(request_id, self.http_status),
        }


def throttling_error(service: str) -> AwsError:
    code, message, status = THROTTLING.get(service, ("ThrottlingException", "Rate exceeded", 400))
    return AwsError(code, message, status)


def validation_error(message: str) -> AwsError:
    """Auto Scaling's (and EventBridge's) generic 400 for bad input."""
    return AwsError("ValidationError", message)


def response_metadata(request_id: str, status: int = 200) -> dict[str, Any]:
    return {
        "RequestId": request_id,
        "HTTPStatusCode": status,
        "HTTPHeaders": {"x-amzn-requestid": request_id},
        "RetryAttempts": 0,
    }
