"""A wrong scenario file is one line naming the file, the key and its line:column (exit 2)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ecs_cluster_manager.cli.main import main
from ecs_cluster_manager.sim.scenario import spec

HERE = Path(__file__).parent
STACK_SCENARIO = HERE / "stacks" / "ami-roll-3.yaml"

WRONG = {
    "empty": ("", r"bad\.yaml is empty"),
    "only a comment": ("# nothing here\n", r"bad\.yaml is empty"),
    "a list at the top": ("- 1\n- 2\n", r"bad\.yaml:1:1: expected a mapping"),
    "not YAML": ("name: [unclosed\n", r"bad\.yaml:2:1: .*not valid YAML"),
    "misspelt top-level key": (
        "name: x\nclusters:\n  instances: 2\n",
        r"bad\.yaml:2:1: clusters: unknown key; did you mean `cluster`\?"),
    "unknown service key": (
        "cluster:\n  services:\n    - {name: web, count: 2, cpus: 256}\n",
        r"bad\.yaml:3:29: cluster\.services\[0\]\.cpus: unknown key; did you mean `cpu`\?"),
    "launch order zero": (
        "timeline:\n  - {at: 30, terminate_instance: {instance: {launched: 0}}}\n",
        r"bad\.yaml:2:\d+: timeline\[0\]\.terminate_instance\.instance: launched counts from 1"),
    "launch order without its key": (
        "timeline:\n  - {at: 30, terminate_instance: {instance: {}}}\n",
        r"terminate_instance\.instance\.launched: required key is missing"),
    "instance neither index, name nor id": (
        "timeline:\n  - {at: 30, terminate_instance: {instance: i-zz}}\n",
        r"instance: Input should be 'launching' or 'terminating'; or string should match "
        r"pattern .* \(got \"i-zz\"\)"),
    "instance of the wrong type": (
        "timeline:\n  - {at: 30, terminate_instance: {instance: [1]}}\n",
        r"instance: Input should be a valid integer; or .*valid dictionary; or "),
    "wrong lifecycle parameter": (
        "lifecycle:\n  parameters:\n    DrainTimeoutSecond: 60\n",
        r"bad\.yaml:3:5: lifecycle\.parameters\.DrainTimeoutSecond: DrainTimeoutSecond is not a "
        r"parameter of cloudformation/ecs-cluster\.yaml; did you mean DrainTimeoutSeconds\?"),
    "parameter out of range": (
        "lifecycle:\n  parameters:\n    LifecycleHookHeartbeatTimeout: 30\n",
        r"bad\.yaml:3:5: lifecycle\.parameters\.LifecycleHookHeartbeatTimeout: .* not less than "
        r"120 \(got 30\)"),
    "wrong type": (
        "cluster:\n  instances: three\n",
        r"bad\.yaml:2:3: cluster\.instances: Input should be a valid integer \(got \"three\"\)"),
    "negative count": (
        "cluster:\n  services:\n    - name: web\n      count: -1\n",
        r"bad\.yaml:4:7: cluster\.services\[0\]\.count: Input should be greater than or equal "
        r"to 0 \(got -1\)"),
    "unknown timeline action": (
        "timeline:\n  - at: 5\n    explode: {}\n",
        r"bad\.yaml:3:5: timeline\[0\]\.explode: unknown key; allowed here: at, scale_to"),
    "two actions in one entry": (
        "timeline:\n  - at: 5\n    scale_to: 3\n    replace_all: {}\n",
        r"bad\.yaml:2:5: timeline\[0\]: an entry needs `at` and exactly one of: .* "
        r"\(found scale_to, replace_all\)"),
    "a duration that is not one": (
        "duration: soon\n", r"bad\.yaml:1:1: duration: \"soon\" is not a duration"),
    "throttle without a bound": (
        "timeline:\n  - throttle: {operation: 'ecs:ListTasks'}\n",
        r"bad\.yaml:2:5: timeline\[0\]\.throttle: a throttle needs calls, seconds or both"),
    "unknown invariant expected to break": (
        "expect:\n  breaks:\n    - {invariant: nothing-bad, reason: because it is documented}\n",
        r"bad\.yaml:3:8: expect\.breaks\[0\]\.invariant: nothing-bad is not an invariant; "
        r"use one of: terminate-continue-with-live-tasks, "),
    "max below instances": (
        "cluster: {instances: 4, max_size: 2}\n",
        r"bad\.yaml:1:1: cluster: max_size 2 is below instances 4"),
}


@pytest.mark.parametrize("text,pattern", WRONG.values(), ids=list(WRONG))
def test_a_wrong_scenario_is_one_line_with_its_position(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, pattern: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    assert main(["simulate", str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    error = captured.err.strip()
    assert "\n" not in error
    assert "Traceback" not in error
    assert "LaunchOrder" not in error and "function-after" not in error  # Python names
    assert error.startswith(f"ecm: {bad}")
    assert re.search(pattern, error), error


def test_a_stack_scenario_given_to_simulate_says_where_it_belongs(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(STACK_SCENARIO)]) == 2
    error = capsys.readouterr().err.strip()
    assert error == (f"ecm: {STACK_SCENARIO}:2:1: stack: this is a stack scenario; run it with "
                     f"`ecm demo --scenario {STACK_SCENARIO}`")


def test_a_missing_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(tmp_path / "nope.yaml")]) == 2
    assert capsys.readouterr().err.strip() == \
        f"ecm: cannot read {tmp_path / 'nope.yaml'}: No such file or directory"


@pytest.mark.parametrize("path", sorted(HERE.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_scenario_in_the_repository_is_valid(path: Path) -> None:
    scenario = spec.load(path)
    assert scenario.name != "scenario", "every scenario names itself"


_KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(key=_KEYS, section=st.sampled_from(["", "cluster", "lifecycle", "expect"]))
def test_any_key_the_schema_does_not_know_is_refused(key: str, section: str) -> None:
    known = {"": spec.Scenario, "cluster": spec.Cluster, "lifecycle": spec.Lifecycle,
             "expect": spec.Expect}[section]
    assume(key not in known.model_fields)
    document = {key: 1} if not section else {section: {key: 1}}
    with pytest.raises(spec.ScenarioError, match="unknown key"):
        spec.parse(document)


def test_the_reliability_matrix_lists_every_scenario_and_nothing_else() -> None:
    matrix = (HERE.parents[1] / "docs" / "reliability.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z0-9-]+)` \|", matrix, flags=re.MULTILINE))
    files = {p.stem for p in HERE.glob("*.yaml")} | {p.stem for p in HERE.glob("gaps/*.yaml")}
    assert listed == files
    assert len({p.stem for p in HERE.glob("*.yaml")}) >= 40
    stated = re.search(r"^(\d+) scenarios, every one played", matrix, flags=re.MULTILINE)
    assert stated is not None and int(stated.group(1)) == len(files), "update the count"
