"""Lambda handlers the simulator tests deploy (importable as tests.sim.lambda_handlers)."""

from __future__ import annotations

import os
import time
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

SEEN: list[dict[str, Any]] = []


def record(event: Any, context: Any) -> dict[str, Any]:
    """Remember what the function saw: the event, time, environment, remaining time."""
    SEEN.append({"event": event, "time": time.time(), "env": os.environ.get("GREETING"),
                 "remaining_ms": context.get_remaining_time_in_millis(),
                 "region": os.environ.get("AWS_REGION")})
    return {"ok": True}


def environment_around_a_sleep(event: Any, context: Any) -> None:
    """What the environment is before and after the function hands the baton back."""
    before = dict(os.environ)
    time.sleep(float(event["seconds"]))
    SEEN.append({"before": before, "after": dict(os.environ)})


def fail(event: Any, context: Any) -> None:
    SEEN.append({"event": event, "time": time.time()})
    raise RuntimeError("boom")


def sleepy(event: Any, context: Any) -> dict[str, Any]:
    start = time.time()
    time.sleep(float(event.get("seconds", 10)))
    SEEN.append({"slept": time.time() - start, "remaining_ms":
                 context.get_remaining_time_in_millis()})
    return {"slept": time.time() - start}


def count_groups(event: Any, context: Any) -> int:
    """Makes API calls with a plain boto3 client (crash faults count these)."""
    client = boto3.client("autoscaling")
    for _ in range(3):
        client.describe_auto_scaling_groups()
    SEEN.append({"finished": True})
    return 3


def poll_until_in_service(event: Any, context: Any) -> str:
    """A polling-style launch gate: sleep and re-check until the instance is InService-ready,
    then complete the lifecycle action; gives up shortly before its own timeout."""
    detail = event["detail"]
    client = boto3.client("autoscaling")
    ec2 = boto3.client("ec2")
    while context.get_remaining_time_in_millis() > 20_000:
        found = ec2.describe_instances(InstanceIds=[detail["EC2InstanceId"]])
        state = found["Reservations"][0]["Instances"][0]["State"]["Name"]
        if state == "running":
            client.complete_lifecycle_action(
                AutoScalingGroupName=detail["AutoScalingGroupName"],
                LifecycleHookName=detail["LifecycleHookName"],
                LifecycleActionToken=detail["LifecycleActionToken"],
                LifecycleActionResult="CONTINUE")
            SEEN.append({"completed": detail["EC2InstanceId"], "time": time.time()})
            return "CONTINUE"
        time.sleep(5)
    return "GAVE_UP"


_CLOCK = time.time  # a reference taken at import, as a dataclass default would be
CALLS = {"n": 0}


def captured_clock(event: Any, context: Any) -> float:
    SEEN.append({"captured": _CLOCK(), "module": time.time()})
    return _CLOCK()


def count_calls(event: Any, context: Any) -> int:
    """Module state: an isolated function has its own copy of CALLS."""
    CALLS["n"] += 1
    return CALLS["n"]


def burst_of_describes(event: Any, context: Any) -> dict[str, Any]:
    """`event["calls"]` DescribeAutoScalingGroups at once, with the retry mode the event asks
    for; reports which succeeded, their retry counts, and the clocks the handler read."""
    retries = {"mode": event.get("mode", "standard"),
               "total_max_attempts": int(event.get("attempts", 1))}
    client = boto3.client("autoscaling", config=Config(retries=retries))
    started, results = time.monotonic(), []
    for _ in range(int(event["calls"])):
        try:
            response = client.describe_auto_scaling_groups()
            results.append(response["ResponseMetadata"]["RetryAttempts"])
        except ClientError as error:
            results.append(f'{error.response["Error"]["Code"]}: {error.response["Error"]["Message"]}')
    SEEN.append({"results": results, "elapsed": time.monotonic() - started})
    return {"ok": True}


def read_clocks(event: Any, context: Any) -> dict[str, float]:
    """Every clock a handler might time itself with. `datetime` is imported here, inside the
    invocation, as a handler module's top-level import is (at its cold start)."""
    import datetime as datetime_module  # noqa: PLC0415
    from datetime import UTC, datetime  # noqa: PLC0415

    clocks = {"time": time.time(), "monotonic": time.monotonic(),
              "now_utc": datetime.now(UTC).timestamp(),
              "utcnow": datetime.utcnow().replace(tzinfo=UTC).timestamp(),
              "module_now": datetime_module.datetime.now(UTC).timestamp()}
    SEEN.append(clocks)
    return clocks


def call_once(event: Any, context: Any) -> None:
    """One call named by the event; records "ok" or the error code botocore parsed."""
    client = boto3.client(event["service"])
    try:
        getattr(client, event["operation"])(**event["params"])
        SEEN.append({"outcome": "ok"})
    except ClientError as error:
        SEEN.append({"outcome": error.response["Error"]["Code"]})
