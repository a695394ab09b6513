"""How a run shows itself in a notebook: a short HTML summary (the recommendation, the headline
columns of the decision table, the warnings), never the tables themselves."""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .runner import RunResult

esc = html.escape

#: Decision-table columns shown, with their heading and kind ('pct': a fraction shown as %).
COLUMNS = (
    ("fill_rate", "fill rate", "pct"),
    ("fill_rate_during", "fill rate during disruptions", "pct"),
    ("p_shortage", "P(shortage)", "pct"),
    ("cost_per_unit", "cost per unit", "money"),
    ("landed_cost_per_unit", "landed price per unit", "money"),
)


def _fmt(v, kind: str) -> str:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(v):
        return "–"
    return f"{100 * v:.1f}%" if kind == "pct" else f"{v:,.2f}"


def run_html(run: RunResult) -> str:
    """The summary as an HTML fragment (every string escaped)."""
    sc = run.scenario
    rec = run.recommendation
    table = run.decision_table()
    cols = [c for c in COLUMNS if c[0] in table.columns]
    head = "".join(f"<th>{esc(title)}</th>" for _, title, _ in cols)
    body = []
    for _, row in table.iterrows():
        name = str(row["policy"])
        star = " ★" if name == rec.policy else ""
        base = " (baseline)" if name == run.baseline else ""
        cells = "".join(
            f"<td style='text-align:right'>{esc(_fmt(row.get(c), kind))}</td>"
            for c, _, kind in cols
        )
        weight = "font-weight:600;" if star else ""
        body.append(
            f"<tr style='{weight}'><td style='text-align:left'>{esc(name)}{star}{esc(base)}</td>"
            f"{cells}</tr>"
        )
    warnings = run.warnings()
    warn = (
        "<ul>"
        + "".join(f"<li>{esc(w)}</li>" for w in warnings[:5])
        + "</ul>"
        + (f"<p>… and {len(warnings) - 5} more warnings</p>" if len(warnings) > 5 else "")
        if warnings
        else ""
    )
    start = f", day 0 = {sc.start_date.isoformat()}" if sc.start_date else ""
    verb = "Recommended" if rec.meets_target else "No policy meets the target; best"
    return (
        "<div class='diversim-run'>"
        f"<p><b>diversim run — {esc(sc.name)}</b>: {len(run.policies)} policies × "
        f"{run.n_replications} replications, {sc.horizon_days} days{esc(start)}, seed {run.seed}, "
        f"{run.wall_seconds:.1f} s</p>"
        f"<p>{verb}: <b>{esc(str(rec.policy))}</b> — {esc(rec.reason)}</p>"
        f"<table><thead><tr><th style='text-align:left'>policy</th>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>{warn}"
        "<p style='color:#666;font-size:.9em'>Means over replications; the full tables are "
        "result.summary, result.paired, result.decision_table(); figures: result.plot.service(), "
        "result.plot.route_map(), …</p></div>"
    )
