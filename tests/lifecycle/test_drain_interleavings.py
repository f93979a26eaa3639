"""The drain gate under arbitrary interleavings of triggers, faults, task progress and time.

A hypothesis state machine drives the real handler path over the fake world. After every step:
no CONTINUE while a task on the instance is not STOPPED or a recorded service is unsteady, unless
the drain timeout has passed. At the end, once the world settles and sweeps keep running, the
action is always completed (a lost event or a throttled call never strands it).
"""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from ecs_cluster_manager.lifecycle.gate import Runtime
from ecs_cluster_manager.lifecycle.runtime import handle
from ecs_cluster_manager.lifecycle.terminate import GATE

from .conftest import SWEEP, ecs_event, lifecycle_event, make_config
from .fakes import TERMINATE_HOOK, FakeWorld, Service

OPERATIONS = ["DescribeInstances", "DescribeContainerInstances", "ListTasks", "DescribeTasks",
              "DescribeServices", "CreateTags", "UpdateContainerInstancesState", "CompleteLifecycleAction",
              "DescribeAutoScalingGroups", "DescribeAutoScalingInstances", "StopTask"]


class DrainMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.config = make_config(drain_timeout_s=3600, standalone_grace_s=300)
        self.world = FakeWorld()
        self.world.add_instance("i-1", TERMINATE_HOOK)
        self.arn = self.world.register("i-1")
        self.world.services["web"] = Service("web", desired=3, running=3)
        self.started = self.world.now
        self.safe_at_completion: bool | None = None

    # ---- world setup and progress ----------------------------------------------------------
    @rule(n=st.integers(0, 2), standalone=st.booleans())
    @precondition(lambda self: not self.world.tasks
                  and self.world.container_instances[self.arn]["status"] == "ACTIVE")
    def place_tasks(self, n: int, standalone: bool) -> None:
        for i in range(n):
            self.world.add_task("i-1", "service:web", f"w{i}")
        if standalone:
            self.world.add_task("i-1", "family:batch", "b0")

    @rule()
    def scheduler_stops_service_tasks(self) -> None:
        """ECS stops service tasks on a DRAINING instance and starts replacements elsewhere."""
        if self.world.container_instances[self.arn]["status"] != "DRAINING":
            return
        for task in self.world.tasks.values():
            if task.group.startswith("service:") and task.desired == "RUNNING":
                task.desired, task.last = "STOPPED", "DEACTIVATING"
                web = self.world.services["web"]
                web.running, web.pending = web.running - 1, web.pending + 1

    @rule()
    def stopping_tasks_finish(self) -> None:
        self.world.finish_stops()

    @rule()
    def replacements_start(self) -> None:
        web = self.world.services["web"]
        web.running, web.pending = web.running + web.pending, 0

    @rule(seconds=st.sampled_from([1, 30, 60, 299, 600]))
    def time_passes(self, seconds: int) -> None:
        self.world.now += seconds

    @rule(operation=st.sampled_from(OPERATIONS))
    def next_call_is_throttled(self, operation: str) -> None:
        self.world.throttle[operation] = 1

    # ---- triggers ---------------------------------------------------------------------------
    def _run(self, event: object) -> None:
        try:
            handle(GATE, Runtime(self.config, self.world.clients(), clock=lambda: self.world.now), event)
        except Exception as error:  # an event invocation re-raises so Lambda retries it
            assert "Rate exceeded" in str(error)
        if self.world.completed and self.safe_at_completion is None:
            self.safe_at_completion = self._safe_to_continue()

    @rule()
    def sweep(self) -> None:
        self._run(SWEEP)

    @rule()
    def lifecycle_event_or_duplicate(self) -> None:
        self._run(lifecycle_event("i-1", TERMINATE_HOOK))

    @rule()
    def container_instance_event(self) -> None:
        status = self.world.container_instances[self.arn]["status"]
        self._run(ecs_event("i-1", status=status))

    # ---- properties ---------------------------------------------------------------------------
    def _safe_to_continue(self) -> bool:
        live = [t for t in self.world.tasks.values() if t.last != "STOPPED"]
        web = self.world.services["web"]
        steady = web.running == web.desired and web.pending == 0
        return not live and steady

    @invariant()
    def never_continue_unsafely_before_the_timeout(self) -> None:
        if not self.world.completed:
            return
        [(instance, hook, result)] = self.world.completed
        assert (instance, hook) == ("i-1", TERMINATE_HOOK)
        timed_out = self.world.now - self.started >= self.config.drain_timeout_s
        if result == "CONTINUE" and not timed_out:
            assert self.safe_at_completion

    def teardown(self) -> None:
        """Liveness: let the world settle, keep sweeping; the action must complete."""
        self.world.throttle.clear()
        for _ in range(12):
            if self.world.completed:
                break
            self.scheduler_stops_service_tasks()
            self.stopping_tasks_finish()
            self.replacements_start()
            self.world.now += 60
            self.sweep()
        assert self.world.completed, "the drain action was stranded"


DrainMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=25, deadline=None)
TestDrainInterleavings = DrainMachine.TestCase
