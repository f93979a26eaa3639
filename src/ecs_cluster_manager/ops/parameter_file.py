"""Read a parameter file in the AWS CLI's format:
`[{"ParameterKey": "ClusterSize", "ParameterValue": "2"}, ...]`
(CloudFormation User Guide, "Specifying parameters" / `aws cloudformation create-stack
--parameters file://...`)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from ecs_cluster_manager.errors import UserError


class ParameterEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    ParameterKey: str
    ParameterValue: str


_FILE = TypeAdapter(list[ParameterEntry])


def load_parameter_file(path: Path) -> dict[str, str]:
    """Parameter name -> value; a UserError (exit 2) naming the problem when it is unreadable."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UserError(f"cannot read parameter file {path}: {error.strerror}; "
                        "pass an existing file to --parameters.") from None
    except json.JSONDecodeError as error:
        raise UserError(f"parameter file {path} is not JSON ({error.msg} at line "
                        f"{error.lineno}); fix it or start from "
                        "cloudformation/blank_parameter_file.json.") from None
    try:
        entries = _FILE.validate_python(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise UserError(f"parameter file {path}: {where}: {first['msg']}; each entry is "
                        '{"ParameterKey": NAME, "ParameterValue": "text"}.') from None
    values: dict[str, str] = {}
    for entry in entries:
        if entry.ParameterKey in values:
            raise UserError(f"parameter file {path} sets {entry.ParameterKey} twice; keep one.")
        values[entry.ParameterKey] = entry.ParameterValue
    return values


def as_cloudformation(values: dict[str, str]) -> list[dict[str, str]]:
    return [{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()]
