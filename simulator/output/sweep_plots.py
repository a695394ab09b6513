"""Plots of a sweep: a figure over one parameter, heatmaps over two, and the Pareto front.

Drawn like the run plots (:mod:`.style`: the same policy colours, resolution and settings) on
``matplotlib.figure.Figure``, imported inside the functions so the model stays light in worker
processes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..analysis.figures import HEADLINE
from ..analysis.pareto import pareto_front
from ..analysis.ranking import best_policies
from .style import mpl_text, new_figure, plot_style, policy_colors, save_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..experiment.sweep import SweepResult
    from .sweep_folder import SweepData


#: First segments of a parameter path that name a section of the scenario, left off the label.
_SECTIONS = ("nodes", "legs", "sourcing", "disruptions")


def parameter_label(path: str) -> str:
    """An axis label for a parameter path: the path without its section, so the element stays
    named (``disruptions.suez.timing.duration_days`` → ``suez.timing.duration_days``)."""
    head, _, rest = path.partition(".")
    return mpl_text(rest if head in _SECTIONS and rest else path)


def replication_scope(s: pd.DataFrame) -> pd.DataFrame:
    """The summary rows over whole replications (a sweep's summary may also hold per-site
    rows, which must not be averaged in)."""
    return s[s["scope"] == "replication"] if "scope" in s.columns else s


def _numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series)


def axes_of(s: pd.DataFrame, params: list[str]) -> list[str]:
    """The parameters that vary independently: a linked parameter (one whose value is fixed by
    another's, such as complementary shares) is dropped in favour of the first of its group."""
    kept: list[str] = []
    points = s.drop_duplicates("point") if "point" in s.columns else s
    for p in params:
        linked = any(
            points.groupby(k)[p].nunique().max() == 1 and points.groupby(p)[k].nunique().max() == 1
            for k in kept
        )
        if not linked:
            kept.append(p)
    return kept


def sweep_figures(result: SweepResult | SweepData) -> list[tuple[str, str, Figure]]:
    """(file stem, title, figure) of every sweep plot that fits the design: a line plot over each
    independent parameter (faceted by the other when there are two), heatmaps and the best-policy
    map over two numeric parameters, and the Pareto front."""
    s = replication_scope(result.summary)
    params = axes_of(s, [p for p in result.parameters if p in s.columns and s[p].nunique() > 1])
    out: list[tuple[str, str, Figure]] = []
    for k, param in enumerate(params):
        others = [p for p in params if p != param]
        if len(others) > 1:  # three or more axes: dots, never an average over two of them
            fig = _dots_over_parameter(
                replication_scope(s)[lambda x: x["figure"] == HEADLINE],
                param,
                result.policies,
                HEADLINE,
                others[0],
            )
        else:
            fig = line_over_parameter(
                s, param, result.policies, facet=others[0] if others else None
            )
        stem = "sweep_line" if k == 0 else f"sweep_line_{k + 1}"
        out.append((stem, f"{HEADLINE.replace('_', ' ')} across {param}", fig))
    if len(params) == 2 and all(_numeric(s[p]) for p in params):
        fig = heatmaps(s, params[0], params[1], result.policies)
        out.append(("sweep_heatmap", f"{HEADLINE.replace('_', ' ')} over both parameters", fig))
        fig = best_policy_map(s, params[0], params[1], result.policies)
        out.append(("sweep_best_policy", "Best policy at each point", fig))
    fig = pareto(s, result.policies, params)
    out.append(("sweep_pareto", "Pareto front of cost against fill rate", fig))
    return out


def plot_sweep(result: SweepResult | SweepData, out: Path) -> list[Path]:
    """Draw every sweep plot (:func:`sweep_figures`) into ``out/plots``; return the files."""
    folder = Path(out) / "plots"
    written: list[Path] = []
    for stem, _title, fig in sweep_figures(result):
        written += save_figure(fig, folder, stem)
    return written


def _legend_outside(ax, **kw) -> None:
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), **kw)


#: At most this many panels when a line plot facets over a second parameter; with more values
#: the plot keeps the first ones and says so in its title.
MAX_FACETS = 6


