"""Draw every plot of a results folder and build its HTML report, from the folder's files alone.

``render(folder)`` reads the folder (:func:`.loading.load_results`), draws each plot of the
registry below as PNG and SVG into ``folder/plots/`` and builds the self-contained
``folder/report.html``. Every file is written through a temporary file and a rename
(:mod:`.files`), so an interrupted render never leaves a half-written image or report.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .files import write_atomic
from .loading import ResultsData, load_results
from .report import RenderedPlot, build_report
from .style import DPI, figure_bytes, save_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _plot_makers() -> list[tuple[str, str, Callable[[ResultsData], Figure]]]:
    """(file stem, title, function) of every plot, in report order."""
    from . import plots, route_map

    return [
        ("service", "Service over time", plots.service_over_time),
        ("inventory", "Inventory and backlog over time", plots.inventory_over_time),
        ("comparison", "Policy comparison", plots.policy_comparison),
        ("paired", "Paired differences vs the baseline", plots.paired_differences),
        ("cost_resilience", "Cost against resilience", plots.cost_vs_resilience),
        ("cost_breakdown", "Cost per unit, by part", plots.cost_breakdown),
        ("performance_loss", "Performance loss per episode", plots.performance_loss),
        ("route_map", "Route map", route_map.route_map),
    ]


def draw_plots(data: ResultsData, plots_dir: Path | None = None) -> list[RenderedPlot]:
    """Draw every plot; with ``plots_dir``, also write ``<stem>.png`` and ``<stem>.svg`` there."""
    rendered = []
    if plots_dir is not None:
        plots_dir.mkdir(parents=True, exist_ok=True)
    for stem, title, make in _plot_makers():
        fig = make(data)
        png = figure_bytes(fig, "png")
        w, h = (round(v * DPI) for v in fig.get_size_inches())
        if plots_dir is not None:
            save_figure(fig, plots_dir, stem, png=png)
        rendered.append(RenderedPlot(stem, title, png, w, h))
    return rendered


def plot_folder(folder: str | os.PathLike) -> list[Path]:
    """Re-draw the plots of a results folder (or of a sweep folder: its sweep plots only) into
    ``folder/plots``; return the files written."""
    from .sweep_folder import is_sweep_folder, load_sweep

    if is_sweep_folder(folder):
        from .sweep_plots import plot_sweep

        return plot_sweep(load_sweep(folder), Path(folder))
    data = load_results(folder)
    plots_dir = data.folder / "plots"
    rendered = draw_plots(data, plots_dir)
    return [plots_dir / f"{r.stem}.{ext}" for r in rendered for ext in ("png", "svg")]


def report_parts(data: ResultsData, interactive: bool = True):
    """The interactive figures for the report (:mod:`.interactive`), or None without plotly or
    when ``interactive`` is False."""
    if not interactive:
        return None
    from .interactive import interactive_parts

    return interactive_parts(data)


def report_folder(folder: str | os.PathLike, interactive: bool = True) -> Path:
    """Re-build ``folder/report.html`` (plots drawn afresh, in memory); return its path. A sweep
    folder gets the sweep report (:mod:`.sweep_report`)."""
    from .sweep_folder import is_sweep_folder, load_sweep

    if is_sweep_folder(folder):
        from .sweep_report import build_sweep_report

        return write_atomic(Path(folder) / "report.html", build_sweep_report(load_sweep(folder)))
    data = load_results(folder)
    parts = report_parts(data, interactive)
    return write_report(data, build_report(data, draw_plots(data), parts))


def write_report(data: ResultsData, html_text: str) -> Path:
    return write_atomic(data.folder / "report.html", html_text)


def render(folder: Path) -> None:
    """Write every plot (PNG and SVG) into ``folder/plots`` and the report into
    ``folder/report.html``, reading only the folder's files."""
    data = load_results(folder)
    rendered = draw_plots(data, data.folder / "plots")
    write_report(data, build_report(data, rendered, report_parts(data)))


def write_comparison_plots(table: pd.DataFrame, figures: list[str], out: Path) -> list[Path]:
    """Draw the headline figures of several runs side by side (``diversim compare``) as
    ``comparison.png`` and ``comparison.svg`` in ``out``; return the files written."""
    from .plots import compare_runs

    return save_figure(compare_runs(table, figures), Path(out), "comparison")
