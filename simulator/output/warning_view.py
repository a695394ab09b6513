"""The report's early-warning section: per policy that reacts to warnings, what reacting is
worth against ignoring them, and what the false alarms cost (the run's ``warning_value`` table)."""

from __future__ import annotations

import html
import math

import pandas as pd

#: (figure, column title, scale, decimals): fill rate in percentage points.
COLUMNS = (
    ("fill_rate", "Δ fill rate (pp)", 100.0, 2),
    ("total_performance_loss", "Δ performance loss (demand-days)", 1.0, 2),
    ("unmet_demand", "Δ unmet demand (units)", 1.0, 0),
    ("cost_per_unit", "Δ cost per unit", 1.0, 3),
    ("cost_expedite", "Δ expediting cost", 1.0, 0),
    ("units_expedited", "Δ units expedited", 1.0, 0),
)
COMPARISONS = {
    "value_of_warning": "reacting − ignoring every warning",
    "cost_of_false_alarms": "reacting − ignoring false alarms only",
}


def _num(v) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _cell(row: pd.Series, scale: float, decimals: int) -> str:
    m, lo, hi = (_num(row.get(k)) * scale for k in ("mean", "ci_low", "ci_high"))
    if not math.isfinite(m):
        return "–"
    ci = (
        f"<br><span class='ci'>[{lo:+,.{decimals}f}, {hi:+,.{decimals}f}]</span>"
        if math.isfinite(lo) and math.isfinite(hi)
        else ""
    )
    return f"{m:+,.{decimals}f}{ci}"


def warning_html(value: pd.DataFrame) -> str:
    """The section's HTML (a note when the scenario has no warnings or no policy reacts)."""
    if value.empty or "comparison" not in value:
        return (
            "<p class='note'>No early warnings in this run: no disruption has a "
            "<code>warning</code> block, or no policy has <code>on_warning</code>. "
            "<code>diversim warning-value</code> prices each day of warning.</p>"
        )
    head = "".join(f"<th>{html.escape(t)}</th>" for _, t, _, _ in COLUMNS)
    body = []
    for (policy, comparison), g in value.groupby(["policy", "comparison"], sort=False):
        g = g.set_index("figure")
        cells = "".join(
            f"<td>{_cell(g.loc[f], s, d) if f in g.index else '–'}</td>" for f, _, s, d in COLUMNS
        )
        what = html.escape(COMPARISONS.get(str(comparison), str(comparison)))
        body.append(f"<tr><td>{html.escape(str(policy))}</td><td class='l'>{what}</td>{cells}</tr>")
    return (
        "<div class='scroll'><table><thead><tr><th>policy</th><th class='l'>comparison</th>"
        f"{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
        "<p class='note'>Paired on the replication: the same policy, the same demand, "
        "disruptions and warnings (common random numbers), once reacting to the warnings and "
        "once ignoring them (or ignoring only the false alarms), with 95% intervals. A positive "
        "Δ fill rate and a negative Δ cost are what the warning is worth. "
        "<code>diversim warning-value SCENARIO</code> sweeps the lead time: the value of each "
        "day of warning.</p>"
    )