def line_over_parameter(
    s: pd.DataFrame,
    param: str,
    policies: list[str],
    figure: str = HEADLINE,
    facet: str | None = None,
) -> Figure:
    """Headline figure against one parameter: mean line and 95% CI band per policy.

    With ``facet``, one panel per value of that second parameter (sharing the y axis), so a
    second swept axis is shown, never averaged over. Parameters beyond two are averaged (the
    mean of point means), and the title says so."""
    colors = policy_colors(policies)
    d = replication_scope(s)
    d = d[d["figure"] == figure]
    dots = facet is not None and d[facet].nunique() > MAX_FACETS
    if dots:  # too many values to facet (a Latin hypercube): every design point is a dot
        return _dots_over_parameter(d, param, policies, figure, facet)
    values = list(np.sort(d[facet].unique())) if facet is not None else [None]
    shown = values[:MAX_FACETS]
    ncols = min(len(shown), 3)
    nrows = -(-len(shown) // ncols)
    label = figure.replace("_", " ")
    with plot_style():
        fig = new_figure(8 if ncols == 1 else 3.6 * ncols + 1.6, 4.5 if nrows == 1 else 3.3 * nrows)
        axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True)
        for k, value in enumerate(shown):
            ax = axes[k // ncols][k % ncols]
            g0 = d if facet is None else d[d[facet] == value]
            for p in policies:
                g = g0[g0["policy"] == p].groupby(param, sort=True)[["mean", "ci_low", "ci_high"]]
                g = g.mean()
                if g.empty:
                    continue
                x = g.index.to_numpy()
                numeric = _numeric(g.index.to_series())
                xs = x if numeric else np.arange(len(x))
                ax.plot(xs, g["mean"], marker="o", color=colors[p], label=mpl_text(p))
                ax.fill_between(xs, g["ci_low"], g["ci_high"], color=colors[p], alpha=0.2)
                if not numeric:
                    ax.set_xticks(xs, [mpl_text(v) for v in x])
            ax.set_xlabel(parameter_label(param))
            if k % ncols == 0:
                ax.set_ylabel(f"{label} (mean, 95% CI)")
            if facet is not None:
                ax.set_title(f"{parameter_label(facet)} = {mpl_text(_value(value))}", fontsize=9)
            ax.grid(alpha=0.3)
        for k in range(len(shown), nrows * ncols):
            axes[k // ncols][k % ncols].set_axis_off()
        title = f"{label.capitalize()} across {parameter_label(param)}"
        if len(shown) < len(values):
            title += f" (first {len(shown)} of {len(values)} values of {parameter_label(facet)})"
        fig.suptitle(title, fontsize=10.5)
        handles, names = axes[0][0].get_legend_handles_labels()
        fig.legend(handles, names, loc="outside right upper", title="policy")
    return fig


def _dots_over_parameter(
    d: pd.DataFrame, param: str, policies: list[str], figure: str, other: str
) -> Figure:
    """Every design point's mean (and 95% CI) against one parameter, nothing averaged: for
    designs where the other parameters take too many values to facet."""
    colors = policy_colors(policies)
    label = figure.replace("_", " ")
    with plot_style():
        fig = new_figure(8, 4.5)
        ax = fig.add_subplot()
        for p in policies:
            g = d[d["policy"] == p].sort_values(param)
            if g.empty:
                continue
            err = np.vstack([g["mean"] - g["ci_low"], g["ci_high"] - g["mean"]])
            ax.errorbar(
                g[param],
                g["mean"],
                yerr=np.clip(err, 0, None),
                fmt="o",
                ms=4,
                color=colors[p],
                alpha=0.8,
                elinewidth=0.8,
                label=mpl_text(p),
            )
        ax.set_xlabel(parameter_label(param))
        ax.set_ylabel(f"{label} (mean, 95% CI)")
        ax.set_title(
            f"{label.capitalize()} across {parameter_label(param)} (one dot per design point; "
            f"{parameter_label(other)} and any other parameters vary too)",
            fontsize=10,
        )
        ax.grid(alpha=0.3)
        _legend_outside(ax, title="policy")
    return fig


def _value(v) -> str:
    return f"{v:g}" if isinstance(v, float | int | np.number) else str(v)


def _grid_matrix(d: pd.DataFrame, px: str, py: str):
    xs = np.sort(d[px].unique())
    ys = np.sort(d[py].unique())
    m = np.full((len(ys), len(xs)), np.nan)
    for _, r in d.iterrows():
        m[np.searchsorted(ys, r[py]), np.searchsorted(xs, r[px])] = r["mean"]
    return xs, ys, m


def _grid_axes(ax, xs, ys, px: str, py: str) -> None:
    ax.set_xticks(range(len(xs)), [f"{v:g}" for v in xs])
    ax.set_yticks(range(len(ys)), [f"{v:g}" for v in ys])
    ax.set_xlabel(parameter_label(px))
    ax.set_ylabel(parameter_label(py))
    ax.grid(False)


def heatmaps(
    s: pd.DataFrame, px: str, py: str, policies: list[str], figure: str = HEADLINE
) -> Figure:
    """Headline figure over two parameters: one heatmap per policy, shared colour scale."""
    d = s[s["figure"] == figure]
    n = len(policies)
    cols = min(n, 3)
    rows = (n + cols - 1) // cols
    lo, hi = float(d["mean"].min()), float(d["mean"].max())
    im = None
    with plot_style():
        fig = new_figure(4.4 * cols, 3.8 * rows)
        axes = fig.subplots(rows, cols, squeeze=False)
        for k, p in enumerate(policies):
            ax = axes[k // cols][k % cols]
            g = d[d["policy"] == p].groupby([px, py], as_index=False)["mean"].mean()
            xs, ys, m = _grid_matrix(g, px, py)
            im = ax.imshow(m, origin="lower", aspect="auto", vmin=lo, vmax=hi, cmap="viridis")
            _grid_axes(ax, xs, ys, px, py)
            for (yi, xi), v in np.ndenumerate(m):
                if np.isfinite(v):
                    ax.text(
                        xi,
                        yi,
                        f"{v:.3f}",
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if v < (lo + hi) / 2 else "black",
                    )
            ax.set_title(mpl_text(p))
            if not (k // cols == rows - 1 or k + cols >= n):
                ax.set_xlabel("")
            if k % cols != 0:
                ax.set_ylabel("")
        for k in range(n, rows * cols):
            axes[k // cols][k % cols].axis("off")
        if im is not None:
            fig.colorbar(im, ax=axes.ravel().tolist(), label=figure.replace("_", " "), shrink=0.8)
        fig.suptitle(
            f"{figure.replace('_', ' ').capitalize()} by {parameter_label(px)} × "
            f"{parameter_label(py)}"
        )
    return fig


def best_policy_map(
    s: pd.DataFrame, px: str, py: str, policies: list[str], figure: str = HEADLINE
) -> Figure:
    """Which policy has the highest headline figure at each grid point."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    colors = policy_colors(policies)
    best = best_policies(s, [px, py], figure)
    best["mean"] = best["policy"].map({p: k for k, p in enumerate(policies)})
    xs, ys, m = _grid_matrix(best, px, py)
    with plot_style():
        fig = new_figure(6.5, 4.5)
        ax = fig.add_subplot()
        cmap = ListedColormap([colors[p] for p in policies])
        ax.imshow(m, origin="lower", aspect="auto", cmap=cmap, vmin=-0.5, vmax=len(policies) - 0.5)
        _grid_axes(ax, xs, ys, px, py)
        ax.set_title(f"Best policy by {figure.replace('_', ' ')} (ties: lower cost per unit)")
        _legend_outside(
            ax,
            handles=[Patch(color=colors[p], label=mpl_text(p)) for p in policies],
            title="policy",
        )
    return fig


def pareto(s: pd.DataFrame, policies: list[str], parameters: list[str] | None = None) -> Figure:
    """Cost per unit against fill rate for every point × policy; the Pareto front drawn as a
    line through its points, each labelled with its policy and parameter values."""
    colors = policy_colors(policies)
    d = replication_scope(s)
    wide = (
        d[d["figure"].isin(["fill_rate", "cost_per_unit"])]
        .pivot_table(index=["point", "policy"], columns="figure", values="mean")
        .reset_index()
    )
    if not {"fill_rate", "cost_per_unit"} <= set(wide.columns):
        wide = pd.DataFrame(columns=["point", "policy", "fill_rate", "cost_per_unit"])
    wide = wide.dropna(subset=["fill_rate", "cost_per_unit"])
    params = [p for p in (parameters or []) if p in d.columns]
    values = d.drop_duplicates("point").set_index("point")[params] if params else None
    with plot_style():
        fig = new_figure(9, 5.5)
        ax = fig.add_subplot()
        for p in policies:
            g = wide[wide["policy"] == p]
            ax.scatter(
                g["cost_per_unit"],
                g["fill_rate"],
                color=colors[p],
                label=mpl_text(p),
                alpha=0.75,
                s=28,
                zorder=3,
            )
        if not wide.empty:
            front = wide[pareto_front(wide)].sort_values(["cost_per_unit", "fill_rate"])
            ax.plot(
                front["cost_per_unit"],
                front["fill_rate"],
                color="black",
                lw=1.4,
                marker="o",
                mfc="none",
                ms=9,
                mew=1.2,
                zorder=4,
                label="Pareto front",
                gid="pareto-front",
            )
            for r in front.itertuples(index=False):
                text = mpl_text(r.policy)
                if values is not None and r.point in values.index:
                    text += "\n" + ", ".join(
                        f"{parameter_label(k).rsplit('.', 1)[-1]}={_value(v)}"
                        for k, v in values.loc[r.point].items()
                    )
                ax.annotate(
                    text,
                    (r.cost_per_unit, r.fill_rate),
                    xytext=(6, -4),
                    textcoords="offset points",
                    fontsize=7,
                    va="top",
                    color="0.15",
                    zorder=5,
                )
        ax.set_xlabel("cost per unit delivered (currency/unit)")
        ax.set_ylabel("fill rate")
        ax.set_title("Cost against resilience across the sweep (Pareto front: not beaten on both)")
        ax.grid(alpha=0.3)
        _legend_outside(ax)
    return fig
