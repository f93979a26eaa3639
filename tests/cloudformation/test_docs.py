"""docs/deploy.md documents every template parameter and the plain AWS CLI workflow."""

from __future__ import annotations

import re
from typing import Any

from ecs_cluster_manager.packaging import ZIP_NAMES

from .conftest import REPO

DEPLOY_DOC = REPO / "docs" / "deploy.md"


def table_rows() -> dict[str, list[str]]:
    rows = {}
    for line in DEPLOY_DOC.read_text(encoding="utf-8").splitlines():
        found = re.match(r"\| `(\w+)` \|(.*)\|$", line)
        if found:
            rows[found.group(1)] = [cell.strip() for cell in found.group(2).split("|")]
    return rows


def test_every_parameter_has_a_row_with_its_default(template: dict[str, Any]) -> None:
    rows = table_rows()
    for name, spec in template["Parameters"].items():
        assert name in rows, f"{name} is not documented"
        default, meaning = rows[name][0], rows[name][1]
        if "Default" not in spec:
            assert default == "(required)", name
        elif spec["Default"] == "":
            assert default == "empty", name
        else:
            assert default == f"`{spec['Default']}`", name
        assert len(meaning.split()) >= 4, name


def test_doc_deploys_and_updates_with_the_plain_cli() -> None:
    text = DEPLOY_DOC.read_text(encoding="utf-8")
    for needed in ("aws cloudformation create-stack", "aws cloudformation update-stack",
                   "--capabilities CAPABILITY_IAM", "file://./cloudformation/ecs-cluster.yaml",
                   "aws ssm put-parameter", "ecm package --output-dir", *ZIP_NAMES.values()):  # fmt: skip
        assert needed in text, needed
