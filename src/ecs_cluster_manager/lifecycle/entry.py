"""Lambda entry plumbing: one cached runtime per configuration and boto3 session.

The runtime (validated configuration, boto3 clients, the fan-out's Lambda client) is built on
the first invocation of a container (the cold start) and reused; a bad configuration fails that
invocation with the ConfigError message. The cache holds the default boto3 session its clients
came from and is reused only while that very session is still the default: tests and the
simulator swap sessions, and comparing identity (not `id()`, which a new session can inherit
from a collected one) keeps a runtime from ever talking to another world.
"""

from __future__ import annotations

import os

import boto3

from .aws import Clients
from .config import ENV_VARS, load_config
from .gate import Runtime, fan_out_client, self_invoker
from .logs import log_line

_RUNTIMES: dict[tuple[str, ...], tuple[object, Runtime]] = {}


def current_runtime() -> Runtime:
    key = tuple(os.environ.get(name, "") for name in ENV_VARS)
    cached = _RUNTIMES.get(key)
    if cached is not None and boto3.DEFAULT_SESSION is not None and cached[0] is boto3.DEFAULT_SESSION:
        return cached[1]
    runtime = Runtime(config=load_config(), clients=Clients.from_boto3(),
                      invoke=self_invoker(fan_out_client()))
    for warning in runtime.config.warnings:
        log_line({"asg": runtime.config.asg_name, "decision": "config-warning", "reason": warning})
    # boto3.client() created the default session if there was none: remember that one.
    _RUNTIMES[key] = (boto3.DEFAULT_SESSION, runtime)
    return runtime
