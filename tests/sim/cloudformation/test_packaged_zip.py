"""The packaged lifecycle zip (`ecm package`) loads and runs in the simulated Lambda, as in
AWS Lambda: its modules import each other relatively (`from .decide_launch import ...`)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from ecs_cluster_manager.packaging import write_packages
from ecs_cluster_manager.sim import SimAccount


def test_the_packaged_launch_zip_imports_and_answers_an_unrelated_event() -> None:
    account = SimAccount()
    with tempfile.TemporaryDirectory() as directory:
        built = {b.kind: b.path.read_bytes() for b in write_packages(Path(directory))}
    functions = account.client("lambda")
    functions.create_function(
        FunctionName="launch", Runtime="python3.12", Role="arn:aws:iam::123456789012:role/r",
        Handler="ecs_cluster_manager.lifecycle.launch.handler",
        Code={"ZipFile": built["launch"]}, Timeout=60)
    with account.installed():
        response = functions.invoke(FunctionName="launch", Payload=json.dumps({}))
    error = response.get("FunctionError")
    payload = response["Payload"].read().decode()
    account.close()
    assert "attempted relative import" not in payload, payload
    assert error in (None, "Unhandled"), payload
