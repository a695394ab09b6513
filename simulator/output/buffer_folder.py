"""The folder of a buffer-sizing run (``diversim buffer``): its resumable store of evaluated
stock levels, the tables and the plot "cost to reach the target".

``<out>/design.json`` and ``<out>/points/`` are a :class:`~simulator.output.sweep_folder.SweepStore`
(one point per policy × level, so an interrupted search rerun with the same settings reuses every
level it evaluated); :func:`write_buffer` adds ``levels.csv`` (per policy: the smallest level that
reaches the target and the figures there), ``buffer.csv`` (every level × replication evaluated)
and ``plots/cost_to_target.png``/``.svg``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .files import write_atomic
from .style import WIDTH, mpl_text, new_figure, plot_style, policy_colors, save_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..experiment.buffer import BufferResult


def cost_to_target(result: BufferResult) -> Figure:
    """Each policy at its own minimal buffer: cost per unit with its 95% interval, the days of
    cover written beside; a policy that cannot reach the target is listed as such."""
    lv = result.levels
    names = [str(p) for p in lv["policy"]]
    colors = policy_colors(names)
    with plot_style():
        fig = new_figure(WIDTH * 0.8, 1.8 + 0.45 * len(names))
        ax = fig.add_subplot()
        for y, (_, r) in enumerate(lv.iterrows()):
            if not np.isfinite(r["days"]):
                ax.text(0, y, "  target not reached", va="center", color="0.4", fontsize=9)
                continue
            c = r["cost_per_unit"]
            ax.errorbar(
                [c],
                [y],
                xerr=[[c - r["cost_per_unit_low"]], [r["cost_per_unit_high"] - c]],
                fmt="o",
                color=colors[str(r["policy"])],
                capsize=3,
                ms=7,
                gid=str(r["policy"]),
            )
            ax.annotate(
                f"{r['days']:.0f} days of cover · fill {100 * r['fill_rate']:.1f}%",
                (c, y),
                xytext=(8, 6),
                textcoords="offset points",
                fontsize=8.5,
                color="0.25",
            )
        ax.set_yticks(range(len(names)), [mpl_text(n) for n in names])
        ax.invert_yaxis()
        ax.margins(x=0.25, y=0.25)
        cur = mpl_text(result.scenario.currency)
        ax.set_xlabel(f"cost per unit delivered at the minimal buffer ({cur}/unit)")
        ax.set_title(
            f"Cost to reach a fill rate of {100 * result.target:.1f}% "
            f"({'95% lower bound' if result.confidence == 'lower' else 'mean'})",
            loc="left",
        )
    return fig


def write_buffer(result: BufferResult, out: str | os.PathLike, report: bool = True) -> Path:
    """Write levels.csv, buffer.csv and (with ``report``) the plot into ``out``; return it."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "levels.csv", result.levels)
    write_atomic(out / "buffer.csv", result.evaluations)
    if report:
        plots = out / "plots"
        plots.mkdir(exist_ok=True)
        save_figure(cost_to_target(result), plots, "cost_to_target")
    return out
