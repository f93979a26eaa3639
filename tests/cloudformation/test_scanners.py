"""cfn-lint (Python API, current rules) and checkov (its own venv) accept the template."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from cfnlint.api import ManualArgs, lint_file

from .conftest import REPO, TEMPLATE_PATH, missing_tool_or_data

CHECKOV = REPO / ".venv-checkov" / "bin" / "checkov"
# Regions with different feature sets; cfn-lint checks runtime and type availability per Region.
LINT_REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2"]


def test_cfn_lint_reports_nothing_not_even_informational() -> None:
    matches = lint_file(
        TEMPLATE_PATH, config=ManualArgs(regions=LINT_REGIONS, include_checks=["I"])
    )
    report = [f"{m.rule.id} {m.linenumber}:{m.columnnumber} {m.message}" for m in matches]
    assert report == []


def test_cfn_lint_catches_a_broken_template(tmp_path: Path) -> None:
    # Guards the test above: the API really lints (a deprecated runtime is an error).
    broken = tmp_path / "broken.yaml"
    broken.write_text(TEMPLATE_PATH.read_text().replace("Runtime: python3.12", "Runtime: python2.7"))
    rule_ids = {m.rule.id for m in lint_file(broken, config=ManualArgs(regions=LINT_REGIONS))}
    assert "E2533" in rule_ids


def run_checkov(tmp_path: Path) -> dict[str, object]:
    if not CHECKOV.exists():
        missing_tool_or_data(f"checkov at {CHECKOV} (make .venv-checkov/.installed)")
    completed = subprocess.run(
        [str(CHECKOV), "-f", str(TEMPLATE_PATH), "--framework", "cloudformation",
         "--skip-download", "--output", "json"],
        capture_output=True, text=True, timeout=300, cwd=str(tmp_path), check=False,
    )  # fmt: skip
    assert completed.stdout, completed.stderr[-2000:]
    result: dict[str, object] = json.loads(completed.stdout)
    return result


def test_checkov_has_no_failed_check_and_every_skip_is_justified(tmp_path: Path) -> None:
    result = run_checkov(tmp_path)
    summary = result["summary"]
    checks = result["results"]
    assert isinstance(summary, dict) and isinstance(checks, dict)
    failed = [f"{c['check_id']} {c['resource']}" for c in checks.get("failed_checks", [])]
    assert failed == []
    assert summary["passed"] >= 20  # it really scanned the resources
    for skipped in checks.get("skipped_checks", []):
        reason = skipped.get("check_result", {}).get("suppress_comment", "")
        assert len(reason.split()) >= 8, f"{skipped['check_id']} on {skipped['resource']}"
