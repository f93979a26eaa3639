"""Simulated Amazon EventBridge (default bus): rules, targets, PutEvents and schedules.

Operations follow the EventBridge API Reference
(https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Operations.html). Matching events
reach each target of each enabled matching rule after `delivery_delay_s`; scheduled rules emit
the documented "Scheduled Event" (source aws.events, the rule ARN in resources, empty detail,
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html).
Only Lambda targets are delivered; others are logged in `undelivered`. Armed event faults
(`sim/faults.py`) can make a delivery late, repeated or lost; a lost one is logged in
`undelivered` too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ecs_cluster_manager.sim import input_limits
from ecs_cluster_manager.sim.backend import Backend, Params, Response, paginate, with_next_token
from ecs_cluster_manager.sim.clock import VirtualClock
from ecs_cluster_manager.sim.errors import AwsError
from ecs_cluster_manager.sim.events import patterns
from ecs_cluster_manager.sim.events.envelope import Event, envelope
from ecs_cluster_manager.sim.events.rules import Rule, Target
from ecs_cluster_manager.sim.events.schedule import ScheduleError
from ecs_cluster_manager.sim.ids import IdFactory

Deliver = Callable[[str, Any], None]  # (target ARN, payload) -> None
# Offsets (s) after normal delivery for each copy of an event: [0.0] normally, [] lost.
DeliveryOffsets = Callable[[Event], list[float]]


def _on_time(event: Event) -> list[float]:
    return [0.0]


def _not_found(name: str) -> AwsError:
    return AwsError("ResourceNotFoundException", f"Rule {name} does not exist on EventBus default.")


def _bad_token() -> AwsError:
    return AwsError("ValidationException", "The provided NextToken is not valid.")


class EventsBackend(Backend):
    service = "events"

    def __init__(self, clock: VirtualClock, ids: IdFactory, region: str, account_id: str,
                 deliver: Deliver, *, delivery_delay_s: float = 0.5,
                 delivery_offsets: DeliveryOffsets = _on_time) -> None:
        self.clock = clock
        self.ids = ids
        self.region = region
        self.account_id = account_id
        self.deliver = deliver
        self.delivery_delay_s = delivery_delay_s
        self.delivery_offsets = delivery_offsets
        self.rules: dict[str, Rule] = {}
        self.history: list[Event] = []  # every event that reached the bus, in order
        self.undelivered: list[tuple[str, Event]] = []

    def handle(self, operation: str, params: Params) -> Response:
        if operation in self.operations:  # names, patterns and sizes botocore leaves to AWS
            input_limits.check(self.service, operation, params, "ValidationException")
        return super().handle(operation, params)

    # -- the bus ----------------------------------------------------------------------------

    def put(self, event: Event) -> None:
        """An event arrives on the bus: route it to every matching rule's targets."""
        self.history.append(event)
        matched = [rule for rule in self.rules.values()
                   if rule.enabled and rule.pattern is not None
                   and patterns.matches(rule.pattern, event)]
        if not matched:
            return
        offsets = self.delivery_offsets(event)
        for rule in matched:
            self._send(rule, event, offsets)

    def _send(self, rule: Rule, event: Event, offsets: list[float]) -> None:
        for target in rule.targets.values():
            if not offsets:
                self.undelivered.append((target.arn, event))
            for offset in offsets:
                self.clock.call_later(self.delivery_delay_s + offset,
                                      self._delivery(target, event))

    def _delivery(self, target: Target, event: Event) -> Callable[[], None]:
        payload = target.payload(event)
        return lambda: self._deliver(target, payload)

    def _deliver(self, target: Target, payload: Any) -> None:
        if ":lambda:" in target.arn:
            self.deliver(target.arn, payload)
        else:
            self.undelivered.append((target.arn, payload))

    def _arm(self, rule: Rule, previous: float | None = None) -> None:
        if rule.timer is not None:
            rule.timer.cancel()
            rule.timer = None
        if rule.next_firing is None or not rule.enabled:
            return
        when = rule.next_firing(self.clock.now() if previous is None else previous)
        rule.timer = self.clock.call_at(when, lambda: self._fire(rule, when))

    def _fire(self, rule: Rule, when: float) -> None:
        event = envelope(event_id=self.ids.uuid(), source="aws.events",
                         detail_type="Scheduled Event", detail={}, resources=[rule.arn],
                         account=self.account_id, region=self.region, time=when)
        self.history.append(event)
        self._send(rule, event, self.delivery_offsets(event))
        self._arm(rule, when)

    def rule(self, name: str) -> Rule:
        rule = self.rules.get(name)
        if rule is None:
            raise _not_found(name)
        return rule

    # -- operations -------------------------------------------------------------------------

    def PutRule(self, params: Params) -> Response:
        name = params["Name"]
        if "EventPattern" not in params and "ScheduleExpression" not in params:
            raise AwsError("ValidationException",
                           "Parameter(s) EventPattern or ScheduleExpression must be specified.")
        rule = self.rules.get(name) or Rule(
            name, f"arn:aws:events:{self.region}:{self.account_id}:rule/{name}")
        try:
            rule.configure(params.get("EventPattern"), params.get("ScheduleExpression"))
        except patterns.PatternError as error:
            raise AwsError("InvalidEventPatternException",
                           f"Event pattern is not valid. Reason: {error}") from None
        except ScheduleError as error:
            raise AwsError("ValidationException", str(error)) from None
        rule.state = params.get("State", rule.state)
        rule.description = params.get("Description", rule.description)
        self.rules[name] = rule
        self._arm(rule)
        return {"RuleArn": rule.arn}

    def DescribeRule(self, params: Params) -> Response:
        return self.rule(params["Name"]).describe()

    def ListRules(self, params: Params) -> Response:
        prefix = params.get("NamePrefix", "")
        rules = [rule.describe(created_by=False) for name, rule in sorted(self.rules.items())
                 if name.startswith(prefix)]
        page, token = paginate(rules, params.get("NextToken"), params.get("Limit"), default=100,
                               maximum=100, bad_token=_bad_token)
        response: Response = {"Rules": list(page)}
        return with_next_token(response, token)

    def DeleteRule(self, params: Params) -> Response:
        rule = self.rules.get(params["Name"])
        if rule is None:
            return {}
        if rule.targets:
            raise AwsError("ValidationException", "Rule can't be deleted since it has targets.")
        self.rules.pop(rule.name)
        rule.next_firing = None
        self._arm(rule)
        return {}

    def EnableRule(self, params: Params) -> Response:
        return self._set_state(params["Name"], "ENABLED")

    def DisableRule(self, params: Params) -> Response:
        return self._set_state(params["Name"], "DISABLED")

    def _set_state(self, name: str, state: str) -> Response:
        rule = self.rule(name)
        rule.state = state
        self._arm(rule)
        return {}

    def PutTargets(self, params: Params) -> Response:
        rule = self.rule(params["Rule"])
        for spec in params["Targets"]:
            if "InputTransformer" in spec:
                raise AwsError("ValidationException",
                               "The ecm simulator does not model InputTransformer.")
            rule.targets[spec["Id"]] = Target(spec["Id"], spec["Arn"], spec.get("Input"),
                                              spec.get("InputPath"))
        return {"FailedEntryCount": 0, "FailedEntries": []}

    def RemoveTargets(self, params: Params) -> Response:
        rule = self.rule(params["Rule"])
        for target_id in params["Ids"]:
            rule.targets.pop(target_id, None)
        return {"FailedEntryCount": 0, "FailedEntries": []}

    def ListTargetsByRule(self, params: Params) -> Response:
        rule = self.rule(params["Rule"])
        return {"Targets": [t.describe() for t in rule.targets.values()]}

    def PutEvents(self, params: Params) -> Response:
        """Custom events; the `aws.` sources are reserved for AWS services (API Reference,
        PutEventsRequestEntry: https://docs.aws.amazon.com/eventbridge/latest/APIReference/)."""
        results: list[dict[str, Any]] = []
        for entry in params["Entries"]:
            source = entry.get("Source", "")
            if source.startswith("aws."):
                results.append({"ErrorCode": "NotAuthorizedForSourceException",
                                "ErrorMessage": f"Not authorized for the source {source}."})
                continue
            try:
                detail = json.loads(entry.get("Detail", "{}"))
            except json.JSONDecodeError:
                results.append({"ErrorCode": "MalformedDetail",
                                "ErrorMessage": "Detail is malformed."})
                continue
            event = envelope(event_id=self.ids.uuid(), source=source,
                             detail_type=entry.get("DetailType", ""), detail=detail,
                             resources=list(entry.get("Resources", [])),
                             account=self.account_id, region=self.region, time=self.clock.now())
            self.put(event)
            results.append({"EventId": event["id"]})
        failed = sum(1 for r in results if "ErrorCode" in r)
        return {"FailedEntryCount": failed, "Entries": results}

    def TestEventPattern(self, params: Params) -> Response:
        try:
            pattern = json.loads(params["EventPattern"])
            patterns.validate(pattern)
        except (json.JSONDecodeError, patterns.PatternError) as error:
            raise AwsError("InvalidEventPatternException",
                           f"Event pattern is not valid. Reason: {error}") from None
        return {"Result": patterns.matches(pattern, json.loads(params["Event"]))}
