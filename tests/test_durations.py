"""One duration format for `ecm status`, `verify`, `forecast` and the picture."""

from __future__ import annotations

import pytest

from ecs_cluster_manager.durations import duration_text


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0s"), (0.4, "0s"), (44.6, "45s"), (59.4, "59s"), (59.6, "1m00s"), (245, "4m05s"),
    (3599.4, "59m59s"), (3600, "1h00m"), (3720, "1h02m"), (90061, "25h01m"), (-3, "0s")])
def test_durations_read_the_same_everywhere(seconds: float, text: str) -> None:
    assert duration_text(seconds) == text
