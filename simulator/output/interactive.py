"""Interactive figures for report.html (plotly, the ``[interactive]`` extra): the route map with
hover, zoom and a policy selector, and the service and inventory time series.

Everything is embedded: plotly.js goes inline into the report once, and the map draws the
shipped Natural Earth land outline itself (plotly's own geo maps would fetch their land from a
CDN), so the report still works offline and stays one file. Without plotly the report is the
static one, unchanged. The static PNG/SVG in ``plots/`` are drawn either way.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .route_map import (
    KIND_STYLE,
    MODE_COLORS,
    RANDOM_COLOR,
    SCHEDULED_COLOR,
    disruption_targets,
    land_rings,
    leg_path,
    node_positions,
    split_antimeridian,
)

if TYPE_CHECKING:
    from .loading import ResultsData

#: plotly marker symbols for the static map's node kinds.
SYMBOLS = {
    "site": "circle",
    "supplier": "triangle-up",
    "port": "square",
    "chokepoint": "diamond",
    "rail_hub": "cross",
    "border": "hexagon",
}
#: Options of every figure: scroll to zoom, no plotly logo, no cloud buttons.
CONFIG = {"scrollZoom": True, "displaylogo": False, "responsive": True}


@dataclass(frozen=True)
class InteractiveParts:
    """What the report embeds: plotly.js (once, in the page's head) and one ``<div>`` (with its
    inline script) per plot stem that has an interactive version."""

    script: str
    figures: dict[str, str] = field(default_factory=dict)


def has_plotly() -> bool:
    try:
        import plotly  # noqa: F401
    except ImportError:
        return False
    return True


def interactive_parts(data: ResultsData) -> InteractiveParts | None:
    """The interactive figures of a results folder, or None without plotly."""
    if not has_plotly():
        return None
    from plotly.offline import get_plotlyjs

    figures = {}
    for stem, make in (
        ("service", service_figure),
        ("inventory", inventory_figure),
        ("route_map", map_figure),
    ):
        fig = make(data)
        if fig is not None:
            figures[stem] = fig.to_html(
                full_html=False,
                include_plotlyjs=False,
                div_id=f"interactive-{stem}",
                config=CONFIG,
            )
    return InteractiveParts(script=get_plotlyjs(), figures=figures)


# --------------------------------------------------------------------------- time series


def _x(data: ResultsData, days) -> list:
    """The time axis: dates when the scenario has a start_date, else days."""
    sc = data.scenario
    if sc is None or sc.start_date is None:
        return list(np.asarray(days, dtype=float))
    return [str(sc.day_to_date(float(d)).astype("datetime64[h]")) for d in days]


def _rgba(color: str, alpha: float) -> str:
    c = color.lstrip("#")
    r, g, b = (int(c[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _shade(fig, data: ResultsData, horizon: float) -> None:
    """Scheduled disruptions as shaded spans, named at the top (disruptions over the same days
    share one span and one label)."""
    spans: dict[tuple[float, float], list[str]] = {}
    for d in data.scheduled:
        spans.setdefault((d.start, min(d.end, horizon)), []).append(d.id)
    for (start, end), ids in spans.items():
        x0, x1 = _x(data, [start, end])
        fig.add_vrect(
            x0=x0,
            x1=x1,
            fillcolor=_rgba(SCHEDULED_COLOR, 0.12),
            line_width=0,
            layer="below",
            annotation_text=" · ".join(html.escape(i) for i in ids),
            annotation_position="top left",
            annotation_font_size=10,
            annotation_font_color=SCHEDULED_COLOR,
        )


def _series_figure(data: ResultsData, column: str, title: str, y_title: str, scale: float):
    import plotly.graph_objects as go

    ts = data.timeseries
    if ts.empty or f"{column}_mean" not in ts.columns:
        return None
    fig = go.Figure()
    horizon = float(ts["day"].max() + 1)
    for p in data.policies:
        g = ts[ts["policy"] == p].sort_values("day")
        if g.empty:
            continue
        x = _x(data, g["day"])
        color = data.colors.get(p, "#444")
        name = html.escape(p)
        fig.add_trace(
            go.Scatter(
                x=x + x[::-1],
                y=list(scale * g[f"{column}_p95"]) + list(scale * g[f"{column}_p05"])[::-1],
                fill="toself",
                fillcolor=_rgba(color, 0.15),
                line={"width": 0},
                hoverinfo="skip",
                legendgroup=name,
                showlegend=False,
                name=f"{name} 5–95%",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=list(scale * g[f"{column}_mean"]),
                mode="lines",
                line={"color": color, "width": 1.6, "shape": "hv"},
                name=name,
                legendgroup=name,
                hovertemplate=f"<b>{name}</b><br>%{{x}}<br>{y_title}: %{{y:,.1f}}<extra></extra>",
            )
        )
    _shade(fig, data, horizon)
    sc = data.scenario
    x_title = (
        "simulated day"
        if sc is None or sc.start_date is None
        else f"date (day 0 = {sc.start_date.isoformat()})"
    )
    fig.update_layout(
        title=f"{title} — mean and 5–95% band across replications (click a policy to hide it)",
        xaxis_title=x_title,
        yaxis_title=y_title,
        template="plotly_white",
        height=460,
        margin={"l": 60, "r": 20, "t": 60, "b": 50},
        hovermode="x unified",
        legend={"title": "policy"},
    )
    return fig


def service_figure(data: ResultsData):
    """Daily fill rate (%) of every policy over time."""
    fig = _series_figure(data, "service", "Daily fill rate", "fill rate (%)", 100.0)
    if fig is not None:
        fig.add_hline(
            y=100 * data.recovery_threshold,
            line_dash="dash",
            line_color="#555",
            annotation_text="recovery threshold",
            annotation_position="bottom right",
        )
        fig.update_yaxes(range=[-3, 103])
    return fig


def inventory_figure(data: ResultsData):
    """On-hand inventory (units) of every policy over time."""
    return _series_figure(data, "on_hand", "On-hand inventory", "units on hand", 1.0)


# --------------------------------------------------------------------------- the map


def _hover_node(data: ResultsData, nid: str, inferred: bool, hits: tuple[str, ...]) -> str:
    sc = data.scenario
    n = sc.nodes[nid]
    lines = [f"<b>{html.escape(sc.label_of(nid))}</b> ({html.escape(nid)})"]
    lines.append(f"{html.escape(str(n.kind)).replace('_', ' ')}, {html.escape(n.country)}")
    if n.name and n.name != sc.label_of(nid):
        lines.append(html.escape(n.name))
    if inferred:
        lines.append("<i>position inferred (no lat/lon)</i>")
    if hits:
        lines.append("disruptions: " + ", ".join(html.escape(h) for h in hits))
    return "<br>".join(lines)


def _flows(data: ResultsData, policy: str) -> dict[str, float]:
    lf = data.leg_flows
    if lf.empty or not {"policy", "leg", "units"} <= set(lf.columns):
        return {}
    g = lf[lf["policy"] == policy]
    return {str(k): float(u) for k, u in zip(g["leg"], g["units"], strict=True)}


def map_figure(data: ResultsData):
    """The route map: land, one set of legs per policy (width ∝ the policy's flow; a dropdown
    picks the policy), nodes with hover (node, kind, flow through, disruptions), disruption
    targets ringed; pan and zoom with the mouse."""
    import plotly.graph_objects as go

    sc = data.scenario
    if sc is None:
        return None
    placed, inferred, _missing = node_positions(sc)
    if not placed or len(inferred) == len(placed):
        return None
    targets = disruption_targets(sc)
    fig = go.Figure()
    lon, lat = [], []
    for ring in land_rings():
        lon += [*ring[:, 0].tolist(), None]
        lat += [*ring[:, 1].tolist(), None]
    fig.add_trace(
        go.Scatter(
            x=lon,
            y=lat,
            fill="toself",
            fillcolor="#e6e2d6",
            line={"color": "#cfc9b8", "width": 0.5},
            hoverinfo="skip",
            showlegend=False,
            name="land",
        )
    )
    always = [True]
    paths = {}
    for lid, leg in sc.legs.items():
        a, b = placed.get(leg.from_node), placed.get(leg.to_node)
        if a is not None and b is not None:
            paths[lid] = split_antimeridian(leg_path(str(leg.mode), a, b)[0])
    pols = list(data.policies) or ["(no policy)"]
    per_policy: list[list[int]] = []
    for k, p in enumerate(pols):
        flows = _flows(data, p)
        top = max(flows.values(), default=0.0)
        mine = []
        for lid, parts in paths.items():
            leg = sc.legs[lid]
            units = flows.get(lid, 0.0)
            share = units / top if top > 0 else (1.0 if not flows else 0.0)
            hits = targets.hits.get(lid, ())
            ringed = lid in targets.scheduled_legs or lid in targets.random_legs
            text = (
                f"<b>leg {html.escape(lid)}</b>: {html.escape(sc.label_of(leg.from_node))} → "
                f"{html.escape(sc.label_of(leg.to_node))}<br>{html.escape(str(leg.mode))}"
                + (f"<br>{html.escape(p)}: {units:,.0f} units per replication" if flows else "")
                + ("<br>disruptions: " + ", ".join(html.escape(h) for h in hits) if hits else "")
            )
            xs, ys = [], []
            for part in parts:
                xs += [*part[:, 0].tolist(), None]
                ys += [*part[:, 1].tolist(), None]
            color = MODE_COLORS.get(str(leg.mode), "#555")
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    line={
                        "color": SCHEDULED_COLOR if ringed else color,
                        "width": 0.8 + 5 * share if share > 0 else 0.8,
                        "dash": "solid" if share > 0 else "dot",
                    },
                    opacity=0.9 if share > 0 else 0.5,
                    hovertext=text,
                    hoverinfo="text",
                    name=f"{html.escape(str(leg.mode))} leg",
                    legendgroup=str(leg.mode),
                    showlegend=False,
                    visible=k == 0,
                    meta={"policy": html.escape(p), "leg": html.escape(lid)},
                )
            )
            mine.append(len(fig.data) - 1)
            always.append(False)
        per_policy.append(mine)
    for kind, symbol in SYMBOLS.items():
        ids = [n for n in placed if str(sc.nodes[n].kind) == kind]
        if not ids:
            continue
        face = KIND_STYLE.get(kind, ("o", 40, "#444"))[2]
        rings = [
            SCHEDULED_COLOR
            if n in targets.scheduled_nodes
            else RANDOM_COLOR
            if n in targets.random_nodes
            else "white"
            for n in ids
        ]
        fig.add_trace(
            go.Scatter(
                x=[placed[n][0] for n in ids],
                y=[placed[n][1] for n in ids],
                mode="markers+text",
                marker={
                    "symbol": [symbol + ("-open" if n in inferred else "") for n in ids],
                    "size": 13 if kind in ("site", "supplier") else 10,
                    "color": face,
                    "line": {"color": rings, "width": [3 if c != "white" else 1 for c in rings]},
                },
                text=[html.escape(sc.label_of(n)) + ("*" if n in inferred else "") for n in ids],
                textposition=[_text_position(placed, n) for n in ids],
                textfont={"size": 10},
                hovertext=[
                    _hover_node(data, n, n in inferred, targets.hits.get(n, ())) for n in ids
                ],
                hoverinfo="text",
                name=kind.replace("_", " "),
            )
        )
        always.append(True)
    buttons = []
    for k, p in enumerate(pols):
        visible = list(always)
        for i in per_policy[k]:
            visible[i] = True
        buttons.append(
            {
                "label": html.escape(p) + (" (baseline)" if p == data.baseline else ""),
                "method": "update",
                "args": [{"visible": visible}, {"title.text": _map_title(data, p)}],
            }
        )
    pts = np.array(list(placed.values()))
    x0, x1 = pts[:, 0].min() - 8, pts[:, 0].max() + 8
    y0, y1 = pts[:, 1].min() - 6, pts[:, 1].max() + 6
    fig.update_layout(
        title={"text": _map_title(data, pols[0]), "x": 0.01, "y": 0.98, "yanchor": "top"},
        template="plotly_white",
        height=620,
        margin={"l": 10, "r": 10, "t": 110, "b": 10},
        plot_bgcolor="#eef4f9",
        dragmode="pan",
        updatemenus=[
            {
                "buttons": buttons,
                "direction": "down",
                "x": 0.0,
                "xanchor": "left",
                "y": 1.02,
                "yanchor": "bottom",
                "showactive": True,
            }
        ],
        xaxis={"range": [x0, x1], "showgrid": False, "zeroline": False, "visible": False},
        yaxis={
            "range": [y0, y1],
            "showgrid": False,
            "zeroline": False,
            "visible": False,
            "scaleanchor": "x",
            "scaleratio": 1 / max(0.35, np.cos(np.radians((y0 + y1) / 2))),
        },
        legend={"title": "node kind", "orientation": "h", "y": -0.02},
        annotations=[
            {
                "text": "◀ pick a policy · hover a node or leg · scroll to zoom, drag to pan · "
                "red: hit by a disruption · * position inferred",
                "xref": "paper",
                "yref": "paper",
                "x": 1.0,
                "y": 1.02,
                "xanchor": "right",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 11, "color": "#555"},
            }
        ],
    )
    return fig


def _text_position(placed: dict[str, tuple[float, float]], nid: str) -> str:
    """Where a node's label goes: away from its nearest neighbour on the map (plotly does not
    move labels apart itself), above it when no node is near."""
    x, y = placed[nid]
    others = [(ox - x, oy - y) for k, (ox, oy) in placed.items() if k != nid]
    if not others:
        return "top center"
    dx, dy = min(others, key=lambda d: d[0] ** 2 + d[1] ** 2)
    if dx * dx + dy * dy > 12**2:
        return "top center"
    if abs(dy) >= abs(dx):
        return "bottom center" if dy > 0 else "top center"
    return "middle left" if dx > 0 else "middle right"


def _map_title(data: ResultsData, policy: str) -> str:
    base = " (baseline)" if policy == data.baseline else ""
    return f"Route map — {html.escape(policy)}{base}: line width ∝ the policy's flow"
