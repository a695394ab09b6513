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


def parameter_label(path: str) -> str:
    """A short axis label for a parameter path (its last two segments)."""
    return mpl_text(".".join(path.split(".")[-2:]))


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


def plot_sweep(result: SweepResult, out: Path) -> list[Path]:
    """Draw every sweep plot that fits the design into ``out/plots``; return the files."""
    folder = Path(out) / "plots"
    s = result.summary
    params = axes_of(s, [p for p in result.parameters if p in s.columns and s[p].nunique() > 1])
    written: list[Path] = []
    if len(params) >= 1:
        fig = line_over_parameter(s, params[0], result.policies)
        written += save_figure(fig, folder, "sweep_line")
    if len(params) == 2 and all(_numeric(s[p]) for p in params):
        fig = heatmaps(s, params[0], params[1], result.policies)
        written += save_figure(fig, folder, "sweep_heatmap")
        fig = best_policy_map(s, params[0], params[1], result.policies)
        written += save_figure(fig, folder, "sweep_best_policy")
    fig = pareto(s, result.policies)
    written += save_figure(fig, folder, "sweep_pareto")
    return written


def _legend_outside(ax, **kw) -> None:
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), **kw)


def line_over_parameter(
    s: pd.DataFrame, param: str, policies: list[str], figure: str = HEADLINE
) -> Figure:
    """Headline figure against one parameter: mean line and 95% CI band per policy.

    With other parameters also varying, their values are averaged (the mean of point means)."""
    colors = policy_colors(policies)
    with plot_style():
        fig = new_figure(8, 4.5)
        ax = fig.add_subplot()
        d = s[s["figure"] == figure]
        for p in policies:
            g = d[d["policy"] == p].groupby(param, sort=True)[["mean", "ci_low", "ci_high"]].mean()
            if g.empty:
                continue
            x = g.index.to_numpy()
            xs = x if _numeric(g.index.to_series()) else np.arange(len(x))
            ax.plot(xs, g["mean"], marker="o", color=colors[p], label=mpl_text(p))
            ax.fill_between(xs, g["ci_low"], g["ci_high"], color=colors[p], alpha=0.2)
            if not _numeric(g.index.to_series()):
                ax.set_xticks(xs, [mpl_text(v) for v in x])
        ax.set_xlabel(parameter_label(param))
        ax.set_ylabel(f"{figure.replace('_', ' ')} (mean, 95% CI)")
        ax.set_title(f"{figure.replace('_', ' ').capitalize()} across {parameter_label(param)}")
        ax.grid(alpha=0.3)
        _legend_outside(ax, title="policy")
    return fig


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


def pareto(s: pd.DataFrame, policies: list[str]) -> Figure:
    """Cost per unit against fill rate for every point × policy; the Pareto front marked."""
    colors = policy_colors(policies)
    wide = (
        s[s["figure"].isin(["fill_rate", "cost_per_unit"])]
        .pivot_table(index=["point", "policy"], columns="figure", values="mean")
        .reset_index()
    )
    wide = wide.dropna(subset=["fill_rate", "cost_per_unit"])
    with plot_style():
        fig = new_figure(8, 5)
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
            )
        if not wide.empty:
            front = wide[pareto_front(wide)].sort_values("cost_per_unit")
            ax.plot(
                front["cost_per_unit"],
                front["fill_rate"],
                color="black",
                lw=1.2,
                drawstyle="steps-post",
                label="Pareto front",
            )
            ax.scatter(
                front["cost_per_unit"],
                front["fill_rate"],
                facecolors="none",
                edgecolors="black",
                s=80,
                lw=1.2,
            )
        ax.set_xlabel("cost per unit delivered (currency/unit)")
        ax.set_ylabel("fill rate")
        ax.set_title("Cost against resilience across the sweep")
        ax.grid(alpha=0.3)
        _legend_outside(ax)
    return fig
