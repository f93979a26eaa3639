"""The picture as one plotly figure on one time axis: the instances' lanes, the stack's events
and notes, then a row per service."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ecs_cluster_manager.durations import duration_text
from ecs_cluster_manager.picture.model import KIND_LABELS, Lane, Picture, ServiceSeries

COLOURS = {
    "launching": "#9ecae1", "launch-hook": "#3182bd", "warm-pool": "#bcbddc",
    "in-service": "#74c476",
    "terminate-hook": "#fdae6b", "draining": "#fd8d3c", "waiting-tasks": "#e6550d",
    "waiting-services": "#a63603", "terminated": "#d9d9d9",
}
WHO_SYMBOLS = {"launch function": "circle", "terminate function": "diamond",
               "timeout": "x", "operator": "star"}
LANE_PX, SERVICE_PX, MARKERS_PX = 22, 180, 90


def when(t: float) -> str:
    """UTC wall-clock time as plotly's date axis reads it (milliseconds kept)."""
    return datetime.fromtimestamp(t, tz=UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def _span(start: float, end: float) -> str:
    return f"{when(start)[11:19]}-{when(end)[11:19]} ({duration_text(end - start)})"


def _lane_traces(lanes: tuple[Lane, ...]) -> list[go.BaseTraceType]:
    traces: list[go.BaseTraceType] = []
    for kind, label in KIND_LABELS.items():
        found = [(lane.instance_id, i) for lane in lanes for i in lane.intervals if i.kind == kind]
        if not found:
            continue
        hover = [escape(f"{instance}: {label} {_span(i.start, i.end)}")
                 + (f"<br>{escape(i.detail)}" if i.detail else "")
                 + "".join(f"<br>- {escape(b)}" for b in i.blocking) for instance, i in found]
        traces.append(go.Bar(
            name=label, orientation="h", y=[instance for instance, _ in found],
            base=[when(i.start) for _, i in found],
            x=[max(i.end - i.start, 0.0) * 1000.0 for _, i in found],
            marker_color=COLOURS[kind], hovertext=hover, hoverinfo="text",
            legendgroup="lanes", legendgrouptitle_text="instance lanes"))
    completed = [a for lane in lanes for a in lane.actions if a.end is not None]
    # An ABANDON is what an engineer looks for first: red, and named apart in the legend.
    for who, abandoned in sorted({(a.completed_by or "-", a.result == "ABANDON")
                                  for a in completed}):
        mine = [a for a in completed
                if (a.completed_by or "-") == who and (a.result == "ABANDON") == abandoned]
        traces.append(go.Scatter(
            name=f"{'abandoned' if abandoned else 'completed'} by {who}", mode="markers",
            y=[a.instance_id for a in mine], x=[when(a.end or a.start) for a in mine],
            marker={"symbol": WHO_SYMBOLS.get(who, "square"), "size": 9,
                    "color": "#d62728" if abandoned else "black"},
            hovertext=[escape(f"{a.hook} hook on {a.instance_id}: {a.result} by {who}")
                       + "".join(f"<br>{escape(r)}" for r in a.reasons) for a in mine],
            hoverinfo="text", legendgroup="who", legendgrouptitle_text="who completed"))
    return traces


def _service_traces(service: ServiceSeries, end: float) -> list[go.BaseTraceType]:
    samples = list(service.samples)
    times = [when(s.at) for s in samples] + ([when(end)] if samples else [])
    traces: list[go.BaseTraceType] = []
    for name, values, dash in (
            ("running", [s.running for s in samples], "solid"),
            ("desired", [s.desired for s in samples], "dot"),
            ("minimum healthy", [s.minimum for s in samples], "dash")):
        traces.append(go.Scatter(
            name=f"{service.name} {name}", x=times, y=values + values[-1:], mode="lines",
            line={"shape": "hv", "dash": dash}, legendgroup=service.name,
            legendgrouptitle_text=f"service {service.name}"))
    if service.dips:
        traces.append(go.Scatter(
            name=f"{service.name} below minimum", mode="markers",
            x=[when(d.start) for d in service.dips], y=[d.lowest for d in service.dips],
            marker={"color": "red", "size": 10, "symbol": "triangle-down"},
            hovertext=[f"below minimum {_span(d.start, d.end)}: lowest {d.lowest} running, "
                       f"minimum {d.minimum}" for d in service.dips],
            hoverinfo="text", legendgroup=service.name))
    return traces


def figure(picture: Picture) -> go.Figure:
    rows = 2 + len(picture.services)
    lanes_px = max(LANE_PX * len(picture.lanes), 120)
    heights = [lanes_px, MARKERS_PX] + [SERVICE_PX] * len(picture.services)
    titles = ["instances", "stack events and notes"] + [
        f"service {s.name} ({s.scheduling.lower()})" for s in picture.services]
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, row_heights=heights,
                        vertical_spacing=min(0.08, 60 / sum(heights)), subplot_titles=titles)
    for trace in _lane_traces(picture.lanes):
        fig.add_trace(trace, row=1, col=1)
    for kind, label in (("stack", "stack event"), ("note", "note")):
        mine = [m for m in picture.markers if m.kind == kind]
        if mine:
            fig.add_trace(go.Scatter(
                name=label, mode="markers", x=[when(m.at) for m in mine], y=[label] * len(mine),
                hovertext=[escape(m.text) for m in mine], hoverinfo="text+x",
                marker={"size": 9, "symbol": "line-ns-open" if kind == "stack" else "circle"}),
                row=2, col=1)
    for row, service in enumerate(picture.services, start=3):
        for trace in _service_traces(service, picture.end):
            fig.add_trace(trace, row=row, col=1)
        for dip in service.dips:
            fig.add_vrect(x0=when(dip.start), x1=when(dip.end), fillcolor="red", opacity=0.2,
                          line_width=0, row=row, col=1)
    fig.update_layout(barmode="overlay", height=sum(heights) + 60 * rows + 120,
                      hovermode="closest", margin={"l": 150, "r": 40, "t": 60, "b": 40})
    fig.update_yaxes(autorange="reversed", row=1, col=1)
    fig.update_xaxes(type="date", range=[when(picture.start), when(picture.end)])
    fig.update_xaxes(title_text="time (UTC)", row=rows, col=1)
    return fig
