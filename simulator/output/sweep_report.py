"""The one-file HTML report of a sweep folder (``diversim report <sweep folder>``).

Built from the folder's summary.csv and points.csv alone, styled like a run's report
(:data:`.report.STYLE`) and just as self-contained: images embedded as base64 PNG, no script.
Sections: the design (each parameter and its values), the best policy at every point, and the
sweep plots (per-parameter lines faceted by a second parameter, heatmaps, best-policy map, the
Pareto front with labelled points).
"""

from __future__ import annotations

import base64
import html
from typing import TYPE_CHECKING

from ..analysis.figures import HEADLINE
from ..analysis.ranking import best_policies
from .report import STYLE, fmt
from .style import DPI, figure_bytes

if TYPE_CHECKING:
    from .sweep_folder import SweepData

esc = html.escape

#: Section ids of the sweep report, in order.
SWEEP_SECTIONS = ("design", "best", "plots")


def _value(v) -> str:
    return f"{v:g}" if isinstance(v, float | int) else str(v)


def _design(data: SweepData) -> str:
    rows = "".join(
        f"<tr><td>{esc(p)}</td><td style='text-align:left'>"
        f"{esc(', '.join(_value(v) for v in sorted(data.points[p].unique(), key=str)))}</td></tr>"
        for p in data.parameters
    )
    reps = data.replications
    return (
        f"<p>{len(data.points)} design points × {len(data.policies)} policies"
        + (f" × {reps} replications" if reps else "")
        + f" (policies: {esc(', '.join(data.policies))}).</p>"
        f"<table><thead><tr><th>parameter</th><th class='l'>values</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _best_table(data: SweepData) -> str:
    s = data.summary
    if "scope" in s.columns:
        s = s[s["scope"] == "replication"]
    if data.parameters:
        best = best_policies(s, ["point"], HEADLINE).merge(data.points, on="point")
    else:
        return "<p class='note'>The sweep has no parameters.</p>"
    cost = s[s["figure"] == "cost_per_unit"].set_index(["point", "policy"])["mean"]
    head = "".join(f"<th>{esc(p)}</th>" for p in data.parameters)
    body = []
    for _, row in best.sort_values("point").iterrows():
        color = esc(data.colors.get(row["policy"], "#888"))
        cells = "".join(f"<td>{esc(_value(row[p]))}</td>" for p in data.parameters)
        c = cost.get((row["point"], row["policy"]))
        body.append(
            f"<tr><td>{row['point']}</td>{cells}"
            f"<td class='pol'><i style='background:{color}'></i>{esc(row['policy'])}</td>"
            f"<td>{esc(fmt(row['mean'], 'pct'))}</td><td>{esc(fmt(c, 'money'))}</td></tr>"
        )
    return (
        "<div class='scroll'><table><thead><tr><th>point</th>"
        f"{head}<th class='l'>best policy</th><th>{esc(HEADLINE.replace('_', ' '))}</th>"
        f"<th>cost per unit</th></tr></thead><tbody>{''.join(body)}</tbody></table></div>"
        "<p class='note'>Best = highest mean fill rate at the point; ties go to the lower cost "
        "per unit.</p>"
    )


def build_sweep_report(data: SweepData) -> str:
    """The sweep report as one HTML string (see the module docstring)."""
    from .sweep_plots import sweep_figures

    figures = []
    for stem, title, fig in sweep_figures(data):
        png = base64.b64encode(figure_bytes(fig, "png")).decode("ascii")
        w, h = (round(v * DPI) for v in fig.get_size_inches())
        figures.append(
            f"<figure id='plot-{esc(stem)}'><img alt='{esc(title)}' width='{w}' height='{h}' "
            f"src='data:image/png;base64,{png}'><figcaption><b>{esc(title)}.</b> "
            f"<span class='note'>(also plots/{esc(stem)}.png and .svg)</span></figcaption>"
            "</figure>"
        )
    titles = {"design": "Design", "best": "Best policy per point", "plots": "Plots"}
    parts = {"design": _design(data), "best": _best_table(data), "plots": "".join(figures)}
    nav = "".join(f"<a href='#{s}'>{titles[s]}</a>" for s in SWEEP_SECTIONS)
    sections = "".join(
        f"<section id='{s}'><h2>{titles[s]}</h2>{parts[s]}</section>" for s in SWEEP_SECTIONS
    )
    name = esc(data.name)
    csp = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{csp}\">"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>diversim sweep report — {name}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>diversim sweep report — {name}</h1>"
        f"<p>{len(data.points)} points · {len(data.policies)} policies</p></header>"
        f"<nav>{nav}</nav><main>{sections}</main></body></html>\n"
    )
