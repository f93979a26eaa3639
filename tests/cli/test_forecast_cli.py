"""`ecm snapshot` and `ecm forecast` through the real entry point, against the project's stack
in a simulated account, and the forecast in `ecm deploy`'s preview."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ecs_cluster_manager.demo import workloads
from ecs_cluster_manager.sim.project_stack import ProjectStack, example_parameters
from ecs_cluster_manager.sim.scenario import spec
from tests.cli.harness import SECOND_AMI, Ecm

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "demo-cluster.yaml"


@pytest.fixture
def busy(project: ProjectStack) -> ProjectStack:
    """The stack with the demo's workloads running."""
    workloads.start(project.account.client("ecs"), project.account.client("elbv2"),
                    project.parameter("EcsClusterName"))
    project.account.clock.run_for(300)
    return project


def test_snapshot_of_the_stack_writes_a_scenario_forecast_reads(
        ecm: Ecm, busy: ProjectStack, tmp_path: Path) -> None:
    path = tmp_path / "cluster.yaml"
    ran = ecm("snapshot", "--stack-name", "ecm-dev", "-o", str(path))
    assert ran.code == 0, ran.err
    assert f"wrote {path}: 2 x m5.large, 3 service(s), 1 standalone task(s)" in ran.err
    loaded = spec.load(path)
    assert loaded.parameters["RollingUpdateBatchSize"] == "1"
    assert {s.name: s.deregistration_delay_s for s in loaded.cluster.services}["web"] == \
        workloads.WEB_DEREGISTRATION_DELAY_S
    page = tmp_path / "forecast.html"
    ran = ecm("forecast", str(path), "--runs", "1", "--output", "json", "--report", str(page))
    assert ran.code == 0, ran.err  # a completed forecast exits 0, whatever its verdict
    assert f"report: {page}" in ran.err
    html = page.read_text(encoding="utf-8")
    assert "Forecast of snapshot of DevCluster: the run that went worst (seed 0)" in html
    assert not re.search(r"<script[^>]+src=[\"']https?:", html)
    result = json.loads(ran.out)
    assert result["roll"]["instances"] == 2 and result["runs"] == 1
    assert not result["safe"]  # the never-ending standalone task and the daemon
    assert any("standalone task nightly-report" in r for r in result["reasons"])


def test_the_docs_example_is_a_snapshot_of_the_demos_cluster(
        ecm: Ecm, busy: ProjectStack, tmp_path: Path) -> None:
    path = tmp_path / "now.yaml"
    assert ecm("snapshot", "--stack-name", "ecm-dev", "-o", str(path)).code == 0
    assert spec.load(path) == spec.load(EXAMPLE), "regenerate docs/examples/demo-cluster.yaml"


def test_anonymized_snapshot_names_nothing_of_the_cluster(ecm: Ecm, busy: ProjectStack) -> None:
    ran = ecm("snapshot", "--stack-name", "ecm-dev", "--anonymize")
    assert ran.code == 0, ran.err
    for name in ("ecm-dev", busy.parameter("EcsClusterName"), "web", "worker", "log-router",
                 "nightly-report"):
        assert name not in ran.out
    assert "service-1" in ran.out and "task-1" in ran.out


def test_forecast_of_the_live_stack_prints_a_verdict(ecm: Ecm, busy: ProjectStack) -> None:
    ran = ecm("forecast", "--stack-name", "ecm-dev", "--runs", "1", "--batch-size", "2")
    assert ran.code == 0, ran.err
    assert "2 instance(s) replaced, 2 at a time (1 batch(es)); 1 run, seed 0" in ran.out
    assert "Verdict: UNSAFE because" in ran.out
    assert "Note: Standalone tasks are assumed never to end" in ran.out  # the snapshot's note
    # the demo's tasks reserve 2432 CPU units: more than one m5.large (2048) holds
    assert "Spare capacity: no: with one instance out, the tasks need 2432 CPU units" in ran.out


@pytest.mark.parametrize(("argv", "message"), [
    (("forecast", "x.yaml", "--stack-name", "ecm-dev"), "not both"),
    (("forecast", "x.yaml", "--runs", "0"), "at least 1"),
    (("snapshot", "--cluster", "c"), "go together"),
    (("forecast",), "nothing to forecast: give a SCENARIO file"),
    (("snapshot",), "no cluster named: pass --stack-name"),
    (("snapshot", "--stack-name", "ecm-dev", "-o", "/no/such/dir/x.yaml"),
     "--output-file /no/such/dir/x.yaml: directory /no/such/dir does not exist"),
    (("snapshot", "--stack-name", "s", "--cluster", "c", "--auto-scaling-group", "g"),
     "not both"),
])
def test_usage_errors_exit_2_with_one_line(ecm: Ecm, argv: tuple[str, ...], message: str,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("ECM_STACK_NAME", raising=False)
    try:
        ran = ecm(*argv)
        code, err = ran.code, ran.err
    except SystemExit as refused:  # argparse's own usage errors
        code, err = int(str(refused.code)), capsys.readouterr().err
    assert code == 2 and message in err
    assert "Traceback" not in err


def test_a_stack_that_does_not_exist_fails_as_an_operation(ecm: Ecm) -> None:
    ran = ecm("snapshot", "--stack-name", "nope")
    assert ran.code == 1 and ran.err.startswith("ecm: no stack 'nope'")


def test_deploy_previews_the_forecast_of_a_roll(ecm: Ecm, busy: ProjectStack,
                                                tmp_path: Path) -> None:
    path = tmp_path / "dev-cluster.json"
    path.write_text(json.dumps(example_parameters()))
    busy.publish_ami(SECOND_AMI)
    ran = ecm("deploy", "--stack-name", "ecm-dev", "--parameters", str(path), "--yes",
              "--no-watch", "--no-forecast")
    assert ran.code == 0, ran.err
    assert "Forecast:" not in ran.out
    busy.account.clock.run_for(3 * 3600)  # let that roll finish (it stopped the job)
    busy.account.client("ecs").run_task(cluster=busy.parameter("EcsClusterName"),
                                        taskDefinition=workloads.STANDALONE[0])
    busy.account.clock.run_for(60)
    busy.publish_ami("ami-0a1b2c3d4e5f60003")
    ran = ecm("deploy", "--stack-name", "ecm-dev", "--parameters", str(path), "--yes",
              "--no-watch")
    assert ran.code == 0, ran.err
    line = next(text for text in ran.out.splitlines() if text.startswith("Forecast: "))
    assert line.startswith("Forecast: 2 instance(s) will roll, 1 at a time, about ")
    assert "service worker stays >= " in line and "no drain blocks" in line
    assert "forecasting the roll of 2 instance(s)" in ran.err
    assert "  note: Standalone tasks are assumed never to end" in ran.out
