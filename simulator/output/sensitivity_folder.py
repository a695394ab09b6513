"""The folder of a sensitivity analysis (``diversim sensitivity``): the sweep store of its design
points, the indices, the plot and the report.

``<out>/design.json`` and ``<out>/points/`` are a :class:`~simulator.output.sweep_folder.SweepStore`
(one point per design point), so an interrupted analysis rerun with the same settings computes only
what is missing. :func:`write_sensitivity` adds ``sensitivity.csv`` (policy × parameter: the
indices with their 95% intervals), ``design.csv`` (the design and the figure's mean per point and
policy), ``weak_points.json``, ``plots/sensitivity`` (PNG and SVG) and ``report.html``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .files import write_atomic
from .style import save_figure

if TYPE_CHECKING:
    from ..experiment.sensitivity import SensitivityResult


def write_sensitivity(
    result: SensitivityResult, out: str | os.PathLike, report: bool = True
) -> Path:
    """Write the indices, the design and (with ``report``) the plot and report into ``out``."""
    from .weak_points_page import write_section_report
    from .weak_points_plots import sensitivity_bars

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "sensitivity.csv", result.indices)
    write_atomic(out / "design.csv", result.design)
    meta = {
        "command": "sensitivity",
        "scenario": result.scenario.name,
        "method": result.method.value,
        "figure": result.figure,
        "policies": result.policies,
        "parameters": {p: list(b) for p, b in result.bounds.items()},
        "points": len(result.design),
        "replications": result.replications,
        "notes": result.notes,
    }
    write_atomic(out / "weak_points.json", json.dumps(meta, indent=2))
    if report:
        save_figure(sensitivity_bars(result.indices, result.figure), out / "plots", "sensitivity")
        write_section_report(out, f"sensitivity of {result.scenario.name}")
    return out
