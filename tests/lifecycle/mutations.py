"""Hostile variants of AWS's documented event samples, for the event fuzz test.

Deterministic for a seed: each payload is a documented sample (tests/fixtures/aws-events), often
retargeted at the fuzz world's group, hooks, cluster and instances so that it reaches past the
parser, then mutated one to three times: a key dropped, a value of the wrong type, a huge or
unicode string, another group or hook, a case change, another instance, an old or future time,
and broken SQS/SNS wrappers around it.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable
from typing import Any

from tests.samples import SAMPLES

from .fuzz_world import ASG, CLUSTER, LAUNCH_HOOK, OTHER_ASG, TERMINATE_HOOK

CLUSTER_ARN = f"arn:aws:ecs:us-east-1:123456789012:cluster/{CLUSTER}"
ODD_STRINGS = ["", " ", "\x00", "é" * 40, "🚀" * 10, "\u202e" + ASG, "i-", "i-" + "0" * 40, "null",
               "{\"a\": 1}", "x" * 300_000, "ﬀ" * 2000, "\udcff", ASG.upper(), LAUNCH_HOOK.upper()]
ODD_VALUES: list[Any] = [None, 0, -1, 1.5, 10**30, True, False, [], {}, [[[]]], {"a": {"b": [1]}},
                         ["EC2 Instance-launch Lifecycle Action"], *ODD_STRINGS]
GROUPS = [ASG, OTHER_ASG, ASG + "-2", ASG.upper(), "", f"{ASG} "]
HOOKS = [LAUNCH_HOOK, TERMINATE_HOOK, "other-hook", LAUNCH_HOOK.title(), f"{TERMINATE_HOOK}\x00"]
TIMES = ["2026-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "yyyy-mm-ddThh:mm:ssZ",
         "2026-13-45T99:99:99Z", "0001-01-01T00:00:00-23:59"]


def documented_samples() -> list[dict[str, Any]]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(SAMPLES.glob("*.json"))]


class Mutator:
    def __init__(self, seed: int, instance_ids: list[str]) -> None:
        self.rng = random.Random(seed)
        self.samples = documented_samples()
        self.ids = instance_ids

    # ---- payloads ---------------------------------------------------------------------------

    def payload(self) -> object:
        event = copy.deepcopy(self.rng.choice(self.samples))
        if self.rng.random() < 0.7:
            self._retarget(event)
        for _ in range(self.rng.randint(0 if self.rng.random() < 0.2 else 1, 3)):
            self.rng.choice(self._mutations)(event)
        return self._wrap(event) if self.rng.random() < 0.25 else event

    def _retarget(self, event: dict[str, Any]) -> None:
        """Point a sample at the fuzz world, so it gets past "not ours" to the deeper checks."""
        detail = event.get("detail") if isinstance(event.get("detail"), dict) else event
        for key, value in (("AutoScalingGroupName", ASG), ("clusterArn", CLUSTER_ARN)):
            if key in detail:
                detail[key] = value
        if "LifecycleHookName" in detail:
            launching = "LAUNCHING" in str(detail.get("LifecycleTransition", ""))
            detail["LifecycleHookName"] = LAUNCH_HOOK if launching else TERMINATE_HOOK
        for key in ("EC2InstanceId", "ec2InstanceId"):
            if key in detail:
                detail[key] = self.rng.choice(self.ids)
        if "status" in detail:
            detail["status"] = self.rng.choice(["ACTIVE", "DRAINING", "REGISTRATION_FAILED", "INACTIVE"])
            detail["runningTasksCount"] = self.rng.choice([0, 0, 2])
            detail["pendingTasksCount"] = 0

    # ---- mutations ----------------------------------------------------------------------------

    def _paths(self, value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        found = [prefix] if prefix else []
        if isinstance(value, dict):
            for key, item in value.items():
                found += self._paths(item, (*prefix, key))
        elif isinstance(value, list):
            for index, item in enumerate(value[:5]):
                found += self._paths(item, (*prefix, index))
        return found

    def _pick(self, event: dict[str, Any]) -> tuple[Any, Any] | None:
        paths = self._paths(event)
        if not paths:
            return None
        path = self.rng.choice(paths)
        parent: Any = event
        for step in path[:-1]:
            parent = parent[step]
        return parent, path[-1]

    def _drop(self, event: dict[str, Any]) -> None:
        picked = self._pick(event)
        if picked and isinstance(picked[0], dict):
            del picked[0][picked[1]]

    def _retype(self, event: dict[str, Any]) -> None:
        picked = self._pick(event)
        if picked:
            picked[0][picked[1]] = copy.deepcopy(self.rng.choice(ODD_VALUES))

    def _names(self, event: dict[str, Any]) -> None:
        detail = event.get("detail") if isinstance(event.get("detail"), dict) else event
        detail["AutoScalingGroupName"] = self.rng.choice(GROUPS)
        detail["LifecycleHookName"] = self.rng.choice(HOOKS)

    def _case(self, event: dict[str, Any]) -> None:
        key = self.rng.choice(["detail-type", "source", "LifecycleTransition"])
        for holder in (event, event.get("detail")):
            if isinstance(holder, dict) and isinstance(holder.get(key), str):
                holder[key] = self.rng.choice([str.upper, str.lower, str.swapcase])(holder[key])

    def _instance(self, event: dict[str, Any]) -> None:
        detail = event.get("detail") if isinstance(event.get("detail"), dict) else event
        key = self.rng.choice(["EC2InstanceId", "ec2InstanceId"])
        detail[key] = self.rng.choice([*self.ids, "i-0123456789abcdef0", "I-" + self.ids[0][2:], " " + self.ids[0]])

    def _time(self, event: dict[str, Any]) -> None:
        event[self.rng.choice(["time", "Time"])] = self.rng.choice(TIMES)

    def _warm_pool(self, event: dict[str, Any]) -> None:
        detail = event.get("detail") if isinstance(event.get("detail"), dict) else event
        detail["Destination"] = self.rng.choice(["WarmPool", "AutoScalingGroup", "EC2", "warmpool", 7])
        detail["Origin"] = self.rng.choice(["WarmPool", "EC2"])

    def _slice(self, event: dict[str, Any]) -> None:
        event["ecm-sweep-slice"] = copy.deepcopy(self.rng.choice(  # a copy: later mutations edit it
            [[self.rng.choice(self.ids)], self.ids, self.ids * 3, ["i-1", 3], "i-1", [], list(range(2000))]))

    @property
    def _mutations(self) -> list[Callable[[dict[str, Any]], None]]:
        return [self._drop, self._drop, self._retype, self._retype, self._names, self._case,
                self._instance, self._time, self._warm_pool, self._slice]

    # ---- wrappers -----------------------------------------------------------------------------

    def _wrap(self, event: dict[str, Any]) -> object:
        body = json.dumps(event)
        choice = self.rng.randrange(9)
        if choice == 0:
            return {"Records": [{"body": body}, {"body": body[: len(body) // 2]}]}
        if choice == 1:
            return {"Records": [{"Sns": {"Message": body}}, {"Sns": body}, 7]}
        if choice == 2:
            return {"Records": [{"body": json.dumps({"Type": "Notification", "Message": body})}]}
        if choice == 3:
            # Every level of JSON in JSON doubles the escapes: deep nesting only of a small body.
            small = len(body) < 2_000
            nested = body if small else json.dumps({"Event": "x"})
            for _ in range(self.rng.randint(2, 10 if small else 4)):
                nested = json.dumps({"Type": "Notification", "Message": nested})
            return {"Records": [{"body": nested}]}
        if choice == 4:
            return {"Records": {"body": body}}
        if choice == 5:
            return {"Records": [{"body": "[" * 50_000}]}
        if choice == 6:
            return [event]
        if choice == 7:
            return {"Records": [{"Sns": {"Message": event}}]}
        return body
