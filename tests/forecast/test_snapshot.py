"""`ecm snapshot`'s operator side against a simulated cluster: what it reads, that it only reads,
and that the scenario it writes provisions the same shape again."""

from __future__ import annotations

import re

import yaml

from ecs_cluster_manager.forecast import reads, scenario_file, snapshot
from ecs_cluster_manager.forecast.anonymize import anonymize
from ecs_cluster_manager.ops.session import Clients
from ecs_cluster_manager.sim.scenario import spec
from ecs_cluster_manager.sim.scenario.provision import Stack
from tests.forecast.conftest import snapshot_of

Shaped = tuple[spec.Scenario, Stack, Clients]
READ_ONLY = re.compile(r"^[a-z0-9]+:(Describe|List|Get)[A-Za-z]+$")


def test_the_snapshot_reads_the_shape_the_cluster_was_built_with(shaped: Shaped) -> None:
    wanted, stack, clients = shaped
    taken = snapshot.from_cluster(clients, stack.cluster, stack.group)
    by_name = sorted(wanted.cluster.services, key=lambda s: s.name)  # ListServices' order
    assert taken.shape == wanted.cluster.model_copy(update={"max_size": 5, "services": by_name})
    assert taken.parameters == {"LifecycleHookHeartbeatTimeout": "900"}
    assert any("never to end" in note for note in taken.notes)


def test_the_snapshot_makes_only_read_calls(shaped: Shaped) -> None:
    _, stack, clients = shaped
    before = dict(stack.account.metrics.calls)
    snapshot.from_cluster(clients, stack.cluster, stack.group)
    made = {op for op, count in stack.account.metrics.calls.items() if count > before.get(op, 0)}
    assert made >= {"autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeLifecycleHooks",
                    "ec2:DescribeInstances", "ecs:ListServices", "ecs:DescribeServices",
                    "ecs:DescribeTaskDefinition", "ecs:ListTasks", "ecs:DescribeTasks",
                    "elbv2:DescribeTargetGroupAttributes"}
    assert all(READ_ONLY.match(op) for op in made), sorted(made)


def test_a_snapshot_provisions_the_same_shape_again(shaped: Shaped) -> None:
    _, stack, clients = shaped
    first = snapshot.from_cluster(clients, stack.cluster, stack.group).scenario()
    written = scenario_file.render(first, "round trip")
    again = spec.parse(yaml.safe_load(written))
    assert again == first
    second = snapshot_of(again)
    assert second.shape == first.cluster
    assert second.parameters == dict(first.lifecycle.parameters)


def test_anonymized_names_are_consistent_and_nothing_else_changes(shaped: Shaped) -> None:
    _, stack, clients = shaped
    taken = snapshot.from_cluster(clients, stack.cluster, stack.group)
    hidden = anonymize(taken)
    text = scenario_file.render(hidden.scenario(), "anonymized")
    for name in ("web", "api", "log-router", "job", stack.cluster, stack.group):
        assert not re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text), name
    assert [s.name for s in hidden.shape.services] == ["service-1", "service-2", "service-3"]
    assert {s.name: s.daemon for s in hidden.shape.services}["service-2"]  # log-router
    assert [t.family for t in hidden.shape.standalone_tasks] == ["task-1"]
    assert (hidden.cluster, hidden.group) == ("cluster-1", "group-1")
    sizes = [(s.count, s.cpu, s.memory, s.daemon) for s in taken.shape.services]
    assert [(s.count, s.cpu, s.memory, s.daemon) for s in hidden.shape.services] == sizes
    assert spec.parse(yaml.safe_load(text)).cluster == hidden.shape


def test_a_heartbeat_the_template_does_not_allow_is_kept_in_range_with_a_note(
        shaped: Shaped) -> None:
    _, stack, clients = shaped
    autoscaling = clients("autoscaling")
    hooks = autoscaling.describe_lifecycle_hooks(AutoScalingGroupName=stack.group)
    terminate = next(h for h in hooks["LifecycleHooks"]
                     if h["LifecycleTransition"] == snapshot.TERMINATING)
    autoscaling.put_lifecycle_hook(AutoScalingGroupName=stack.group,
                                   LifecycleHookName=terminate["LifecycleHookName"],
                                   LifecycleTransition=snapshot.TERMINATING, HeartbeatTimeout=60)
    taken = snapshot.from_cluster(clients, stack.cluster, stack.group)
    assert taken.parameters["LifecycleHookHeartbeatTimeout"] == "120"
    assert any("heartbeat timeout 60s is outside" in note for note in taken.notes)
    taken.scenario()  # valid against the schema


def test_reservations_follow_the_task_definition_rules() -> None:
    assert reads.reservation({"cpu": "1 vCPU", "memory": "2 GB",
                              "containerDefinitions": [{"cpu": 10, "memory": 10}]}) == (1024, 2048)
    assert reads.reservation({"containerDefinitions": [
        {"cpu": 128, "memory": 256}, {"memoryReservation": 64}, {"cpu": 0}]}) == (128, 320)
    assert reads.stop_timeout_s({"containerDefinitions": [{"stopTimeout": 90}, {}]}) == 90
    assert reads.stop_timeout_s({"containerDefinitions": []}) == reads.DEFAULT_STOP_TIMEOUT_S


def test_a_missing_group_is_one_line_naming_it(shaped: Shaped) -> None:
    _, stack, clients = shaped
    try:
        snapshot.from_cluster(clients, stack.cluster, "no-such-group")
    except reads.NotFound as error:
        assert "no-such-group" in str(error) and error.exit_code == 1
    else:
        raise AssertionError("a missing group must fail")
