"""The timeline: scenario actions and faults, applied at their time on the virtual clock.

`replace_all` models a rolling replacement one batch at a time (as a CloudFormation rolling update
with MinInstancesInService equal to the group size does): a new launch template version, then for
each batch raise desired capacity by the batch, wait until the new instances are InService,
terminate as many old instances with ShouldDecrementDesiredCapacity, and wait until they are gone.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ecs_cluster_manager.sim.autoscaling.model import Group
from ecs_cluster_manager.sim.errors import AwsError
from ecs_cluster_manager.sim.scenario.more_actions import MORE_ACTIONS, agent_of_image
from ecs_cluster_manager.sim.scenario.provision import LAUNCH_FUNCTION, TERMINATE_FUNCTION, Stack
from ecs_cluster_manager.sim.scenario.steps import InstanceRef, TimelineStep

POLL_S = 5.0
Note = Callable[[str], None]


@dataclass
class DeclaredFault:
    """A fault the timeline armed; a run in which it never fired proves nothing about it."""

    step: str  # the timeline entry in words
    at: float  # when it was armed (virtual time)
    times_fired: Callable[[], int]


class Timeline:
    def __init__(self, stack: Stack, note: Note) -> None:
        self.stack = stack
        self.account = stack.account
        self.note = note
        self.busy = 0  # steps still running (a replacement in progress)
        self.faults: list[DeclaredFault] = []
        self._current_step = ""

    @property
    def group(self) -> Group:
        return self.account.autoscaling.groups[self.stack.group]

    def schedule(self, steps: list[TimelineStep], start: float) -> None:
        for step in steps:
            self.busy += 1
            self.account.clock.call_at(start + step.at, self._later(step))

    def _later(self, step: TimelineStep) -> Callable[[], None]:
        return lambda: self._run(step)

    def _run(self, step: TimelineStep) -> None:
        self.note(step.describe())
        self._current_step = step.describe()
        more = MORE_ACTIONS.get(step.action)
        if more is not None:
            more(self, **step.args)
            self.busy -= 1
            return
        handler = getattr(self, f"_{step.action}")
        if handler(**step.args) is not True:  # True: the step finishes itself later
            self.busy -= 1

    def declare(self, times_fired: Callable[[], int]) -> None:
        """The step being played is a fault: the run fails unless `times_fired()` > 0."""
        self.faults.append(DeclaredFault(self._current_step, self.account.clock.now(),
                                         times_fired))

    def pick(self, instance: InstanceRef) -> str | None:
        """An instance of our group: an index among InService instances (oldest first),
        `launching` (the newest instance), `terminating` (one waiting to terminate),
        `{launched: k}` (the k-th the group launched, -1 the latest), or an id."""
        if isinstance(instance, dict):
            try:
                return self.account.autoscaling.launched_instance(instance["launched"],
                                                                  self.stack.group)
            except LookupError as error:
                self.note(str(error))
                return None
        members = sorted(self.group.instances.values(), key=lambda m: m.launched)
        if isinstance(instance, int):
            in_service = [m for m in members if m.state == "InService"]
            return in_service[instance % len(in_service)].instance_id if in_service else None
        if instance == "launching":
            return members[-1].instance_id if members else None
        if instance == "terminating":
            leaving = [m for m in members if m.state.startswith("Terminating")]
            return leaving[0].instance_id if leaving else None
        return instance

    def hold_until_noticed(self, after_s: float) -> None:
        """Keep the run going until Auto Scaling's health check has seen an instance EC2 loses
        `after_s` from now (it notices out-of-band losses only then), so the replacement is
        played and checked rather than cut off by a run that looks quiet meanwhile."""
        self.busy += 1
        notice_s = self.account.autoscaling.scaler.health.interval_s
        self.account.clock.call_later(after_s + notice_s + POLL_S, self._release)

    def _release(self) -> None:
        self.busy -= 1

    def _fired_since(self, kind: str, **match: object) -> Callable[[], int]:
        """How many times a fault of `kind` matching `match` fired since now."""
        since = self.account.clock.now()
        fired = self.account.faults.fired

        def count() -> int:
            return sum(1 for f in fired if f["fault"] == kind and float(str(f["time"])) >= since
                       and all(f.get(key) == value for key, value in match.items()))
        return count

    # -- actions ------------------------------------------------------------------------

    def _scale_to(self, capacity: int) -> None:
        group = self.group
        autoscaling = self.account.autoscaling
        if capacity > group.max_size:
            autoscaling.handle("UpdateAutoScalingGroup", {
                "AutoScalingGroupName": group.name, "MaxSize": capacity})
        autoscaling.handle("SetDesiredCapacity", {"AutoScalingGroupName": group.name,
                                                  "DesiredCapacity": capacity})

    def new_template_version(self, ami: str | None, instance_type: str | None,
                             agent: str) -> int:
        """A new launch template version (the next AMI unless `ami`); its number."""
        data: dict[str, Any] = {"ImageId": ami or _next_ami(self._current_ami())}
        if instance_type:
            data["InstanceType"] = instance_type
        if agent != "ok":
            agent_of_image(self.stack, data["ImageId"], agent)
        created = self.account.ec2.handle("CreateLaunchTemplateVersion", {
            "LaunchTemplateId": self.stack.template_id, "SourceVersion": "$Latest",
            "LaunchTemplateData": data})
        version = int(created["LaunchTemplateVersion"]["VersionNumber"])
        changes = ", ".join(f"{key} {value}" for key, value in data.items())
        self.note(f"launch template version {version}: {changes}")
        return version

    def _replace_all(self, batch: int = 1, ami: str | None = None,
                     instance_type: str | None = None, agent: str = "ok") -> bool:
        _Replacement(self, self.new_template_version(ami, instance_type, agent),
                     batch).next_batch()
        return True

    def _kill_agent(self, instance: InstanceRef = 0, for_s: float | None = None) -> None:
        picked = self.pick(instance)
        if picked is None:
            self.note(f"kill_agent: no instance matches {instance}")
            self.declare(lambda: 0)
            return
        instance = picked
        ecs = self.account.ecs
        assert ecs is not None
        done = ecs.disconnect_agent(instance, math.inf if for_s is None else for_s)  # type: ignore[attr-defined]
        if done:
            how_long = "for good" if for_s is None else f"for {for_s:g} s"
            self.note(f"agent on {instance} disconnected {how_long}")
        else:
            self.note(f"kill_agent: the agent on {instance} was not connected; nothing changed")
        self.declare(lambda: int(bool(done)))

    def _drop_next_lifecycle_event(self, transition: str | None = None, count: int = 1) -> None:
        detail_type = None
        if transition is not None:
            detail_type = f"EC2 Instance-{transition} Lifecycle Action"
        match = {} if detail_type is None else {"detail-type": detail_type}
        self.declare(self._fired_since("drop-event", **match))
        self.account.faults.drop_events(source="aws.autoscaling", detail_type=detail_type,
                                        count=count)

    def _throttle(self, operation: str, calls: int | None = None,
                  seconds: float | None = None) -> None:
        self.declare(self._fired_since("throttle", operation=operation))
        self.account.faults.throttle(operation, calls=calls, seconds=seconds)

    def _crash_invocation(self, at_call: int, function: str | None = None,
                          invocations: int = 1) -> None:
        logical = {"launch": LAUNCH_FUNCTION, "terminate": TERMINATE_FUNCTION}.get(function or "")
        name = self.stack.functions[logical] if logical else None
        match = {} if name is None else {"function": name}
        self.declare(self._fired_since("crash", **match))
        self.account.faults.crash_invocation(at_call=at_call, function=name,
                                             invocations=invocations)

    def _current_ami(self) -> str:
        template = self.account.ec2.templates.by_id[self.stack.template_id]
        return str(template.versions[-1].data.get("ImageId", "ami-00000000000000000"))


def _next_ami(ami: str) -> str:
    prefix, _, digits = ami.partition("-")
    return f"{prefix}-{int(digits, 16) + 1:0{len(digits)}x}" if digits else "ami-1"


class _Replacement:
    """One rolling replacement, polled on the clock until no old instance is left."""

    def __init__(self, timeline: Timeline, version: int, batch: int) -> None:
        self.timeline = timeline
        self.version = version
        self.batch = max(1, batch)
        self.retiring: list[str] = []
        self.target = 0  # new-version instances wanted in service before the next terminate

    def _poll(self, fn: Callable[[], None]) -> None:
        self.timeline.account.clock.call_later(POLL_S, fn)

    def next_batch(self) -> None:
        group = self.timeline.group
        old = sorted((m for m in group.counted() if m.version_number < self.version),
                     key=lambda m: m.launched)
        if not old:
            self.timeline.note(f"replacement to version {self.version} finished")
            self.timeline.busy -= 1
            return
        take = min(self.batch, len(old))
        self.retiring = [m.instance_id for m in old[:take]]
        new_in_service = self._new_in_service()
        self.target = new_in_service + take
        try:
            self.timeline._scale_to(group.desired + take)
        except AwsError as error:
            self.timeline.note(f"replacement stopped: {error.message}")
            self.timeline.busy -= 1
            return
        self._poll(self._wait_for_new)

    def _new_in_service(self) -> int:
        return sum(1 for m in self.timeline.group.instances.values()
                   if m.state == "InService" and m.version_number >= self.version)

    def _wait_for_new(self) -> None:
        if self._new_in_service() < self.target:
            self._poll(self._wait_for_new)
            return
        autoscaling = self.timeline.account.autoscaling
        for instance_id in self.retiring:
            try:
                autoscaling.handle("TerminateInstanceInAutoScalingGroup", {
                    "InstanceId": instance_id, "ShouldDecrementDesiredCapacity": True})
            except AwsError as error:
                self.timeline.note(f"could not retire {instance_id}: {error.message}")
        self._poll(self._wait_for_gone)

    def _wait_for_gone(self) -> None:
        members = self.timeline.group.instances
        if any(i in members for i in self.retiring):
            self._poll(self._wait_for_gone)
        else:
            self.next_batch()
