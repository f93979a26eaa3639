"""The page: one self-contained offline file that carries the picture's data."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

from ecs_cluster_manager.picture import Picture, write_html
from ecs_cluster_manager.picture.as_json import picture_as_json
from ecs_cluster_manager.picture.chart import figure
from ecs_cluster_manager.picture.model import HookAction, Interval, Lane, Summary

RESOURCE_ATTRIBUTES = {"script": "src", "link": "href", "img": "src", "iframe": "src"}


class _Resources(HTMLParser):
    """Every resource a tag would load, and every script's text."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = RESOURCE_ATTRIBUTES.get(tag)
        self.loaded += [value or "" for name, value in attrs if name == wanted]
        self.scripts += tag == "script"


def test_the_page_loads_nothing_from_the_network(roll: Picture, tmp_path: Path) -> None:
    page = write_html(roll, tmp_path / "roll.html").read_text(encoding="utf-8")
    resources = _Resources()
    resources.feed(page)
    assert resources.scripts >= 2  # plotly.js inline, then the figure
    assert not [r for r in resources.loaded if r.startswith(("http:", "https:", "//"))]
    assert "MathJax.Hub" not in page  # include_mathjax=False: no MathJax loader either


def test_the_page_carries_every_lane_and_the_summary(roll: Picture, tmp_path: Path) -> None:
    page = write_html(roll, tmp_path / "roll.html", title="Roll of two").read_text(
        encoding="utf-8")
    assert "<title>Roll of two</title>" in page
    for lane in roll.lanes:
        assert lane.instance_id in page
    assert "completed by terminate function" in page
    assert "no terminate CONTINUE while a task on that instance is not STOPPED" in page


def test_untrusted_text_is_escaped(roll: Picture, tmp_path: Path) -> None:
    page = write_html(roll, tmp_path / "x.html", title="<script>alert(1)</script>").read_text(
        encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_json_has_iso_times_and_no_python_reprs(no_room: Picture) -> None:
    data = picture_as_json(no_room)
    text = json.dumps(data)
    assert "Dip(" not in text and "Interval(" not in text
    (api,) = data["services"]
    assert api["dips"][0]["start"].endswith("Z") and api["dips"][0]["lowest"] == 4
    assert data["lanes"][0]["intervals"][0]["start"].startswith("20")
    assert data["summary"]["duration_s"] == no_room.summary.duration_s


def test_an_expected_break_says_so_and_why(no_room: Picture, tmp_path: Path) -> None:
    page = write_html(no_room, tmp_path / "no-room.html").read_text(encoding="utf-8")
    assert "broken (expected)" in page and "BROKEN" not in page
    assert "expected: api&#x27;s tasks killed with the instance" in page


def test_a_quiet_window_still_makes_a_page(tmp_path: Path) -> None:
    """History of a window where nothing happened: no lane, no service, no marker."""
    quiet = Picture("quiet", "history", 0.0, 60.0, (), (), (), Summary(60.0, (), (), None),
                    ("nothing happened",))
    page = write_html(quiet, tmp_path / "quiet.html").read_text(encoding="utf-8")
    assert "0 instances; not judged" in page and "nothing happened" in page


def test_an_abandoned_launch_is_marked_apart_from_a_completed_one() -> None:
    held = Interval("launch-hook", 0.0, 600.0, detail="agent not registered")
    actions = (HookAction("i-0a", "launch", 0.0, 600.0, "ABANDON", "launch function",
                          ("agent not registered",)),
               HookAction("i-0b", "launch", 0.0, 40.0, "CONTINUE", "launch function"))
    lanes = (Lane("i-0a", (held,), actions[:1]), Lane("i-0b", (held,), actions[1:]))
    picture = Picture("abandon", "simulation", 0.0, 600.0, lanes, (), (),
                      Summary(600.0, (), (), True))
    markers = {trace.name: trace for trace in figure(picture).data
               if trace.legendgroup == "who"}
    assert set(markers) == {"abandoned by launch function", "completed by launch function"}
    assert markers["abandoned by launch function"].y == ("i-0a",)
    assert markers["abandoned by launch function"].marker.color != \
        markers["completed by launch function"].marker.color
