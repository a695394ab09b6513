"""The folder of a warning lead-time sweep (``diversim warning-value``): its resumable store,
the tables, the plot "value of each day of warning" and a few lines of text.

``<out>/design.json`` and ``<out>/points/`` are a :class:`~simulator.output.sweep_folder.SweepStore`
(point 0: warnings ignored; point k: the k-th lead time); :func:`write_warning_lead` adds
``warning_value.csv`` (paired value per policy × lead × figure), ``replications.csv``,
``value_of_warning.txt`` and ``plots/value_of_warning_days.png``/``.svg``.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .files import write_atomic
from .style import WIDTH, mpl_text, new_figure, plot_style, policy_colors, save_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..experiment.warning_lead import WarningLeadResult

#: (figure, axis label, scale) of the plot's panels; fill rate in percentage points.
PANELS = (
    ("fill_rate", "Δ fill rate (pp)", 100.0),
    ("cost_per_unit", "Δ cost per unit ({cur}/unit)", 1.0),
    ("total_performance_loss", "Δ performance loss (demand-days)", 1.0),
)


def per_day(value: pd.DataFrame, policy: str, figure: str) -> tuple[float, float, float] | None:
    """(value per day of warning, first lead, last lead): the slope of the mean paired value
    between the shortest and the longest lead time swept."""
    v = value[(value["policy"] == policy) & (value["figure"] == figure)].sort_values("lead_days")
    if len(v) < 2:
        return None
    a, b = v.iloc[0], v.iloc[-1]
    span = float(b["lead_days"] - a["lead_days"])
    if span <= 0:
        return None
    return float((b["mean"] - a["mean"]) / span), float(a["lead_days"]), float(b["lead_days"])


def value_lines(result: WarningLeadResult) -> list[str]:
    """Plain-language summary: per policy the value at each end and per day of warning."""
    v = result.value
    cur = result.scenario.currency or ""
    out = [
        f"value of warning of '{result.disruption}' in '{result.scenario.name}': each policy "
        "reacting with lead ℓ days − the same policy ignoring warnings, paired on the "
        f"replication (95% CI, {result.replications['replication'].nunique()} replications)"
    ]
    for policy in dict.fromkeys(v["policy"]):
        for lead in result.lead_days:
            g = v[(v["policy"] == policy) & (v["lead_days"] == lead)].set_index("figure")
            fr, c = g.loc["fill_rate"], g.loc["cost_per_unit"]
            out.append(
                f"  {policy}, {lead:g} days ahead: fill rate {100 * fr['mean']:+.2f} pp "
                f"[{100 * fr['ci_low']:+.2f}, {100 * fr['ci_high']:+.2f}], cost per unit "
                f"{c['mean']:+,.3f} [{c['ci_low']:+,.3f}, {c['ci_high']:+,.3f}] {cur}"
            )
        f, c = per_day(v, policy, "fill_rate"), per_day(v, policy, "cost_per_unit")
        if f is not None and c is not None:
            out.append(
                f"  {policy}: each day of warning between {f[1]:g} and {f[2]:g} days is worth "
                f"{100 * f[0]:+.3f} pp of fill rate and {c[0]:+,.4f} {cur} per unit on average"
            )
            steps = _marginal(v, policy, "fill_rate")
            if len(steps) > 1:
                out.append(
                    f"  {policy}, fill rate per extra day: "
                    + "; ".join(f"{a:g}→{b:g} d {100 * m:+.3f} pp/day" for a, b, m in steps)
                )
    return out


def _marginal(value: pd.DataFrame, policy: str, figure: str) -> list[tuple[float, float, float]]:
    """(from lead, to lead, change per day) between consecutive lead times."""
    v = value[(value["policy"] == policy) & (value["figure"] == figure)].sort_values("lead_days")
    x, m = v["lead_days"].to_numpy(float), v["mean"].to_numpy(float)
    return [
        (x[i], x[i + 1], (m[i + 1] - m[i]) / (x[i + 1] - x[i]))
        for i in range(len(x) - 1)
        if x[i + 1] > x[i]
    ]


def value_of_warning_days(result: WarningLeadResult) -> Figure:
    """Per policy, the paired value of the warning against its lead time, with 95% bands."""
    v = result.value
    names = list(dict.fromkeys(v["policy"]))
    colors = policy_colors(names)
    cur = mpl_text(result.scenario.currency or "")
    with plot_style():
        fig = new_figure(WIDTH, 3.6)
        axes = fig.subplots(1, len(PANELS))
        for ax, (figure, label, scale) in zip(axes, PANELS, strict=True):
            for p in names:
                g = v[(v["policy"] == p) & (v["figure"] == figure)].sort_values("lead_days")
                x = g["lead_days"].to_numpy(float)
                m = g["mean"].to_numpy(float) * scale
                lo = g["ci_low"].to_numpy(float) * scale
                hi = g["ci_high"].to_numpy(float) * scale
                ax.plot(x, m, "o-", color=colors[p], label=mpl_text(p), ms=4, gid=p)
                ok = [math.isfinite(a) and math.isfinite(b) for a, b in zip(lo, hi, strict=True)]
                if all(ok):
                    ax.fill_between(x, lo, hi, color=colors[p], alpha=0.15, lw=0)
            ax.axhline(0, color="0.5", lw=0.8)
            ax.set_xlabel("warning lead time (days)")
            ax.set_ylabel(label.format(cur=cur))
        axes[0].legend(loc="best", frameon=False)
        fig.suptitle(
            f"Value of each day of warning: {mpl_text(result.disruption)} "
            "(reacting − ignoring warnings, paired, 95% band)",
            x=0.01,
            ha="left",
        )
    return fig


def write_warning_lead(
    result: WarningLeadResult, out: str | os.PathLike, report: bool = True
) -> Path:
    """Write the tables, the text summary and (with ``report``) the plot into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "warning_value.csv", result.value)
    write_atomic(out / "replications.csv", result.replications)
    write_atomic(out / "value_of_warning.txt", "\n".join(value_lines(result)) + "\n")
    if report:
        plots = out / "plots"
        plots.mkdir(exist_ok=True)
        save_figure(value_of_warning_days(result), plots, "value_of_warning_days")
    return out
