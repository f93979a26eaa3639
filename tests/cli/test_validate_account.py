"""`ecm validate`'s account checks against the simulated account's EC2 catalogue, S3 and SSM."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ecs_cluster_manager.sim.account import SimAccount
from ecs_cluster_manager.sim.project_stack import ProjectStack, example_parameters
from tests.cli.harness import FIRST_AMI, Ecm


@pytest.fixture
def account(capsys: pytest.CaptureFixture[str]) -> Iterator[tuple[ProjectStack, Ecm]]:
    simulated = SimAccount()
    project = ProjectStack(simulated)
    project.s3.create_bucket(Bucket=project.parameter("DeploymentS3Bucket"))
    project.publish_ami(FIRST_AMI)
    yield project, Ecm(simulated, capsys)
    simulated.close()


def validate(ecm: Ecm, tmp_path: Path, **changes: str) -> tuple[int, dict[str, str]]:
    entries = [{"ParameterKey": p["ParameterKey"],
                "ParameterValue": changes.get(p["ParameterKey"], p["ParameterValue"])}
               for p in example_parameters()]
    path = tmp_path / "parameters.json"
    path.write_text(json.dumps(entries))
    ran = ecm("validate", "--parameters", str(path), "--stack-name", "ecm-dev")
    lines = {}
    for line in ran.out.splitlines():
        mark, rest = line.split(" ", 1)
        name, detail = rest.strip().split(": ", 1)
        lines[name] = f"{mark.strip()} {detail}"
    return ran.code, lines


def test_the_example_passes_every_account_check(account: tuple[ProjectStack, Ecm],
                                                tmp_path: Path) -> None:
    _, ecm = account
    code, lines = validate(ecm, tmp_path)
    assert code == 0
    assert set(lines) >= {"subnets", "security groups", "AMI", "instance type",
                          "deployment bucket", "key pair", "stack"}
    assert all(line.startswith("ok ") for line in lines.values())
    assert lines["stack"] == "ok ecm-dev does not exist yet in us-east-1: deploy creates it"


OTHER_VPC = "vpc-0f0e0d0c0b0a09080"


def other_vpc_subnet(project: ProjectStack) -> dict[str, str]:
    project.services.catalogue.add_vpc(OTHER_VPC, "10.1.0.0/16")
    project.services.catalogue.add_subnet("subnet-0aaaaaaaaaaaaaaa0", "us-east-1c",
                                          vpc_id=OTHER_VPC)
    return {"SubnetIds": "subnet-0123456789abcdef0,subnet-0aaaaaaaaaaaaaaa0"}


def other_vpc_group(project: ProjectStack) -> dict[str, str]:
    project.services.catalogue.add_vpc(OTHER_VPC, "10.1.0.0/16")
    project.services.catalogue.add_security_group("sg-0bbbbbbbbbbbbbbb0", "other",
                                                  vpc_id=OTHER_VPC)
    return {"SecurityGroupIds": "sg-0bbbbbbbbbbbbbbb0"}


def not_offered_in_b(project: ProjectStack) -> dict[str, str]:
    project.services.catalogue.offer("m5.large", ["us-east-1a"])  # the example uses 1a and 1b
    return {}


CASES: dict[str, tuple[Callable[[ProjectStack], dict[str, str]], str, str]] = {
    "missing subnet": (lambda p: {"SubnetIds": "subnet-0deadbeefdeadbeef"}, "subnets",
                       "FAIL subnet-0deadbeefdeadbeef: InvalidSubnetID.NotFound"),
    "subnets of two VPCs": (other_vpc_subnet, "subnets", "FAIL in 2 VPCs"),
    "security group elsewhere": (other_vpc_group, "security groups",
                                 "FAIL sg-0bbbbbbbbbbbbbbb0 not in vpc-0a1b2c3d4e5f60718 -> use "
                                 "security groups of vpc-0a1b2c3d4e5f60718"),
    "arm instance type for an x86 AMI": (lambda p: {"EcsInstanceType": "m7g.large"}, "AMI",
                                         f"FAIL {FIRST_AMI} (/ami/ecs/latest) is x86_64; "
                                         "m7g.large runs arm64"),
    "unknown instance type": (lambda p: {"EcsInstanceType": "m9.huge"}, "instance type",
                              "FAIL m9.huge: InvalidInstanceType"),
    "type not offered in a subnet's zone": (not_offered_in_b, "instance type",
                                            "FAIL m5.large is not offered in us-east-1b"),
    "no bucket": (lambda p: {"DeploymentS3Bucket": "no-such-bucket"}, "deployment bucket",
                  "FAIL no-such-bucket: 404"),
    "no key pair": (lambda p: {"KeyName": "nobody"}, "key pair",
                    "FAIL nobody: InvalidKeyPair.NotFound"),
}


@pytest.mark.parametrize("case", CASES)
def test_each_account_check_fails_with_what_to_do(account: tuple[ProjectStack, Ecm],
                                                  tmp_path: Path, case: str) -> None:
    project, ecm = account
    arrange, check, expected = CASES[case]
    code, lines = validate(ecm, tmp_path, **arrange(project))
    assert code == 1
    assert lines[check].startswith(expected), lines[check]
    assert " -> " in lines[check]
