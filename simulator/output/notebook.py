"""Figures of a run in a notebook, drawn from memory: ``result.plot.service()`` and the rest
return the matplotlib figures that ``diversim plot`` writes to ``plots/``.

Importing this module registers the ``plot`` accessor of
:class:`~simulator.experiment.runner.RunResult` (``import simulator`` does it when the run API
is first used). :func:`results_data` turns a run into the :class:`~.loading.ResultsData` the
plots and the report read, as if the results folder had been written and read back.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..experiment import runner
from .loading import _TEXT_COLUMNS, ResultsData
from .results_folder import manifest, resolved_yaml
from .style import figure_bytes, policy_colors

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..experiment.runner import RunResult


def _as_read(df: pd.DataFrame) -> pd.DataFrame:
    """The table with its text columns as text, as a results folder's CSV is read back."""
    df = df.copy()
    for c in _TEXT_COLUMNS:
        if c in df.columns:
            df[c] = df[c].where(df[c].isna(), df[c].astype(str))
    return df


def results_data(run: RunResult) -> ResultsData:
    """The run as the plots and the report see a results folder (nothing is written)."""
    resolved = resolved_yaml(run.scenario)
    tables = {
        name: _as_read(getattr(run, name))
        for name in (
            "summary",
            "replications",
            "episodes",
            "paired",
            "timeseries",
            "leg_flows",
            "warning_value",
        )
    }
    return ResultsData(
        folder=Path(run.scenario.name),
        decision=_as_read(run.decision_table()),
        scenario=run.scenario,
        scenario_text=resolved,
        manifest=manifest(run, resolved),
        verdict=run.verdict(),
        policies=list(run.policies),
        baseline=run.baseline,
        colors=policy_colors(list(run.policies)),
        **tables,
    )


def show_in_ipython() -> None:
    """In IPython/Jupyter, show a matplotlib Figure as a PNG (a figure made without pyplot has
    no display of its own unless ``%matplotlib inline`` has run)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    ip = get_ipython()
    if ip is None:
        return
    from matplotlib.figure import Figure

    ip.display_formatter.formatters["image/png"].for_type(
        Figure, lambda fig: figure_bytes(fig, "png")
    )


class PlotAccessor:
    """``result.plot``: one method per plot of a results folder, each returning a matplotlib
    :class:`~matplotlib.figure.Figure` (shown inline by Jupyter)."""

    def __init__(self, run: RunResult) -> None:
        self._run = run
        self._data: ResultsData | None = None

    @property
    def data(self) -> ResultsData:
        if self._data is None:
            self._data = results_data(self._run)
        return self._data

    def _draw(self, name: str) -> Figure:
        from . import plots, route_map

        show_in_ipython()
        module = route_map if name == "route_map" else plots
        return getattr(module, name)(self.data)

    def service(self) -> Figure:
        """Daily fill rate per policy over time (dates with a ``start_date``)."""
        return self._draw("service_over_time")

    def inventory(self) -> Figure:
        """On-hand inventory and backlog over time."""
        return self._draw("inventory_over_time")

    def comparison(self) -> Figure:
        """Headline figures with 95% confidence intervals."""
        return self._draw("policy_comparison")

    def paired(self) -> Figure:
        """Each policy minus the baseline, paired on the replication."""
        return self._draw("paired_differences")

    def cost_resilience(self) -> Figure:
        """Cost per unit against fill rate."""
        return self._draw("cost_vs_resilience")

    def cost_breakdown(self) -> Figure:
        """Cost per unit delivered, by part."""
        return self._draw("cost_breakdown")

    def performance_loss(self) -> Figure:
        """Performance loss per disruption episode."""
        return self._draw("performance_loss")

    def route_map(self) -> Figure:
        """The network on a map, one panel per policy."""
        return self._draw("route_map")

    def __dir__(self) -> list[str]:
        return [
            "service",
            "inventory",
            "comparison",
            "paired",
            "cost_resilience",
            "cost_breakdown",
            "performance_loss",
            "route_map",
        ]

    def __repr__(self) -> str:
        return f"<plots of '{self._run.scenario.name}': {', '.join(self.__dir__())}>"


runner.PLOT_ACCESSOR = PlotAccessor
