"""Lambda entry plumbing: one cached runtime per configuration and boto3 session.

The runtime (validated configuration plus boto3 clients) is built on the first invocation of a
container (the cold start) and reused; a bad configuration fails that invocation with the
ConfigError message. The cache key includes the environment and the default boto3 session, so
tests and the simulator, which swap both, never reuse clients that talk to another world.
"""

from __future__ import annotations

import os

import boto3

from .aws import Clients
from .config import ENV_VARS, load_config
from .logs import log_line
from .runtime import Runtime

_RUNTIMES: dict[tuple[tuple[str, ...], int], Runtime] = {}


def current_runtime() -> Runtime:
    key = (tuple(os.environ.get(name, "") for name in ENV_VARS), id(boto3.DEFAULT_SESSION))
    runtime = _RUNTIMES.get(key)
    if runtime is None:
        runtime = Runtime(config=load_config(), clients=Clients.from_boto3())
        for warning in runtime.config.warnings:
            log_line({"asg": runtime.config.asg_name, "decision": "config-warning", "reason": warning})
        _RUNTIMES[key] = runtime
    return runtime
