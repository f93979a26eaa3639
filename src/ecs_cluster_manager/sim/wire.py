"""The smallest HTTP bodies each AWS protocol's parser accepts, for answers given in-process.

The transport answers inside botocore's endpoint, where botocore's own parser reads the body
before the simulator's parsed answer is merged in; the body only has to parse. Errors carry
their code and message in the protocol's own error format (the shapes described in the AWS
SDKs' protocol tests: "Query protocol" / "EC2 query protocol" / "AWS JSON 1.1" / "REST-JSON"
error responses), so botocore's retry checkers see exactly what AWS would send them.
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape


def success_body(protocol: str, operation: str) -> bytes:
    if protocol == "query":  # the parser looks for the <OperationResult> wrapper
        return f"<{operation}Response><{operation}Result/></{operation}Response>".encode()
    if protocol == "ec2":
        return f"<{operation}Response/>".encode()
    if protocol == "rest-xml":
        return b""
    return b"{}"


def error_body(protocol: str, code: str, message: str, request_id: str) -> bytes:
    code_xml, message_xml = escape(code), escape(message)
    if protocol == "ec2":
        return (f"<Response><Errors><Error><Code>{code_xml}</Code><Message>{message_xml}"
                f"</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"
                ).encode()
    if protocol == "query":
        return (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code_xml}</Code><Message>"
                f"{message_xml}</Message></Error><RequestId>{request_id}</RequestId>"
                "</ErrorResponse>").encode()
    if protocol == "rest-xml":
        return (f"<Error><Code>{code_xml}</Code><Message>{message_xml}</Message>"
                f"<RequestId>{request_id}</RequestId></Error>").encode()
    return json.dumps({"__type": code, "message": message}).encode()


def error_headers(protocol: str, code: str) -> dict[str, str]:
    """REST-JSON services (Lambda) name the error in a header as well as the body."""
    return {"x-amzn-errortype": code} if protocol == "rest-json" else {}
