from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ecs_cluster_manager.sim.events.schedule import ScheduleError, parse

T0 = datetime(2026, 1, 1, tzinfo=UTC).timestamp()  # a Thursday


def test_rate_adds_its_period() -> None:
    assert parse("rate(5 minutes)")(T0) == T0 + 300
    assert parse("rate(1 hour)")(T0) == T0 + 3600
    assert parse("rate(2 days)")(T0) == T0 + 172800


@pytest.mark.parametrize("bad", ["rate(1 minutes)", "rate(5 minute)", "rate(0 hours)",
                                 "every 5 minutes", "cron(0 12 * *)", "cron(99 * * * ? *)"])
def test_invalid_expressions_are_rejected(bad: str) -> None:
    with pytest.raises(ScheduleError):
        parse(bad)


def test_cron_finds_the_next_matching_minute_in_utc() -> None:
    at_noon = parse("cron(0 12 * * ? *)")
    assert at_noon(T0) == T0 + 12 * 3600
    assert at_noon(T0 + 12 * 3600) == T0 + 36 * 3600
    every_15 = parse("cron(0/15 * * * ? *)")
    assert every_15(T0) == T0 + 900
    monday = parse("cron(30 8 ? * 2 *)")  # day-of-week 2 = Monday
    assert datetime.fromtimestamp(monday(T0), tz=UTC) == datetime(2026, 1, 5, 8, 30, tzinfo=UTC)
