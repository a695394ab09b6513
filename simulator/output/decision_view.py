"""The decision, shown: a terminal table (rich) and the report's first section (HTML).

Both read the decision table (``decision.csv`` of a results folder, or
:meth:`~simulator.experiment.runner.RunResult.decision_table`) and the recommendation recorded
in the manifest.
"""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd

from ..analysis.decision import DECISION_COLUMNS

#: The columns the terminal shows, with short headings (the report shows every column).
TERMINAL = {
    "fill_rate": "fill rate",
    "fill_rate_during": "during disr.",
    "p_shortage": "P(short)",
    "worst_performance_loss": "worst loss",
    "landed_cost_per_unit": "landed price",
    "cost_per_unit": "cost/unit",
    "cost_per_unit_shortage": "of it penalty",
    "chokepoint_exposure": "chokepoint",
}
LABEL = {fig: label.strip() for fig, label, _ in DECISION_COLUMNS}
KIND = {fig: kind for fig, _, kind in DECISION_COLUMNS}


def _finite(v: Any) -> bool:
    try:
        return math.isfinite(float(v))
    except (TypeError, ValueError):
        return False


def cell(row: pd.Series, fig: str, with_ci: bool = True) -> str:
    """A figure of a decision-table row as '98.2% [97.1, 99.0]' (or why it is undefined)."""
    v = row.get(fig)
    if not _finite(v):
        if fig.startswith(("cost_per_unit", "landed")):
            return "undefined (nothing delivered)"
        return "—"
    kind = KIND.get(fig, "number")
    lo, hi = row.get(f"{fig}_low"), row.get(f"{fig}_high")
    if kind == "rate":
        text = f"{100 * v:.1f}%"
        ci = f" [{100 * lo:.1f}, {100 * hi:.1f}]" if _finite(lo) and _finite(hi) else ""
    elif kind == "money":
        text = f"{v:,.2f}"
        ci = f" [{lo:,.2f}, {hi:,.2f}]" if _finite(lo) and _finite(hi) else ""
    else:
        text = f"{v:,.2f}"
        ci = f" [{lo:,.2f}, {hi:,.2f}]" if _finite(lo) and _finite(hi) else ""
    if fig == "landed_cost_per_unit" and _finite(row.get("landed_vs_baseline")):
        rel = row["landed_vs_baseline"]
        text += f" ({rel:+.1%})" if abs(rel) > 1e-12 else ""
    return text + (ci if with_ci else "")


def print_decision(
    table: pd.DataFrame,
    recommendation: dict,
    warnings: list[str],
    baseline: str,
    file=None,
) -> None:
    """Print the decision table, the recommendation and the warnings on a terminal."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=file, highlight=False, soft_wrap=False)
    console.width = max(console.width, 170)  # piped output is 80 wide by default: too narrow
    t = Table(
        title="Decision table (means over the replications; report.html has the 95% intervals)",
        title_justify="left",
    )
    t.add_column("policy", no_wrap=True)
    for fig, heading in TERMINAL.items():
        if fig in table:
            t.add_column(heading, justify="right", no_wrap=True, min_width=len(heading))
    for _, row in table.iterrows():
        name = str(row["policy"])
        if name == recommendation.get("policy"):
            name = f"[bold]{name} ◀[/bold]"
        elif name == baseline:
            name += " (baseline)"
        t.add_row(name, *(cell(row, fig, with_ci=False) for fig in TERMINAL if fig in table))
    console.print(t)
    head = (
        "recommendation"
        if recommendation.get("meets_target", True)
        else "no policy meets the target"
    )
    console.print(
        f"[bold]{head}:[/bold] {recommendation.get('policy')} — {recommendation.get('reason')}"
    )
    for w in warnings:
        console.print(f"[yellow]warning:[/yellow] {w}")


def decision_html(table: pd.DataFrame, recommendation: dict, warnings: list[str]) -> str:
    """The report's first section: the recommendation, its warnings and the decision table."""
    if table.empty:
        return ""
    figs = [f for f, _, _ in DECISION_COLUMNS if f in table]
    head = "".join(f"<th>{html.escape(LABEL[f])}</th>" for f in figs)
    body = []
    rec = recommendation.get("policy")
    for _, row in table.iterrows():
        name = html.escape(str(row["policy"]))
        cls = " class='recommended'" if row["policy"] == rec else ""
        kind = row.get("kind", "policy")
        tag = " <span class='note'>(stock only)</span>" if kind == "stock-only" else ""
        cells = "".join(f"<td class='num'>{html.escape(cell(row, f))}</td>" for f in figs)
        body.append(f"<tr{cls}><td>{name}{tag}</td>{cells}</tr>")
    verdict = (
        "Recommendation"
        if recommendation.get("meets_target", True)
        else "No policy meets the target"
    )
    warn = "".join(f"<li>{html.escape(w)}</li>" for w in warnings)
    return (
        f"<p class='recommendation'><b>{verdict}: {html.escape(str(rec))}</b> — "
        f"{html.escape(str(recommendation.get('reason', '')))}</p>"
        + (f"<ul class='warnings'>{warn}</ul>" if warn else "")
        + "<div class='scroll'><table class='decision'>"
        f"<thead><tr><th>policy</th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
        "<p class='note'>Mean and 95% interval over the replications (intervals clipped to what a "
        "figure can be: a rate stays in [0, 100%], a cost at or above 0). Cost per unit is per "
        "unit delivered in the window, with the purchase and freight of those units; its parts "
        "add up to it. The shortage part is the scenario's shortage penalty: an assumption that "
        "can decide the ranking. Rows marked stock only are the baseline re-run with more stock, "
        "to match the best policy's fill rate.</p>"
    )
