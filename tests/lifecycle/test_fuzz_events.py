"""Fuzzed events against both functions in a simulated account (issue "Verification that can't be fooled").

10,000 hostile variants of AWS's documented samples go to both gates (20,000 wake-ups), in
worlds that hold instances in every state: booting, waiting to launch (registered with ECS or
not), in service, waiting to terminate, and in a foreign group that uses our hook names and our
cluster. For every payload: no unhandled error; every AWS call is for our group, hooks and
cluster, and an instance-scoped call only for an instance of ours that is waiting (checked at
the moment of the call against the simulator's model, see fuzz_world.py); every line logged is
one bounded JSON object; a payload the parser ignores leaves exactly one "ignored" line per
trigger, and any payload leaves at least one line.
"""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

from ecs_cluster_manager.lifecycle import launch, terminate
from ecs_cluster_manager.lifecycle.events import Ignored, SweepTrigger, parse_event
from ecs_cluster_manager.lifecycle.gate import Runtime
from ecs_cluster_manager.lifecycle.logs import DECISION_KEYS, MAX_LINE_CHARS
from ecs_cluster_manager.lifecycle.runtime import handle

from .fuzz_world import FuzzWorld
from .mutations import Mutator

PAYLOADS = 10_000
WORLDS = 4  # a fresh world now and then: the fuzz legitimately completes waiting instances


def _log_lines(text: str) -> list[dict[str, Any]]:
    lines = text.splitlines()
    for line in lines:
        assert len(line) <= MAX_LINE_CHARS
    records = [json.loads(line) for line in lines]
    for record in records:
        assert list(record)[: len(DECISION_KEYS)] == list(DECISION_KEYS)
    return records


def _hand_out(world: FuzzWorld, given: tuple[str, ...], payloads: list[dict[str, Any]]) -> bool:
    """The sweep's fan-out, checked at once: the scheduled sweep hands out only instances of ours
    that wait; a chain's link passes on only what it was given (its ids are unverified targets)."""
    for payload in payloads:
        for instance_id in payload["ecm-sweep-slice"]:
            allowed = instance_id in given if given else world.waiting(instance_id)
            if not allowed:
                world.violations.append(f"fan-out handed out {instance_id}")
    return True


def _one_payload(world: FuzzWorld, payload: object) -> None:
    triggers = parse_event(payload)
    given = tuple(i for t in triggers if isinstance(t, SweepTrigger) for i in t.instances)
    for gate in (launch.GATE, terminate.GATE):
        runtime = Runtime(world.config, world.clients, clock=world.now,
                          invoke=lambda payloads: _hand_out(world, given, payloads))
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            handle(gate, runtime, payload)
        records = _log_lines(out.getvalue())
        assert records, f"no log line for {str(payload)[:300]}"
        if all(isinstance(t, Ignored) for t in triggers):
            assert [r["decision"] for r in records] == ["ignored"] * len(triggers)


def test_ten_thousand_hostile_payloads_change_nothing_that_is_not_ours_and_waiting() -> None:
    per_world = PAYLOADS // WORLDS
    ignored = deep = 0
    for n in range(WORLDS):
        world = FuzzWorld.build(seed=n)
        mutator = Mutator(seed=n, instance_ids=world.ids())
        for _ in range(per_world):
            payload = mutator.payload()
            calls_before = len(world.calls)
            _one_payload(world, payload)
            deep += len(world.calls) > calls_before
            ignored += all(isinstance(t, Ignored) for t in parse_event(payload))
        assert world.violations == []
    # The generator must reach both the parser's refusals and the calls behind them.
    assert ignored > PAYLOADS // 4
    assert deep > PAYLOADS // 20
