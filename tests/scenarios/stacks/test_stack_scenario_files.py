"""A wrong stack scenario is one line naming the file, the key and its line:column (exit 2)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ecs_cluster_manager.cli.main import main
from ecs_cluster_manager.demo import scenario

HERE = Path(__file__).parent
DEPLOY = "phases:\n  - name: deploy\n    steps: [create_stack]\n    expect: CREATE_COMPLETE\n"

WRONG = {
    "empty": ("", r"bad\.yaml is empty"),
    "no phases": ("name: x\n", r"bad\.yaml:1:1: phases: required key is missing"),
    "misspelt key": ("name: x\nphase: []\n" + DEPLOY,
                     r"bad\.yaml:2:1: phase: unknown key; did you mean `phases`\?"),
    "unknown parameter override": (
        "name: x\nstack:\n  overrides: {ClusterSise: 3}\n" + DEPLOY,
        r"bad\.yaml:3:15: stack\.overrides\.ClusterSise: ClusterSise is not a parameter .*"
        r"did you mean ClusterSize\?"),
    "override out of range": (
        "name: x\nstack:\n  overrides: {ClusterSize: 0}\n" + DEPLOY,
        r"bad\.yaml:3:15: stack\.overrides\.ClusterSize: .*not less than 1 \(got 0\)"),
    "unknown parameter file": (
        "name: x\nstack:\n  parameters: prod\n" + DEPLOY,
        r"bad\.yaml:3:3: stack\.parameters: no parameter file cloudformation/examples/prod\.json"),
    "unknown step": (
        "name: x\nphases:\n  - name: deploy\n    steps: [create_stak]\n"
        "    expect: CREATE_COMPLETE\n", r"bad\.yaml:4:13: phases\[0\]\.steps\[0\]: "),
    "wrong expected status": (
        "name: x\nphases:\n  - name: deploy\n    steps: [create_stack]\n    expect: DONE\n",
        r"bad\.yaml:5:5: phases\[0\]\.expect: String should match pattern"),
    "negative delay": (
        "name: x\nphases:\n  - name: c\n    steps: [{cancel_update: {after_s: -5}}]\n"
        "    expect: UPDATE_ROLLBACK_COMPLETE\n",
        r"bad\.yaml:4:30: phases\[0\]\.steps\[0\]\.cancel_update\.after_s: Input should be "
        r"greater than or equal to 0 \(got -5\)"),
    "a simulate scenario": (
        "name: x\ncluster: {instances: 2}\n",
        r"bad\.yaml:2:1: cluster: this is a scenario for `ecm simulate .*bad\.yaml`"),
}


@pytest.mark.parametrize("text,pattern", WRONG.values(), ids=list(WRONG))
def test_a_wrong_stack_scenario_is_one_line_with_its_position(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, pattern: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    assert main(["demo", "--scenario", str(bad)]) == 2
    captured = capsys.readouterr()
    error = captured.err.strip()
    assert "\n" not in error and "Traceback" not in error
    assert error.startswith(f"ecm: {bad}")
    assert re.search(pattern, error), error


@pytest.mark.parametrize("path", sorted(HERE.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_stack_scenario_in_the_repository_loads(path: Path) -> None:
    loaded = scenario.load(path)
    assert loaded.phases and loaded.parameters
    assert all(name in scenario.STEPS for phase in loaded.phases for name, _ in phase.steps)
