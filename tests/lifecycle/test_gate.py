"""The sweep's fan-out: asynchronous self-invocations, request shapes checked by botocore's Stubber."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import Stubber

from ecs_cluster_manager.lifecycle.gate import self_invoker


def test_in_lambda_each_payload_becomes_one_asynchronous_invocation_of_the_function(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "ecm-LifecycleLaunchFunction")
    client = boto3.client("lambda", region_name="us-east-1")
    payloads = [{"sweep": {"ids": ["i-1", "i-2"]}}, {"sweep": {"ids": ["i-3"]}}]
    with Stubber(client) as stub:
        for payload in payloads:
            stub.add_response("invoke", {"StatusCode": 202}, {
                "FunctionName": "ecm-LifecycleLaunchFunction", "InvocationType": "Event",
                "Payload": json.dumps(payload).encode()})
        assert self_invoker(client)(payloads) is True
        stub.assert_no_pending_responses()


def test_outside_lambda_the_caller_works_in_place_and_nothing_is_invoked(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    client = boto3.client("lambda", region_name="us-east-1")
    with Stubber(client):  # any call would fail: no response is queued
        assert self_invoker(client)([{"sweep": {"ids": ["i-1"]}}]) is False
