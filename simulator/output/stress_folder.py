"""The folder of a stress test (``diversim stress``): its resumable store of finished cases, the
tables, the plots and the report.

``<out>/design.json`` and ``<out>/points/`` are a :class:`~simulator.output.sweep_folder.SweepStore`
(one point per failure case, point 0 the no-failure baseline), so an interrupted stress test rerun
with the same settings computes only the missing cases. :func:`write_stress` adds ``stress.csv``
(element × duration × policy: figures with 95% intervals, rank, risk exposure index, TTS < TTR
flag), ``cases.csv``, ``stress_runs.csv`` (case × policy × replication), ``weak_points.json``
(settings), ``plots/ranking_<policy>``, ``plots/tts_vs_ttr``, ``plots/stress_heat`` (PNG and SVG)
and ``report.html``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from .files import write_atomic
from .style import save_figure

if TYPE_CHECKING:
    from ..experiment.stress import StressResult


def plot_stem(policy: str) -> str:
    """``ranking_<policy>`` with the policy name made safe for a file name."""
    return "ranking_" + re.sub(r"[^A-Za-z0-9_.-]+", "_", policy).strip("_")


def write_stress(result: StressResult, out: str | os.PathLike, report: bool = True) -> Path:
    """Write the stress test's tables and (with ``report``) its plots and report.html into
    ``out``; return the folder."""
    from .weak_points_page import write_section_report
    from .weak_points_plots import stress_heat, stress_ranking, tts_vs_ttr

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sc = result.scenario
    write_atomic(out / "stress.csv", result.table)
    write_atomic(out / "cases.csv", result.cases)
    runs = result.rows.join(
        result.cases.set_index("case")[["element", "duration_days", "start_day"]], on="case"
    )
    write_atomic(out / "stress_runs.csv", runs)
    meta = {
        "command": "stress",
        "scenario": sc.name,
        "currency": sc.currency,
        "unit_value": sc.product.unit_value,
        "seed": result.seed,
        "policies": result.policies,
        "durations": result.durations,
        "starts": result.starts,
        "effect": result.effect,
        "replications": int(result.rows["replication"].nunique()),
        "skipped": result.skipped,
    }
    write_atomic(out / "weak_points.json", json.dumps(meta, indent=2, default=str))
    if report and not result.table.empty:
        plots = out / "plots"
        for p in result.policies:
            save_figure(stress_ranking(result.table, p, sc.currency), plots, plot_stem(p))
        save_figure(tts_vs_ttr(result.table, result.policies), plots, "tts_vs_ttr")
        save_figure(stress_heat(result.table, result.policies), plots, "stress_heat")
        write_section_report(out, f"stress test of {sc.name}")
    return out
