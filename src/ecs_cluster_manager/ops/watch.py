"""`watch`: follow a stack operation until the rollout is really over.

CloudFormation does not wait for terminate lifecycle hooks: a rolling update reports
UPDATE_COMPLETE while the old instances are still draining (CloudFormation User Guide,
"UpdatePolicy attribute"; the Auto Scaling User Guide, "Lifecycle hooks", says a terminating
instance stays in Terminating:Wait until the action completes). So a watch ends only when the
stack is in a terminal state AND no instance of the group is launching, terminating or held on a
lifecycle hook. Polling uses the commands' clock, so the simulated account advances with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ecs_cluster_manager.ops import cluster_reads
from ecs_cluster_manager.ops.session import Clients
from ecs_cluster_manager.ops.stack import StackNotFound, describe_stack, read_stack
from ecs_cluster_manager.ops.stack_status import Outcome, classify

POLL_S = 10.0
GONE = "DELETE_COMPLETE"  # what a stack that no longer exists is reported as
_SETTLED_STATES = frozenset({"InService", "Standby", "Terminated", "Warmed:Stopped",
                             "Warmed:Running", "Warmed:Hibernated", "Warmed:Terminated"})


@dataclass(frozen=True)
class Change:
    """A new stack event, or an instance of the group changing lifecycle state."""

    at: float  # epoch seconds
    source: str  # "stack" | "instance"
    subject: str  # logical resource id, or instance id
    state: str
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"at": self.at, "source": self.source, "subject": self.subject,
                "state": self.state, "detail": self.detail}


@dataclass(frozen=True)
class Tick:
    """The state after one poll: for live views."""

    at: float
    status: str
    instances: dict[str, str]  # instance id -> lifecycle state


@dataclass(frozen=True)
class Finished:
    outcome: str  # "succeeded" | "failed" | "timed out"
    status: str
    busy_instances: dict[str, str] = field(default_factory=dict)


def default_success(status: str) -> bool:
    return classify(status) is Outcome.COMPLETE


def busy(states: dict[str, str]) -> dict[str, str]:
    """Instances launching, terminating or held on a hook."""
    return {i: s for i, s in states.items() if s not in _SETTLED_STATES}


class StackWatcher:
    """Remembers what it has reported; each `poll()` returns what changed since."""

    def __init__(self, clients: Clients, stack: str, since: float | None) -> None:
        self.clients = clients
        described = describe_stack(clients, stack)
        if described is None:
            raise StackNotFound(f"no stack {stack!r} in {clients.region}: check --stack-name "
                                "(or ECM_STACK_NAME) and --region.")
        self.stack_id = str(described["StackId"])  # the id still names the stack once deleted
        self.since = since
        self.seen: set[str] = set()
        self.states: dict[str, str] = {}
        self.status = ""
        self.group_name: str | None = None

    def _event_pages(self) -> Any:
        return self.clients("cloudformation").get_paginator("describe_stack_events").paginate(
            StackName=self.stack_id)

    def _skip_history(self) -> None:
        """Without `since`, what is there at the first poll is history, not news."""
        newest = next(iter(self._event_pages()))["StackEvents"]
        self.seen = {e["EventId"] for e in newest}
        self.since = min((_epoch(e["Timestamp"]) for e in newest), default=0.0)

    def _stack_events(self) -> list[Change]:
        if self.since is None:
            self._skip_history()
            return []
        fresh: list[Change] = []
        for page in self._event_pages():
            events = page["StackEvents"]
            for event in events:
                at = _epoch(event["Timestamp"])
                if at >= self.since and event["EventId"] not in self.seen:
                    self.seen.add(event["EventId"])
                    fresh.append(Change(at, "stack", event["LogicalResourceId"],
                                        event["ResourceStatus"],
                                        event.get("ResourceStatusReason", "")))
            if events and _epoch(events[-1]["Timestamp"]) < self.since:
                break  # newest first: the rest is older
        return sorted(reversed(fresh), key=lambda c: c.at)  # oldest first, ties kept in order

    def _instances(self) -> list[Change]:
        if self.group_name is None:
            self.group_name = read_stack(self.clients, self.stack_id).group
        described = cluster_reads.group(self.clients, self.group_name)
        now_states = {m["InstanceId"]: m["LifecycleState"]
                      for m in (described or {}).get("Instances", [])}
        changes = [Change(self.clients.now(), "instance", i, s, self.states.get(i, ""))
                   for i, s in now_states.items() if self.states.get(i) != s]
        changes += [Change(self.clients.now(), "instance", i, "Terminated", s)
                    for i, s in self.states.items() if i not in now_states and s != "Terminated"]
        self.states = now_states
        return changes

    def poll(self) -> list[Change]:
        described = describe_stack(self.clients, self.stack_id)
        if described is None:
            self.status = GONE
            self.states = {}
            return []
        self.status = str(described["StackStatus"])
        changes = self._stack_events()
        if self.status != "DELETE_COMPLETE":
            changes += self._instances()
        else:
            self.states = {}
        return changes

    def done(self) -> bool:
        return classify(self.status) is not Outcome.IN_PROGRESS and not busy(self.states)


def _epoch(value: Any) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


def watch(clients: Clients, stack: str, *, timeout_s: float | None = None,
          poll_s: float = POLL_S, since: float | None = None,
          succeeded: Callable[[str], bool] = default_success,
          ) -> Iterator[Change | Tick | Finished]:
    """Changes as they happen, a Tick after every poll, and one Finished at the end."""
    start = clients.now()
    watcher = StackWatcher(clients, stack, since)
    while True:
        yield from watcher.poll()
        yield Tick(clients.now(), watcher.status, dict(watcher.states))
        if watcher.done():
            outcome = "succeeded" if succeeded(watcher.status) else "failed"
            yield Finished(outcome, watcher.status)
            return
        if timeout_s is not None and clients.now() - start >= timeout_s:
            yield Finished("timed out", watcher.status, busy(watcher.states))
            return
        clients.sleep(poll_s)
