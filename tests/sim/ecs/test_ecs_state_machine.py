"""Random interleavings of launches, terminations, drains, agent faults, task and service calls
and time: the backend's books must always balance."""

from __future__ import annotations

import math

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from ecs_cluster_manager.sim.ecs.model import RUNNING, STARTING_STATES, STOPPED
from ecs_cluster_manager.sim.errors import AwsError

from .fakes import World


class EcsMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.w = World()
        self.w.ecs.set_agent_connectivity_threshold(60)
        self.w.call("CreateCluster", clusterName="prod")
        self.w.register_web(cpu=512, memory=1024)
        self.w.register_web(family="agent", cpu=64, memory=64)
        self.w.call("CreateService", cluster="prod", serviceName="web", taskDefinition="web",
                    desiredCount=3, deploymentConfiguration={"minimumHealthyPercent": 50,
                                                             "maximumPercent": 150})
        self.w.call("CreateService", cluster="prod", serviceName="logs", taskDefinition="agent",
                    schedulingStrategy="DAEMON")

    def _instances(self, status: str | None = None) -> list[str]:
        out = []
        for i in self.w.ec2.instances:
            view = self.w.ecs.container_instance_for(i)
            if view is not None and (status is None or view.status == status):
                out.append(i)
        return out

    @rule(count=st.integers(1, 3))
    def launch(self, count: int) -> None:
        self.w.launch(count)

    @rule(seconds=st.sampled_from([1, 5, 20, 60, 300]))
    def advance(self, seconds: int) -> None:
        self.w.clock.advance(seconds)

    @precondition(lambda self: bool(self._instances()))
    @rule(data=st.data())
    def terminate(self, data: st.DataObject) -> None:
        victim = data.draw(st.sampled_from(self._instances()))
        if self.w.ec2.instances[victim].state == "running":
            self.w.terminate(victim)

    @precondition(lambda self: bool(self._instances("ACTIVE") + self._instances("DRAINING")))
    @rule(data=st.data(), status=st.sampled_from(["ACTIVE", "DRAINING"]))
    def set_state(self, data: st.DataObject, status: str) -> None:
        victim = data.draw(st.sampled_from(self._instances("ACTIVE") + self._instances("DRAINING")))
        self.w.call("UpdateContainerInstancesState", cluster="prod",
                    containerInstances=[self.w.ci_arn(victim)], status=status)

    @precondition(lambda self: bool(self._instances("ACTIVE")))
    @rule(data=st.data(), seconds=st.sampled_from([10, 120, math.inf]))
    def disconnect(self, data: st.DataObject, seconds: float) -> None:
        self.w.ecs.disconnect_agent(data.draw(st.sampled_from(self._instances("ACTIVE"))), seconds)

    def _running(self) -> list[str]:
        return [i for i in self._instances() if self.w.ec2.instances[i].state == "running"]

    @precondition(lambda self: bool(self._instances("ACTIVE") + self._instances("DRAINING")))
    @rule(data=st.data())
    def force_deregister(self, data: st.DataObject) -> None:
        victim = data.draw(st.sampled_from(self._instances("ACTIVE") + self._instances("DRAINING")))
        self.w.call("DeregisterContainerInstance", cluster="prod",
                    containerInstance=self.w.ci_arn(victim), force=True)

    @precondition(lambda self: bool(self._running()))
    @rule(data=st.data(), after=st.sampled_from([0, 30]))
    def reregister(self, data: st.DataObject, after: int) -> None:
        assert self.w.ecs.reregister_agent(data.draw(st.sampled_from(self._running())), after)

    @precondition(lambda self: bool(self._instances("ACTIVE")))
    @rule(data=st.data(), status=st.sampled_from(["OK", "IMPAIRED", "INITIALIZING"]))
    def runtime_health(self, data: st.DataObject, status: str) -> None:
        self.w.ecs.set_runtime_health(data.draw(st.sampled_from(self._instances("ACTIVE"))), status)

    @rule(desired=st.integers(0, 8))
    def scale(self, desired: int) -> None:
        self.w.call("UpdateService", cluster="prod", service="web", desiredCount=desired)

    @rule()
    def redeploy(self) -> None:
        self.w.call("UpdateService", cluster="prod", service="web", forceNewDeployment=True)

    @rule(count=st.integers(1, 3))
    def run_task(self, count: int) -> None:
        try:
            self.w.call("RunTask", cluster="prod", taskDefinition="web", count=count)
        except AwsError as error:
            assert error.message == "No Container Instances were found in your cluster."

    @rule(data=st.data())
    def stop_some_task(self, data: st.DataObject) -> None:
        arns = self.w.call("ListTasks", cluster="prod")["taskArns"]
        if arns:
            self.w.call("StopTask", cluster="prod", task=data.draw(st.sampled_from(arns)))

    @invariant()
    def books_balance(self) -> None:
        state = self.w.ecs.state
        index = state.clusters["prod"]
        for ci in index.instances.values():
            on = [t for t in state.tasks_by_instance.get(ci.id, {}).values() if t.last_status != STOPPED]
            assert ci.used_cpu == sum(t.task_definition.cpu for t in on)
            assert ci.used_memory == sum(t.task_definition.memory for t in on)
            assert ci.running_tasks == sum(1 for t in on if t.last_status == RUNNING)
            assert ci.pending_tasks == sum(1 for t in on if t.last_status in STARTING_STATES)
            assert ci.used_cpu <= ci.registered_cpu and ci.used_memory <= ci.registered_memory
            if ci.status == "INACTIVE":
                assert on == [] and not ci.agent_connected
            else:
                assert ci.status in ("ACTIVE", "DRAINING")
                if not ci.agent_connected:  # no runtime data; impaired past the threshold
                    assert ci.overall_health in ("INSUFFICIENT_DATA", "IMPAIRED")
                else:
                    assert ci.connectivity_impaired_since is None

    @invariant()
    def service_tallies_match(self) -> None:
        index = self.w.ecs.state.clusters["prod"]
        for svc in index.services.values():
            live = [index.tasks[i] for i in svc.task_ids if i in index.tasks]
            assert all(t.last_status != STOPPED for t in live)
            wanted = [t for t in live if t.desired_status == RUNNING]
            running = sum(1 for t in wanted if t.last_status == RUNNING)
            pending = sum(1 for t in wanted if t.last_status in STARTING_STATES)
            assert (running, pending) == (sum(v[0] for v in svc.tally.values()),
                                          sum(v[1] for v in svc.tally.values()))

    @invariant()
    def every_stop_has_a_cause(self) -> None:
        recorded = {s.task_arn for s in self.w.ecs.task_stops()}
        for t in self.w.ecs.state.clusters["prod"].tasks.values():
            if t.desired_status == STOPPED:
                assert t.stop_cause is not None and t.arn in recorded

    @invariant()
    def one_live_registration_per_instance_and_orphans_are_nobodys(self) -> None:
        state = self.w.ecs.state
        for i in self.w.ec2.instances:
            live = [v for v in self.w.ecs.container_instances_of(i) if v.status != "INACTIVE"]
            assert len(live) <= 1
        index = state.clusters["prod"]
        claimed = {t for svc in index.services.values() for t in svc.task_ids}
        for orphans in state.orphans_by_ec2.values():
            for task_id, task in orphans.items():
                assert task.orphaned and task_id not in index.tasks and task_id not in claimed
                assert task.tally_key is None

    @invariant()
    def health_events_report_changes_only(self) -> None:
        last: dict[str, str] = {}
        for event in self.w.events_of("ECS Container Instance Health Change"):
            arn, status = event["detail"]["containerInstanceArn"], event["detail"]["overallStatus"]
            assert last.get(arn) != status
            last[arn] = status

    @invariant()
    def versions_only_grow(self) -> None:
        latest: dict[str, int] = {}
        for event in self.w.events_of("ECS Container Instance State Change"):
            arn, version = event["detail"]["containerInstanceArn"], event["detail"]["version"]
            assert version == latest.get(arn, 0) + 1
            latest[arn] = version


TestEcsMachine = EcsMachine.TestCase
TestEcsMachine.settings = settings(max_examples=150, stateful_step_count=50, deadline=None)
