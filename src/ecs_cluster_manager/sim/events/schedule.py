"""Schedule expressions of EventBridge rules: `rate(value unit)` and `cron(…)`.

Syntax follows "Creating an Amazon EventBridge rule that runs on a schedule"
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html):
rate units are minute(s), hour(s), day(s) (singular only for a value of 1); cron has six fields
(minutes hours day-of-month month day-of-week year), all in UTC. The cron subset here supports
`*`, `?`, numbers, lists, ranges and `/` steps; names (JAN, MON), `L`, `W` and `#` are not modelled.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((\S+ \S+ \S+ \S+ \S+ \S+)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
# (low, high) of each cron field; day-of-week is 1-7 with 1 = Sunday.
_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (1, 7), (1970, 2199))

NextFiring = Callable[[float], float]  # time of the previous firing -> time of the next


class ScheduleError(ValueError):
    """The schedule expression is not valid."""


def parse(expression: str) -> NextFiring:
    rate = _RATE.match(expression)
    if rate:
        value, unit = int(rate.group(1)), rate.group(2)
        if value < 1 or (value == 1) != (not unit.endswith("s")):
            raise ScheduleError("Parameter ScheduleExpression is not valid.")
        period = value * _UNIT_SECONDS[unit.rstrip("s")]
        return lambda previous: previous + period
    cron = _CRON.match(expression)
    if cron:
        fields = [_field(text, low, high) for text, (low, high)
                  in zip(cron.group(1).split(" "), _RANGES, strict=True)]
        return lambda previous: _next_cron(fields, previous)
    raise ScheduleError("Parameter ScheduleExpression is not valid.")


def _field(text: str, low: int, high: int) -> frozenset[int] | None:
    """The allowed values of one cron field; None for `*`/`?` (anything)."""
    if text in ("*", "?"):
        return None
    allowed: set[int] = set()
    for part in text.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if base == "*":
            start, end = low, high
        elif "-" in base:
            start, end = (int(v) for v in base.split("-", 1))
        else:
            start = int(base) if base.isdigit() else -1
            end = high if step_text else start
        if not low <= start <= end <= high or step < 1:
            raise ScheduleError("Parameter ScheduleExpression is not valid.")
        allowed.update(range(start, end + 1, step))
    return frozenset(allowed)


def _next_cron(fields: list[frozenset[int] | None], previous: float) -> float:
    minutes, hours, days, months, weekdays, years = fields
    moment = datetime.fromtimestamp(previous, tz=UTC).replace(second=0, microsecond=0)
    moment += timedelta(minutes=1)
    for _ in range(366 * 24 * 60):
        if not _ok(months, moment.month) or not _ok(years, moment.year):
            moment = (moment.replace(day=1, hour=0, minute=0) + timedelta(days=32)).replace(day=1)
            continue
        weekday = moment.isoweekday() % 7 + 1  # Sunday = 1
        if not _ok(days, moment.day) or not _ok(weekdays, weekday):
            moment = moment.replace(hour=0, minute=0) + timedelta(days=1)
            continue
        if not _ok(hours, moment.hour):
            moment = moment.replace(minute=0) + timedelta(hours=1)
            continue
        if _ok(minutes, moment.minute):
            return moment.timestamp()
        moment += timedelta(minutes=1)
    raise ScheduleError("cron expression never fires")


def _ok(allowed: frozenset[int] | None, value: int) -> bool:
    return allowed is None or value in allowed
