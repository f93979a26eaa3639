"""Deploy the project's own template and zips into a simulated account, as a user would on AWS:
`ecm package`, upload the zips to S3, publish an AMI id in SSM, create the stack from
`cloudformation/ecs-cluster.yaml` with a parameter file, then update it.

Tests, the demo and stack scenarios share this, so each starts from "deploy this template
with these parameters" instead of provisioning resources by hand.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ecs_cluster_manager.packaging import write_packages
from ecs_cluster_manager.sim.account import SimAccount
from ecs_cluster_manager.sim.deployment_services import DeploymentServices, add_deployment_services
from ecs_cluster_manager.sim.ecs import AgentBehaviour, AgentFault, EcsBackend
from ecs_cluster_manager.template import default_template_path

AMI_PARAMETER = "/ami/ecs/latest"
CAPABILITIES = ["CAPABILITY_IAM"]
DONE_SUFFIXES = ("_COMPLETE", "_FAILED")


def example_parameters(name: str = "dev-cluster") -> list[dict[str, str]]:
    path = default_template_path().parent / "examples" / f"{name}.json"
    parameters: list[dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    return parameters


class ProjectStack:
    """One stack of the project's template in one simulated account."""

    def __init__(self, account: SimAccount | None = None, *, stack_name: str = "ecm-dev",
                 parameters: list[dict[str, str]] | None = None) -> None:
        self.account = account or SimAccount()
        self.services: DeploymentServices = add_deployment_services(self.account)
        self.stack_name = stack_name
        self.stack_id = stack_name  # the id once created: it still names a deleted stack
        self.parameters = parameters if parameters is not None else example_parameters()
        self.cloudformation = self.account.client("cloudformation")
        self.ssm = self.account.client("ssm")
        self.s3 = self.account.client("s3")

    # -- what a user does before creating the stack -----------------------------------------

    def parameter(self, key: str) -> str:
        return next(p["ParameterValue"] for p in self.parameters if p["ParameterKey"] == key)

    def upload_packages(self) -> dict[str, str]:
        """`ecm package` into a temporary directory, then upload both zips; key -> sha256."""
        bucket = self.parameter("DeploymentS3Bucket")
        self.s3.create_bucket(Bucket=bucket)
        uploaded = {}
        with tempfile.TemporaryDirectory(prefix="ecm-demo-") as directory:
            for built in write_packages(Path(directory)):
                self.s3.put_object(Bucket=bucket, Key=built.path.name,
                                   Body=built.path.read_bytes())
                uploaded[built.path.name] = built.sha256
        return uploaded

    def publish_ami(self, image_id: str, *, agent_never_connects: bool = False,
                    architecture: str = "x86_64") -> None:
        """Put an AMI id in the SSM parameter (and the image in EC2's catalogue, unless known);
        optionally one whose ECS agent never joins."""
        if image_id not in self.services.catalogue.images:
            self.services.catalogue.add_image(image_id, architecture=architecture)
        if agent_never_connects:
            self.ecs.set_agent_behaviour(AgentBehaviour(fault=AgentFault.NEVER_REGISTERS),
                                         image_id=image_id)
        self.ssm.put_parameter(Name=AMI_PARAMETER, Value=image_id, Type="String",
                               DataType="aws:ec2:image", Overwrite=True)

    @property
    def ecs(self) -> EcsBackend:
        ecs = self.account.ecs
        assert isinstance(ecs, EcsBackend), "the account has no simulated ECS"
        return ecs

    # -- the stack ----------------------------------------------------------------------------

    def create(self) -> None:
        body = default_template_path().read_text(encoding="utf-8")
        self.stack_id = self.cloudformation.create_stack(
            StackName=self.stack_name, TemplateBody=body, Parameters=self.parameters,
            Capabilities=CAPABILITIES)["StackId"]

    def update(self, **changes: str) -> None:
        """UpdateStack with the previous template; `changes` set parameters, the rest keep
        their previous values (and SSM-typed ones are read again)."""
        parameters: list[dict[str, Any]] = []
        for entry in self.parameters:
            key = entry["ParameterKey"]
            if key in changes:
                parameters.append({"ParameterKey": key, "ParameterValue": changes[key]})
            else:
                parameters.append({"ParameterKey": key, "UsePreviousValue": True})
        self.cloudformation.update_stack(StackName=self.stack_name, UsePreviousTemplate=True,
                                         Parameters=parameters, Capabilities=CAPABILITIES)

    def cancel_update(self) -> None:
        self.cloudformation.cancel_update_stack(StackName=self.stack_name)

    def status(self) -> str:
        return str(self.services.cloudformation.stack(self.stack_id).status)

    def busy(self) -> bool:
        return self.services.cloudformation.busy(self.stack_id)

    def wait(self, timeout_s: float = 6 * 3600.0,
             step: Callable[[Callable[[], bool], float], bool] | None = None) -> str:
        """Run the clock until the stack operation ends; its final status."""
        def done() -> bool:
            return not self.busy()

        if step is None:
            self.account.clock.run_until_true(done, timeout_s)
        else:
            step(done, timeout_s)
        return self.status()

    def events(self) -> list[dict[str, Any]]:
        """Every stack event, oldest first."""
        stack = self.services.cloudformation.stack(self.stack_id)
        return [stack.describe_event(e) for e in stack.events]

    def output(self, key: str) -> str:
        stack = self.services.cloudformation.stack(self.stack_id)
        return stack.outputs[key][0]
