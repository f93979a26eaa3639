"""List/Describe/UpdateState/Deregister of container instances, and the query language."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecs_cluster_manager.sim.ecs import query
from ecs_cluster_manager.sim.errors import AwsError

from .fakes import World


def _ids(w: World) -> list[str]:
    return list(w.ec2.instances)


@pytest.mark.parametrize(
    "template",
    ["ec2InstanceId == {a}", "ec2InstanceId=={a}", "ec2InstanceId == '{a}'", 'ec2InstanceId == "{a}"'],
)
def test_filter_by_one_instance_id(cluster: World, template: str) -> None:
    a = _ids(cluster)[1]
    out = cluster.call("ListContainerInstances", cluster="prod", filter=template.format(a=a))
    assert out["containerInstanceArns"] == [cluster.ci_arn(a)]


def test_filter_in_list_and_negations(cluster: World) -> None:
    a, b, c = _ids(cluster)
    both = cluster.call(
        "ListContainerInstances", cluster="prod", filter=f"ec2InstanceId in [{a}, '{c}']"
    )["containerInstanceArns"]
    assert sorted(both) == sorted([cluster.ci_arn(a), cluster.ci_arn(c)])
    others = cluster.call(
        "ListContainerInstances", cluster="prod", filter=f"ec2InstanceId != {a}"
    )["containerInstanceArns"]
    assert sorted(others) == sorted([cluster.ci_arn(b), cluster.ci_arn(c)])
    none = cluster.call(
        "ListContainerInstances", cluster="prod", filter="ec2InstanceId == i-0000000000000dead"
    )
    assert none["containerInstanceArns"] == []


def test_unsupported_filter_is_refused_not_ignored(cluster: World) -> None:
    with pytest.raises(AwsError) as err:
        cluster.call("ListContainerInstances", cluster="prod", filter="agentVersion > 1.2")
    assert err.value.code == "InvalidParameterException"


def test_status_filter_and_pagination(cluster: World) -> None:
    cluster.launch(4)
    cluster.clock.advance(60)
    everything = cluster.call("ListContainerInstances", cluster="prod")["containerInstanceArns"]
    assert len(everything) == 7
    pages: list[str] = []
    token = None
    while True:
        params = {"cluster": "prod", "maxResults": 3, **({"nextToken": token} if token else {})}
        out = cluster.call("ListContainerInstances", **params)
        assert len(out["containerInstanceArns"]) <= 3
        pages += out["containerInstanceArns"]
        token = out.get("nextToken")
        if token is None:
            break
    assert pages == everything
    first = _ids(cluster)[0]
    cluster.call("UpdateContainerInstancesState", cluster="prod",
                 containerInstances=[cluster.ci_arn(first)], status="DRAINING")
    draining = cluster.call("ListContainerInstances", cluster="prod", status="DRAINING")
    assert draining["containerInstanceArns"] == [cluster.ci_arn(first)]
    with pytest.raises(AwsError):
        cluster.call("ListContainerInstances", cluster="prod", nextToken="garbage")


def test_describe_reports_resources_attributes_and_failures(cluster: World) -> None:
    a = _ids(cluster)[0]
    cluster.register_web(cpu=512, memory=1024)
    cluster.call("StartTask", cluster="prod", taskDefinition="web",
                 containerInstances=[cluster.ci_arn(a)])
    out = cluster.call("DescribeContainerInstances", cluster="prod",
                       containerInstances=[cluster.ci_arn(a).rsplit("/", 1)[1], "missing"],
                       include=["CONTAINER_INSTANCE_HEALTH"])
    (ci,) = out["containerInstances"]
    assert out["failures"][0]["reason"] == "MISSING"
    assert out["failures"][0]["arn"].endswith("/prod/missing")
    remaining = {r["name"]: r.get("integerValue") for r in ci["remainingResources"]}
    registered = {r["name"]: r.get("integerValue") for r in ci["registeredResources"]}
    assert registered["CPU"] == 2048 and remaining["CPU"] == 2048 - 512
    assert remaining["MEMORY"] == 7680 - 1024
    attributes = {x["name"]: x.get("value") for x in ci["attributes"]}
    assert attributes["ecs.ami-id"] == "ami-0old" and attributes["ecs.instance-type"] == "m5.large"
    assert attributes["ecs.availability-zone"] == "us-east-1a" and attributes["ecs.os-type"] == "linux"
    assert ci["healthStatus"]["overallStatus"] == "OK"
    assert ci["pendingTasksCount"] == 1 and ci["runningTasksCount"] == 0
    cluster.clock.advance(30)
    (ci,) = cluster.call("DescribeContainerInstances", cluster="prod",
                         containerInstances=[cluster.ci_arn(a)])["containerInstances"]
    assert ci["runningTasksCount"] == 1 and ci["pendingTasksCount"] == 0
    with pytest.raises(AwsError):
        cluster.call("DescribeContainerInstances", cluster="prod", containerInstances=["x"] * 101)


def test_update_state_rules(cluster: World) -> None:
    a, b, _ = _ids(cluster)
    arn_a = cluster.ci_arn(a)
    first = cluster.call("UpdateContainerInstancesState", cluster="prod",
                         containerInstances=[arn_a, "missing"], status="DRAINING")
    assert [ci["status"] for ci in first["containerInstances"]] == ["DRAINING"]
    assert [f["reason"] for f in first["failures"]] == ["MISSING"]
    events_before = len(cluster.events)
    again = cluster.call("UpdateContainerInstancesState", cluster="prod",
                         containerInstances=[arn_a], status="DRAINING")
    assert again["failures"] == [] and again["containerInstances"][0]["status"] == "DRAINING"
    assert len(cluster.events) == events_before  # draining again changes nothing
    cluster.terminate(b)
    refused = cluster.call("UpdateContainerInstancesState", cluster="prod",
                           containerInstances=[cluster.ci_arn(b)], status="DRAINING")
    assert refused["containerInstances"] == [] and refused["failures"][0]["arn"] == cluster.ci_arn(b)
    back = cluster.call("UpdateContainerInstancesState", cluster="prod",
                        containerInstances=[arn_a], status="ACTIVE")
    assert back["containerInstances"][0]["status"] == "ACTIVE"
    with pytest.raises(AwsError) as err:
        cluster.call("UpdateContainerInstancesState", cluster="prod",
                     containerInstances=[arn_a] * 11, status="DRAINING")
    assert "at most 10" in err.value.message


def test_deregister_refuses_running_tasks_unless_forced(cluster: World) -> None:
    a = _ids(cluster)[0]
    cluster.register_web()
    cluster.call("StartTask", cluster="prod", taskDefinition="web",
                 containerInstances=[cluster.ci_arn(a)])
    with pytest.raises(AwsError) as err:
        cluster.call("DeregisterContainerInstance", cluster="prod",
                     containerInstance=cluster.ci_arn(a))
    assert err.value.code == "InvalidParameterException"
    out = cluster.call("DeregisterContainerInstance", cluster="prod",
                       containerInstance=cluster.ci_arn(a), force=True)
    assert out["containerInstance"]["status"] == "INACTIVE"
    assert out["containerInstance"]["agentConnected"] is False
    assert cluster.ecs.task_stops() == []  # forced: the task keeps running, orphaned
    with pytest.raises(AwsError) as again:
        cluster.call("DeregisterContainerInstance", cluster="prod",
                     containerInstance=cluster.ci_arn(a))
    assert again.value.code == "InvalidParameterException"


def test_unknown_cluster(world: World) -> None:
    with pytest.raises(AwsError) as err:
        world.call("ListContainerInstances", cluster="nope")
    assert err.value.code == "ClusterNotFoundException"


_ID = st.text(alphabet="0123456789abcdef", min_size=8, max_size=17).map(lambda h: f"i-{h}")
_QUOTE = st.sampled_from(["", "'", '"'])
_SPACE = st.sampled_from(["", " ", "  "])
# Generation is cheap; on a machine shared by many test runs it can still look slow.
_SHARED_MACHINE = settings(suppress_health_check=[HealthCheck.too_slow])


@_SHARED_MACHINE
@given(ids=st.lists(_ID, min_size=1, max_size=6), quote=_QUOTE, space=_SPACE)
def test_parser_reads_in_lists_however_they_are_spelled(ids: list[str], quote: str, space: str) -> None:
    items = f",{space}".join(f"{quote}{i}{quote}" for i in ids)
    parsed = query.parse(f"ec2InstanceId in [{space}{items}{space}]")
    assert parsed.ec2_ids() == set(ids)


@_SHARED_MACHINE
@given(one=_ID, quote=_QUOTE, before=_SPACE, after=_SPACE)
def test_parser_reads_equality(one: str, quote: str, before: str, after: str) -> None:
    parsed = query.parse(f"{before}ec2InstanceId{before}=={after}{quote}{one}{quote}{after}")
    assert parsed.ec2_ids() == {one}
    (clause,) = parsed.clauses
    assert clause.op == "==" and clause.values == (one,)


@_SHARED_MACHINE
@given(a=_ID, b=_ID)
def test_parser_and_or(a: str, b: str) -> None:
    assert query.parse(f"ec2InstanceId == {a} or ec2InstanceId == {b}").ec2_ids() == {a, b}
    both = query.parse(f"ec2InstanceId in [{a}, {b}] and ec2InstanceId == {a}")
    assert both.ec2_ids() == {a}
    assert query.parse(f"ec2InstanceId != {a}").ec2_ids() is None
