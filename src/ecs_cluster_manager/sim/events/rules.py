"""EventBridge rules and targets on the default event bus."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ecs_cluster_manager.sim.clock import Timer
from ecs_cluster_manager.sim.events import patterns, schedule
from ecs_cluster_manager.sim.events.schedule import NextFiring


@dataclass
class Target:
    target_id: str
    arn: str
    input: str | None = None
    input_path: str | None = None

    def payload(self, event: dict[str, Any]) -> Any:
        """What the target receives: the event, a constant `Input`, or an `InputPath` part
        (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html)."""
        if self.input is not None:
            return json.loads(self.input)
        if self.input_path:
            value: Any = event
            for part in self.input_path.removeprefix("$").strip(".").split("."):
                if part:
                    value = value.get(part) if isinstance(value, dict) else None
            return value
        return event

    def describe(self) -> dict[str, Any]:
        described: dict[str, Any] = {"Id": self.target_id, "Arn": self.arn}
        if self.input is not None:
            described["Input"] = self.input
        if self.input_path:
            described["InputPath"] = self.input_path
        return described


@dataclass
class Rule:
    name: str
    arn: str
    pattern_text: str | None = None
    schedule_expression: str | None = None
    state: str = "ENABLED"
    description: str = ""
    targets: dict[str, Target] = field(default_factory=dict)
    pattern: dict[str, Any] | None = None
    next_firing: NextFiring | None = None
    timer: Timer | None = None

    def configure(self, pattern_text: str | None, schedule_expression: str | None) -> None:
        """Parse and keep the pattern and schedule; raises PatternError/ScheduleError."""
        pattern = None
        if pattern_text is not None:
            try:
                pattern = json.loads(pattern_text)
            except json.JSONDecodeError as error:
                raise patterns.PatternError(f"Event pattern is not valid JSON: {error}") from None
            patterns.validate(pattern)
        next_firing = schedule.parse(schedule_expression) if schedule_expression else None
        self.pattern_text, self.pattern = pattern_text, pattern
        self.schedule_expression, self.next_firing = schedule_expression, next_firing

    @property
    def enabled(self) -> bool:
        return self.state == "ENABLED"

    def describe(self, *, created_by: bool = True) -> dict[str, Any]:
        """DescribeRule's answer; ListRules' Rule shape has no CreatedBy."""
        described: dict[str, Any] = {
            "Name": self.name, "Arn": self.arn, "State": self.state, "EventBusName": "default",
        }
        if created_by:
            described["CreatedBy"] = self.arn.split(":")[4]
        if self.pattern_text is not None:
            described["EventPattern"] = self.pattern_text
        if self.schedule_expression:
            described["ScheduleExpression"] = self.schedule_expression
        if self.description:
            described["Description"] = self.description
        return described
