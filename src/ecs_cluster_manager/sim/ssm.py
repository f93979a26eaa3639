"""Simulated AWS Systems Manager Parameter Store: String parameters with version history.

Follows the SSM API Reference for PutParameter, GetParameter, GetParameters and
GetParameterHistory (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html):
versions count from 1; putting an existing name without `Overwrite` fails with
ParameterAlreadyExists; `DataType` `aws:ec2:image` requires an AMI id ("Native parameter
support for Amazon Machine Image IDs",
https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-ec2-aliases.html).
A `name:version` selector reads an older version. SecureString encryption, tiers, policies and
labels are not modelled (SecureString values are stored as given).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ecs_cluster_manager.sim.backend import Backend, Params, Response
from ecs_cluster_manager.sim.clock import VirtualClock
from ecs_cluster_manager.sim.errors import AwsError

_AMI_ID = re.compile(r"^ami-([0-9a-f]{8}|[0-9a-f]{17})$")


@dataclass
class ParameterVersion:
    version: int
    value: str
    modified: float
    type: str
    data_type: str
    description: str = ""


@dataclass
class Parameter:
    name: str
    versions: list[ParameterVersion] = field(default_factory=list)

    @property
    def latest(self) -> ParameterVersion:
        return self.versions[-1]


class SsmBackend(Backend):
    service = "ssm"

    def __init__(self, clock: VirtualClock, region: str, account_id: str) -> None:
        self.clock = clock
        self.region = region
        self.account_id = account_id
        self.parameters: dict[str, Parameter] = {}

    # -- the Python API ---------------------------------------------------------------------

    def value(self, name: str) -> str:
        """The current value, or ParameterNotFound as GetParameter reports it."""
        return self._version(name).value

    def _version(self, selector: str) -> ParameterVersion:
        name, _, version = selector.partition(":")
        parameter = self.parameters.get(name)
        if parameter is None:
            raise AwsError("ParameterNotFound", "", 400)
        if not version:
            return parameter.latest
        if version.isdigit() and 1 <= int(version) <= len(parameter.versions):
            return parameter.versions[int(version) - 1]
        raise AwsError("ParameterVersionNotFound",
                       f"Systems Manager could not find version {version} of {name}. "
                       "Verify the version and try again.")

    def _arn(self, name: str) -> str:
        path = name[1:] if name.startswith("/") else name
        return f"arn:aws:ssm:{self.region}:{self.account_id}:parameter/{path}"

    def _describe(self, name: str, version: ParameterVersion, selector: str) -> dict[str, Any]:
        described: dict[str, Any] = {
            "Name": name, "Type": version.type, "Value": version.value,
            "Version": version.version, "DataType": version.data_type, "ARN": self._arn(name),
            "LastModifiedDate": datetime.fromtimestamp(version.modified, tz=UTC),
        }
        if ":" in selector:
            described["Selector"] = ":" + selector.partition(":")[2]
        return described

    # -- operations -------------------------------------------------------------------------

    def PutParameter(self, params: Params) -> Response:
        name, value = params["Name"], params["Value"]
        existing = self.parameters.get(name)
        if existing is not None and not params.get("Overwrite", False):
            raise AwsError("ParameterAlreadyExists",
                           "The parameter already exists. To overwrite this value, set the "
                           "overwrite option in the request to true.")
        data_type = params.get("DataType", existing.latest.data_type if existing else "text")
        if data_type not in ("text", "aws:ec2:image", "aws:ssm:integration"):
            raise AwsError("ValidationException",
                           f"The following data type is not supported: {data_type} "
                           "(Data type names are all lowercase.)")
        if data_type == "aws:ec2:image" and not _AMI_ID.match(value):
            raise AwsError("ValidationException",
                           f"Parameter value, {value}, is not in the correct format. "
                           "Enter a value using the format ami-12345abcdeEXAMPLE.")
        kind = params.get("Type", existing.latest.type if existing else None)
        if kind is None:
            raise AwsError("ValidationException",
                           "A parameter type is required when you create a parameter.")
        parameter = existing or self.parameters.setdefault(name, Parameter(name))
        version = ParameterVersion(len(parameter.versions) + 1, value, self.clock.now(), kind,
                                   data_type, params.get("Description", ""))
        parameter.versions.append(version)
        return {"Version": version.version, "Tier": "Standard"}

    def GetParameter(self, params: Params) -> Response:
        selector = params["Name"]
        return {"Parameter": self._describe(selector.partition(":")[0], self._version(selector),
                                            selector)}

    def GetParameters(self, params: Params) -> Response:
        found, invalid = [], []
        for selector in params["Names"]:
            try:
                version = self._version(selector)
            except AwsError:
                invalid.append(selector)
                continue
            found.append(self._describe(selector.partition(":")[0], version, selector))
        return {"Parameters": found, "InvalidParameters": invalid}

    def GetParameterHistory(self, params: Params) -> Response:
        name = params["Name"]
        parameter = self.parameters.get(name)
        if parameter is None:
            raise AwsError("ParameterNotFound", "")
        return {"Parameters": [
            {"Name": name, "Type": v.type, "Value": v.value, "Version": v.version,
             "DataType": v.data_type, "Description": v.description,
             "Tier": "Standard",
             "LastModifiedDate": datetime.fromtimestamp(v.modified, tz=UTC)}
            for v in parameter.versions]}

    def DeleteParameter(self, params: Params) -> Response:
        if self.parameters.pop(params["Name"], None) is None:
            raise AwsError("ParameterNotFound", "")
        return {}
