"""The picture as one self-contained, offline HTML page: the summary table, the figure (plotly,
its JavaScript inline, no MathJax, no fonts or scripts fetched) and a legend of what each
interval means."""

from __future__ import annotations

from html import escape
from pathlib import Path

import plotly.io as pio

from ecs_cluster_manager.durations import duration_text
from ecs_cluster_manager.picture.chart import figure, when
from ecs_cluster_manager.picture.model import KIND_LABELS, InvariantResult, Picture

STYLE = """body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ccc;padding:2px 8px;
text-align:left}.held{color:#2a7d2a}.broken{color:#b00}.caveat{color:#8a5a00}"""

MEANINGS = {
    "launching": "from launch until the launch hook holds it",
    "launch-hook": "Pending:Wait: the launch gate waits for the container instance (the reasons "
                   "are the launch function's, on hover)",
    "warm-pool": "launched into the group's warm pool (the launch gate let it in without ECS "
                 "checks); the launch hook holds it again when it leaves the pool",
    "in-service": "counted by the group, running tasks",
    "terminate-hook": "Terminating:Wait before the drain gate said what it waits for",
    "draining": "the drain gate set DRAINING",
    "waiting-tasks": "tasks on the instance not STOPPED yet (which ones: on hover)",
    "waiting-services": "the services that were on it not steady again (which ones: on hover)",
    "terminated": "the hook let it go, or it was terminated outside the group",
}


def _row(*cells: object, tag: str = "td") -> str:
    return "<tr>" + "".join(f"<{tag}>{escape(str(c))}</{tag}>" for c in cells) + "</tr>"


def _verdict(result: InvariantResult) -> str:
    if result.held:
        return "held"
    return "broken (expected)" if result.expected else "BROKEN"


def summary_html(picture: Picture) -> str:
    summary = picture.summary
    verdict = {None: "not judged", True: "passed", False: "FAILED"}[summary.passed]
    parts = [f"<p>{escape(picture.source)}: {escape(when(picture.start))} to "
             f"{escape(when(picture.end))} UTC ({duration_text(picture.end - picture.start)});"
             f" {len(picture.lanes)} instances; {escape(verdict)}</p>"]
    parts += [f'<p class="caveat">{escape(c)}</p>' for c in picture.caveats]
    parts.append("<table>" + _row("hook", "result", "completed by", "actions", tag="th")
                 + "".join(_row(t.hook, t.result, t.completed_by, t.count)
                           for t in summary.actions) + "</table>")
    if summary.invariants:
        rows = "".join(
            f'<tr><td class="{"held" if i.held else "broken"}">{_verdict(i)}</td>'
            f"<td>{escape(i.description)}"
            + (f"<br><i>expected: {escape(i.expected)}</i>" if i.expected else "")
            + "".join(f"<br>{escape(v)}" for v in i.violations) + "</td></tr>"
            for i in summary.invariants)
        parts.append("<table>" + _row("", "invariant", tag="th") + rows + "</table>")
    return "\n".join(parts)


def legend_html() -> str:
    return "<table>" + _row("interval", "meaning", tag="th") + "".join(
        _row(KIND_LABELS[kind], text) for kind, text in MEANINGS.items()) + "</table>"


def page(picture: Picture, title: str | None = None) -> str:
    heading = escape(title or picture.title)
    chart = pio.to_html(figure(picture), include_plotlyjs=True, include_mathjax=False,
                        full_html=False, config={"displaylogo": False, "responsive": True})
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{heading}</title><style>{STYLE}</style></head><body>\n"
            f"<h1>{heading}</h1>\n{summary_html(picture)}\n{chart}\n"
            f"<h2>What the lanes show</h2>\n{legend_html()}\n</body></html>\n")


def write_html(picture: Picture, path: Path | str, title: str | None = None) -> Path:
    """Write the page to `path` (its directory must exist); returns the path."""
    target = Path(path)
    target.write_text(page(picture, title), encoding="utf-8")
    return target
