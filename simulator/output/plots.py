"""The result plots: service, inventory and backlog over time, policy comparison, paired
differences, cost against resilience and the distribution of performance loss.

Each function takes a :class:`~.loading.ResultsData` and returns a ``matplotlib.figure.Figure``
(built without pyplot, so no global state), which tests can inspect: every mean line of a policy
carries that policy's name as its ``gid``. Colours come from ``data.colors`` (one per policy, the
same in every plot). Strings from the scenario or the tables pass through :func:`mpl_text` so a
``$`` in a name is shown as a dollar, never parsed as mathtext.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..analysis.pareto import non_dominated
from .style import WIDTH, mpl_text, new_figure, plot_style, policy_colors
from .time_axis import day_axis

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .loading import ResultsData

DISRUPTION_COLOR = "#d9534f"
WARMUP_COLOR = "0.88"
RANDOM_EPISODE_COLOR = "0.35"


def placeholder(title: str, message: str, width: float = WIDTH, height: float = 2.2) -> Figure:
    """A small figure that says why a plot is empty (e.g. a run with one policy)."""
    with plot_style():
        fig = new_figure(width, height)
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.set_title(mpl_text(title), loc="left")
        ax.text(
            0.5,
            0.5,
            mpl_text(message),
            ha="center",
            va="center",
            fontsize=11,
            color="0.3",
            transform=ax.transAxes,
        )
    return fig


def footnote(fig: Figure, text: str) -> None:
    """A small note under the plot that the layout makes room for (never over tick labels)."""
    import textwrap

    width = int(fig.get_figwidth() * 15.5)
    fig.supxlabel(
        "\n".join(textwrap.wrap(text, width)), x=0.01, ha="left", fontsize=7.5, color="0.35"
    )


_LABEL_SPOTS = (  # offset (points) and alignment of a label around its point, in preference order
    (6, 4, "left", "bottom"),
    (6, -4, "left", "top"),
    (-6, 4, "right", "bottom"),
    (-6, -4, "right", "top"),
    (0, 8, "center", "bottom"),
    (0, -8, "center", "top"),
    (9, 0, "left", "center"),
    (-9, 0, "right", "center"),
    (0, 18, "center", "bottom"),
    (0, -18, "center", "top"),
    (16, 12, "left", "bottom"),
    (-16, -12, "right", "top"),
)


def _overlap(a, b) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def place_labels(
    fig: Figure,
    groups: list[tuple[Axes, list[tuple[float, float, str, dict]]]],
    point_radius: float = 5.0,
) -> list:
    """Annotate points: for each axes, items (x, y, text, text kwargs). Each label goes to the
    first spot around its point that overlaps no label placed before, no other point and stays
    inside the axes (else the least bad spot). Call last: it finalises the layout first."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.transforms import Bbox

    if not any(items for _, items in groups):
        return []
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    renderer = canvas.get_renderer()
    out = []
    for ax, items in groups:
        if not items:
            continue
        frame = ax.get_window_extent(renderer)
        xy = ax.transData.transform([(x, y) for x, y, _, _ in items])
        r = point_radius * fig.dpi / 72
        points = [Bbox.from_extents(px - r, py - r, px + r, py + r) for px, py in xy]
        placed = []
        for i, (x, y, text, kw) in enumerate(items):
            best = None
            for dx, dy, ha, va in _LABEL_SPOTS:
                t = ax.annotate(
                    text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va, **kw
                )
                t.set_in_layout(False)
                bb = t.get_window_extent(renderer)
                cost = (
                    sum(_overlap(bb, b) for b in placed)
                    + 0.5 * sum(_overlap(bb, b) for j, b in enumerate(points) if j != i)
                    + 3.0 * (bb.width * bb.height - _overlap(bb, frame))
                )
                if best is None or cost < best[0]:
                    if best is not None:
                        best[1].remove()
                    best = (cost, t, bb)
                else:
                    t.remove()
                if cost == 0:
                    break
            placed.append(best[2])
            out.append(best[1])
    return out


def _suptitle(fig: Figure, data: ResultsData, what: str) -> None:
    n = data.n_replications
    reps = f", {n} replications" if n else ""
    fig.suptitle(
        f"{what} — {mpl_text(data.name)}{reps}", x=0.01, ha="left", fontsize=12, fontweight="bold"
    )


def _percent(v: float) -> float:
    return 100.0 * v


# --------------------------------------------------------------------------- time series


def _random_episodes(data: ResultsData) -> list[tuple[float, float]]:
    """Unique (start, end) of random (not scheduled) episodes of replication 0."""
    ep = data.episodes
    if ep.empty or not {"replication", "disruption", "start", "end"} <= set(ep.columns):
        return []
    scheduled = {d.id for d in data.scheduled}
    e = ep[(ep["replication"] == 0) & ~ep["disruption"].isin(scheduled)]
    spans = e[["start", "end"]].dropna().drop_duplicates().sort_values("start")
    return [(float(a), float(b)) for a, b in spans.itertuples(index=False)]


def _shade_time(ax: Axes, data: ResultsData, horizon: float) -> None:
    """Warm-up, scheduled disruptions (shaded) and random episodes (ticks along the bottom)."""
    if data.warmup_days > 0:
        ax.axvspan(
            0,
            data.warmup_days,
            facecolor="white",
            edgecolor=WARMUP_COLOR,
            hatch="////",
            lw=0,
            zorder=0,
            label="warm-up (not measured)",
        )
    for i, d in enumerate(data.scheduled):
        ax.axvspan(
            d.start,
            max(d.end, d.start + horizon / 400),
            color=DISRUPTION_COLOR,
            alpha=0.16,
            lw=0,
            zorder=0,
            label="scheduled disruption" if i == 0 else "_nolegend_",
        )
    for i, (a, b) in enumerate(_random_episodes(data)):
        ax.axvspan(
            a,
            max(b, a + horizon / 400),
            ymin=0,
            ymax=0.045,
            color=RANDOM_EPISODE_COLOR,
            alpha=0.7,
            lw=0,
            zorder=3,
            label="random disruption (replication 0)" if i == 0 else "_nolegend_",
        )


def _label_disruptions(ax: Axes, data: ResultsData) -> None:
    """Name each scheduled disruption on a top axis over its shaded span."""
    sched = data.scheduled
    if not sched:
        return
    top = ax.secondary_xaxis("top")
    top.set_xticks([(d.start + d.end) / 2 for d in sched], labels=[mpl_text(d.id) for d in sched])
    top.tick_params(axis="x", length=0, labelsize=8.5, labelcolor="#a02b27", pad=2)
    top.spines["top"].set_visible(False)


def _time_legend(fig: Figure, axes: list[Axes], extra=()) -> None:
    handles, labels = {}, []
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in handles:
                handles[lab] = h
                labels.append(lab)
    for h, lab in extra:
        handles[lab] = h
        labels.append(lab)
    if handles:
        fig.legend(
            [handles[k] for k in labels],
            labels,
            loc="outside lower center",
            ncols=_legend_columns(labels),
            frameon=False,
        )


def _policies_in(data: ResultsData, df: pd.DataFrame) -> list[str]:
    if df.empty or "policy" not in df:
        return []
    present = set(df["policy"])
    return [p for p in data.policies if p in present]


def service_over_time(data: ResultsData) -> Figure:
    """Daily fill rate per policy (one panel each): mean across replications and the 5–95%
    band, scheduled disruptions shaded and named, random ones (replication 0) ticked, and the
    recovery threshold dashed."""
    from matplotlib.patches import Patch

    ts = data.timeseries
    pols = _policies_in(data, ts)
    if not pols or "service_mean" not in ts:
        return placeholder("Service over time", "no time series in this results folder")
    horizon = float(ts["day"].max() + 1)
    thr = data.recovery_threshold
    with plot_style():
        fig = new_figure(WIDTH, max(3.2, 1.0 + 1.55 * len(pols)))
        axes = fig.subplots(len(pols), 1, sharex=True, sharey=True, squeeze=False)[:, 0]
        for ax, p in zip(axes, pols, strict=True):
            g = ts[ts["policy"] == p].sort_values("day")
            c = data.colors[p]
            _shade_time(ax, data, horizon)
            _band_and_mean(
                ax,
                g["day"],
                _percent(g["service_p05"]),
                _percent(g["service_p95"]),
                _percent(g["service_mean"]),
                c,
                lw=1.3,
                gid=p,
                label=mpl_text(p),
            )
            ax.axhline(
                _percent(thr),
                color="0.25",
                ls="--",
                lw=0.9,
                label=f"recovery threshold ({_percent(thr):g}%)",
            )
            ax.set_ylim(-3, 103)
            ax.set_xlim(0, horizon)
            ax.set_yticks([0, 25, 50, 75, 100])
            ax.set_ylabel("fill rate (%)")
            ax.set_title(
                mpl_text(p),
                loc="left",
                color=c,
                fontweight="bold",
                fontsize=10,
                pad=16 if (ax is axes[0] and data.scheduled) else 3,
            )
        _label_disruptions(axes[0], data)
        day_axis(axes[-1], data.scenario, horizon)
        _suptitle(fig, data, "Daily fill rate")
        band = Patch(color="0.5", alpha=0.3, lw=0)
        _time_legend(fig, list(axes), extra=[(band, "5–95% band across replications")])
        _drop_policy_entries(fig, pols)
    return fig


def _drop_policy_entries(fig: Figure, pols: list[str]) -> None:
    """Panels are titled with their policy, so the shared legend keeps only the markings."""
    leg = fig.legends[-1] if fig.legends else None
    if leg is None:
        return
    names = {mpl_text(p) for p in pols}
    keep = [
        (h, t.get_text())
        for h, t in zip(leg.legend_handles, leg.get_texts(), strict=True)
        if t.get_text() not in names
    ]
    leg.remove()
    if keep:
        handles, labels = zip(*keep, strict=True)
        fig.legend(
            handles,
            labels,
            loc="outside lower center",
            ncols=_legend_columns(labels),
            frameon=False,
        )


def _legend_columns(labels, width_chars: int = 150) -> int:
    """As many columns as fit across the figure (legend text ≈ 1 char per 0.07 in)."""
    widest = max((len(str(x)) for x in labels), default=1) + 6
    return max(1, min(len(labels), width_chars // widest))


def inventory_over_time(data: ResultsData) -> Figure:
    """On-hand inventory and backlog per policy (rows) over time: mean and 5–95% band, with the
    same disruption shading as the service plot."""
    from matplotlib.patches import Patch

    ts = data.timeseries
    pols = _policies_in(data, ts)
    if not pols or "on_hand_mean" not in ts:
        return placeholder("Inventory and backlog", "no time series in this results folder")
    horizon = float(ts["day"].max() + 1)
    with plot_style():
        fig = new_figure(WIDTH, max(3.2, 1.0 + 1.55 * len(pols)))
        axes = fig.subplots(len(pols), 2, sharex=True, squeeze=False)
        for series, col in (("on_hand", 0), ("backlog", 1)):
            top = float(np.nanmax(ts[f"{series}_p95"])) if len(ts) else 1.0
            for row, p in enumerate(pols):
                ax = axes[row, col]
                g = ts[ts["policy"] == p].sort_values("day")
                c = data.colors[p]
                _shade_time(ax, data, horizon)
                _band_and_mean(
                    ax,
                    g["day"],
                    g[f"{series}_p05"],
                    g[f"{series}_p95"],
                    g[f"{series}_mean"],
                    c,
                    lw=1.2,
                    gid=f"{series}:{p}",
                    label=mpl_text(p),
                )
                ax.set_xlim(0, horizon)
                ax.set_ylim(0, max(top, 1.0) * 1.05)
                ax.set_title(
                    mpl_text(p),
                    loc="left",
                    color=c,
                    fontweight="bold",
                    fontsize=10,
                    pad=16 if (row == 0 and data.scheduled) else 3,
                )
                ax.yaxis.set_major_formatter(_thousands())
            axes[0, col].annotate(
                "On-hand inventory (units)" if series == "on_hand" else "Backlog (units owed)",
                xy=(0.5, 1.0),
                xycoords="axes fraction",
                xytext=(0, 30 if data.scheduled else 16),
                textcoords="offset points",
                ha="center",
                fontsize=10.5,
                fontweight="bold",
            )
            day_axis(axes[-1, col], data.scenario, horizon)
        for row in range(len(pols)):
            axes[row, 0].set_ylabel("units")
        _label_disruptions(axes[0, 0], data)
        _label_disruptions(axes[0, 1], data)
        _suptitle(fig, data, "Inventory and backlog")
        band = Patch(color="0.5", alpha=0.3, lw=0)
        _time_legend(fig, list(axes.ravel()), extra=[(band, "5–95% band across replications")])
        _drop_policy_entries(fig, pols)
    return fig


def _thousands():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: f"{v:,.0f}")


# --------------------------------------------------------------------------- comparison


def _ci_row(rows: pd.DataFrame, policy: str, figure: str) -> pd.Series | None:
    r = rows[(rows["policy"] == policy) & (rows["figure"] == figure)]
    if r.empty or not np.isfinite(r["mean"].iloc[0]):
        return None
    return r.iloc[0]


def _dot_ci(
    ax: Axes,
    y: float,
    row: pd.Series | None,
    color: str,
    scale: float = 1.0,
    gid: str | None = None,
) -> None:
    if row is None:
        return
    m = row["mean"] * scale
    lo, hi = row["ci_low"] * scale, row["ci_high"] * scale
    finite = np.isfinite(lo) and np.isfinite(hi)
    xerr = [[max(m - lo, 0.0)], [max(hi - m, 0.0)]] if finite else None
    eb = ax.errorbar([m], [y], xerr=xerr, fmt="o", color=color, ms=6, capsize=3.5, lw=1.6)
    eb.lines[0].set_gid(gid)  # the point itself (tests find each policy's points by gid)


def _policy_axis(ax: Axes, pols: list[str], colors: dict[str, str]) -> None:
    ax.set_yticks(range(len(pols)), labels=[mpl_text(p) for p in pols])
    for tick, p in zip(ax.get_yticklabels(), pols, strict=True):
        tick.set_color(colors[p])
        tick.set_fontweight("bold")
    ax.set_ylim(len(pols) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)


def policy_comparison(data: ResultsData) -> Figure:
    """Headline figures per policy with 95% CIs: fill rate, unmet demand and cost per unit (per
    replication), then TTS and TTR per scheduled or random disruption (from the per-disruption
    rows of summary.csv: TTS averages the episodes with a shortage only; the share of episodes
    without one, censored, is written beside each point)."""
    rows = data.summary_rows("replication")
    pols = [p for p in data.policies if p in set(rows["policy"])]
    if not pols:
        return placeholder("Policy comparison", "no per-replication summary rows")
    cur = mpl_text(data.currency)
    top_panels = [
        ("fill_rate", "Fill rate (%)", 100.0),
        ("unmet_demand", "Unmet demand (units per replication)", 1.0),
        ("cost_per_unit", f"Cost per unit delivered ({cur}/unit)".replace(" (/unit)", ""), 1.0),
    ]
    scopes = disruption_order(data, disruption_scopes(data.summary))
    with plot_style():
        n_bottom = max(len(scopes) * len(pols), 1)
        fig = new_figure(WIDTH, 2.3 + 0.32 * len(pols) + (0.8 + 0.22 * n_bottom if scopes else 0))
        if scopes:
            gs = fig.add_gridspec(
                2, 6, height_ratios=[0.6 + 0.32 * len(pols), 0.6 + 0.22 * n_bottom]
            )
        else:
            gs = fig.add_gridspec(1, 6)
        for i, (figure, title, scale) in enumerate(top_panels):
            ax = fig.add_subplot(gs[0, 2 * i : 2 * i + 2])
            for y, p in enumerate(pols):
                _dot_ci(ax, y, _ci_row(rows, p, figure), data.colors[p], scale, gid=p)
            _policy_axis(ax, pols, data.colors)
            if i:
                ax.tick_params(axis="y", labelleft=False)
            ax.set_title(_wrapped(title, 34), loc="left")
            ax.margins(x=0.15)
            ax.xaxis.set_major_formatter(_smart_formatter())
        if scopes:
            for j, (figure, title) in enumerate(
                (("tts_days", "Time to survive (days)"), ("ttr_days", "Time to recover (days)"))
            ):
                ax = fig.add_subplot(gs[1, 3 * j : 3 * j + 3])
                _episode_panel(ax, data, scopes, pols, figure)
                ax.set_title(title, loc="left")
                if j:
                    ax.tick_params(axis="y", labelleft=False)
        _suptitle(fig, data, "Policy comparison (mean, 95% CI)")
        footnote(
            fig,
            "TTS / TTR: per disruption, given a shortage: Kaplan–Meier median with its interval "
            "(no dot: the median is not reached), over every scored episode × site of every "
            "replication. 'k/N short': episodes that caused a shortage; 'k/N not recovered': of "
            "those, TTR censored (no lasting recovery seen before the next episode or the "
            "horizon).",
        )
        _policy_legend(fig, data, pols)
    return fig


def _band_and_mean(ax, day, low, high, mean, color, *, lw: float, gid: str, label: str) -> None:
    """A 5–95% band across replications and the mean line over it, both day-stepped."""
    ax.fill_between(day, low, high, color=color, alpha=0.22, lw=0, step="mid")
    ax.plot(day, mean, color=color, lw=lw, gid=gid, label=label, drawstyle="steps-mid")


def disruption_scopes(summary) -> list[str]:
    """Summary scopes that are disruptions (not 'replication', not 'site:<id>')."""
    return [
        x
        for x in dict.fromkeys(summary["scope"])
        if x != "replication" and not str(x).startswith("site:")
    ]


def disruption_order(data: ResultsData, ids: list[str]) -> list[str]:
    """Scheduled disruptions in start order, then the others in order of appearance."""
    order = {d.id: i for i, d in enumerate(data.scheduled)}
    first = {s: i for i, s in enumerate(ids)}
    return sorted(ids, key=lambda s: (order.get(s, len(order)), first[s]))


def _policy_legend(
    fig: Figure, data: ResultsData, pols: list[str], loc: str = "outside right", extra=()
) -> None:
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=data.colors[p], marker="o", lw=1.6) for p in pols]
    labels = [mpl_text(p) + (" (baseline)" if p == data.baseline else "") for p in pols]
    for h, lab in extra:
        handles.append(h)
        labels.append(lab)
    fig.legend(handles, labels, loc=loc, frameon=False, title="policy")


def _smart_formatter():
    from matplotlib.ticker import FuncFormatter

    def fmt(v, _pos):
        a = abs(v)
        if a >= 1000:
            return f"{v:,.0f}"
        if a >= 10 or v == 0:
            return f"{v:.0f}" if float(v).is_integer() else f"{v:.1f}"
        return f"{v:.3g}"

    return FuncFormatter(fmt)


def _episode_panel(
    ax: Axes, data: ResultsData, scopes: list[str], pols: list[str], figure: str
) -> None:
    """Rows grouped by disruption, one row per policy: the Kaplan–Meier median given a shortage
    (``<figure>_median``) with its interval; at the right edge how many scored episodes caused
    a shortage and how many of those stayed censored."""
    s = data.summary
    step = len(pols) + 0.8
    centres, texts = [], []
    for gi, scope in enumerate(scopes):
        base = gi * step
        centres.append(base + (len(pols) - 1) / 2)
        rows = s[s["scope"] == scope]
        for k, p in enumerate(pols):
            y = base + k
            row = _ci_row(rows, p, f"{figure}_median")
            _dot_ci(ax, y, row, data.colors[p], gid=f"{scope}:{p}")
            scored = _ci_row(rows, p, "p_shortage")
            if scored is None or not scored["n"] > 0:
                continue
            total = int(scored["n"])
            short = round(scored["mean"] * total)
            cens = (
                int(row["censored"])
                if row is not None and row["censored"] == row["censored"]
                else 0
            )
            if figure == "tts_days":
                texts.append((y, f"{short}/{total} short"))
            else:
                texts.append((y, f"{cens}/{short} not recovered" if cens else f"n={short}"))
        if gi:
            ax.axhline(base - 0.9, color="0.8", lw=0.8)
    ax.set_yticks(centres, labels=[mpl_text(sc) for sc in scopes])
    ax.set_ylim(len(scopes) * step - 0.8 - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    ax.margins(x=0.05)
    for y, t in texts:
        ax.annotate(
            t,
            xy=(1.0, y),
            xycoords=("axes fraction", "data"),
            xytext=(-2, 0),
            textcoords="offset points",
            ha="right",
            va="center",
            fontsize=7,
            color="0.4",
        )
    hi = max(ax.get_xlim()[1], 1.0)
    ax.set_xlim(-0.03 * hi, hi * 1.35)


# --------------------------------------------------------------------------- paired differences

PAIRED_PANELS = (  # figure, title, scale, which way is better
    ("fill_rate", "Δ fill rate (percentage points)", 100.0, "better →"),
    ("cycle_service_level", "Δ cycle service level (pp)", 100.0, "better →"),
    ("unmet_demand", "Δ unmet demand (units)", 1.0, "← better"),
    ("cost_per_unit", "Δ cost per unit ({cur}/unit)", 1.0, "← cheaper"),
    ("worst_performance_loss", "Δ worst performance loss (demand-days)", 1.0, "← better"),
    ("hhi_supplier", "Δ supplier concentration (HHI, 0–1)", 1.0, "← more diverse"),
)


def paired_differences(data: ResultsData) -> Figure:
    """Forest plot: policy − baseline per headline figure, paired on the replication (common
    random numbers), with 95% CIs; the dashed line marks no difference."""
    pr = data.paired
    if pr.empty or "figure" not in pr:
        return placeholder(
            "Paired differences vs the baseline",
            "only one policy: nothing to compare with the baseline",
        )
    pols = [p for p in data.policies if p in set(pr["policy"])]
    panels = [p for p in PAIRED_PANELS if p[0] in set(pr["figure"])]
    ncols = 3
    nrows = math.ceil(len(panels) / ncols)
    cur = mpl_text(data.currency)
    with plot_style():
        fig = new_figure(WIDTH, 0.9 + nrows * (0.9 + 0.32 * len(pols)))
        axes = fig.subplots(nrows, ncols, squeeze=False)
        for ax in axes.ravel()[len(panels) :]:
            ax.set_axis_off()
        for ax, (figure, title, scale, better) in zip(axes.ravel(), panels, strict=False):
            rows = pr[pr["figure"] == figure]
            for y, p in enumerate(pols):
                _dot_ci(ax, y, _ci_row(rows, p, figure), data.colors[p], scale, gid=p)
            ax.axvline(0, color="0.3", ls="--", lw=0.9, zorder=1)
            _policy_axis(ax, pols, data.colors)
            ax.set_title(
                _wrapped(title.format(cur=cur).replace(" (/unit)", ""), 30),
                loc="left",
                fontsize=9.5,
            )
            ax.set_xlabel(
                better,
                loc="right" if better.endswith("→") else "left",
                fontsize=8,
                color="0.45",
                labelpad=1,
            )
            ax.margins(x=0.2)
            ax.xaxis.set_major_formatter(_smart_formatter())
            lo, hi = ax.get_xlim()
            span = max(abs(lo), abs(hi))
            if span == 0:
                ax.set_xlim(-1, 1)
        base = mpl_text(data.baseline or "baseline")
        _suptitle(fig, data, f"Paired differences vs '{base}' (mean, 95% CI)")
    return fig


# --------------------------------------------------------------------------- cost vs resilience


def _decision_points(data: ResultsData, figure: str) -> dict[str, tuple[dict, dict]]:
    """(cost row, fill row) per policy and stock-only alternative: from the decision table when
    the folder has one, else from the summary."""
    out = {}
    if not data.decision.empty and figure in data.decision:
        for _, r in data.decision.iterrows():
            c = {"mean": r[figure], "ci_low": r[f"{figure}_low"], "ci_high": r[f"{figure}_high"]}
            f = {
                "mean": r["fill_rate"],
                "ci_low": r["fill_rate_low"],
                "ci_high": r["fill_rate_high"],
            }
            if np.isfinite(c["mean"]) and np.isfinite(f["mean"]):
                out[str(r["policy"])] = (c, f)
        return out
    rows = data.summary_rows("replication")
    for p in data.policies:
        c, f = _ci_row(rows, p, figure), _ci_row(rows, p, "fill_rate")
        if c is not None and f is not None:
            out[p] = (c, f)
    return out


def _merge_coincident(pts: dict[str, tuple[float, float]], tol: float) -> dict[str, list[str]]:
    """Groups of names whose points coincide (within ``tol`` of the axes' spans): one label each,
    so identical results never print on top of each other."""
    groups: dict[str, list[str]] = {}
    for p, (x, y) in pts.items():
        for head in groups:
            hx, hy = pts[head]
            if abs(hx - x) <= tol[0] and abs(hy - y) <= tol[1]:
                groups[head].append(p)
                break
        else:
            groups[p] = [p]
    return groups


def cost_vs_resilience(data: ResultsData) -> Figure:
    """The decision's cost (landed cost or total cost per unit, as the scenario's decision rule
    says) on x against fill rate on y, 95% CI whiskers both ways; non-dominated points ringed
    and joined by the dashed frontier; the recommendation starred; stock-only alternatives in
    grey. Points that coincide share one label."""
    from matplotlib.lines import Line2D

    rule = data.manifest.get("recommendation") or {}
    figure = rule.get("objective") or "cost_per_unit"
    recommended = rule.get("policy")
    found = _decision_points(data, figure)
    if not found:
        return placeholder("Cost against resilience", "no cost per unit or fill rate")
    pts = {p: (float(c["mean"]), 100 * float(f["mean"])) for p, (c, f) in found.items()}
    color = {p: data.colors.get(p, "0.45") for p in pts}
    front = non_dominated(pts)
    with plot_style():
        fig = new_figure(8.8, 5.2)
        ax = fig.add_subplot()
        for p, (x, y) in pts.items():
            c, f = found[p]
            xerr = [[x - c["ci_low"]], [c["ci_high"] - x]] if np.isfinite(c["ci_low"]) else None
            yerr = (
                [[y - 100 * f["ci_low"]], [100 * f["ci_high"] - y]]
                if np.isfinite(f["ci_low"])
                else None
            )
            eb = ax.errorbar(
                [x],
                [y],
                xerr=xerr,
                yerr=yerr,
                fmt="s" if p not in data.policies else "o",
                color=color[p],
                ms=7,
                capsize=3,
                lw=1.4,
                zorder=3,
            )
            eb.lines[0].set_gid(p)
        fx = sorted(pts[p] for p in front)
        if len(fx) > 1:
            ax.plot(*zip(*fx, strict=True), color="0.35", ls="--", lw=1, zorder=2, gid="frontier")
        ax.scatter(
            [pts[p][0] for p in front],
            [pts[p][1] for p in front],
            s=240,
            facecolors="none",
            edgecolors="0.15",
            lw=1.3,
            zorder=2,
            gid="non-dominated",
        )
        extra = []
        if recommended in pts:
            ax.scatter(
                [pts[recommended][0]],
                [pts[recommended][1]],
                marker="*",
                s=420,
                color="#f2b600",
                edgecolors="0.1",
                lw=0.8,
                zorder=5,
                gid="recommended",
            )
            star = Line2D([], [], marker="*", ms=14, mfc="#f2b600", mec="0.1", ls="none")
            extra.append((star, "recommended"))
        ax.margins(0.18)
        cur = mpl_text(data.currency)
        what = "landed cost" if figure == "landed_cost_per_unit" else "cost"
        ax.set_xlabel(f"{what} per unit delivered ({cur}/unit)".replace(" (/unit)", ""))
        ax.set_ylabel("fill rate (%)")
        ax.xaxis.set_major_formatter(_smart_formatter())
        ax.set_title("better: up and to the left", loc="right", fontsize=8.5, color="0.4")
        _suptitle(fig, data, "Cost against resilience (mean, 95% CI)")
        ring = Line2D([], [], marker="o", ms=13, mfc="none", mec="0.15", ls="--", color="0.35")
        legend_pols = [p for p in pts if p in data.policies]
        _policy_legend(fig, data, legend_pols, extra=[(ring, "non-dominated\n(frontier)"), *extra])
        xs = [x for x, _ in pts.values()]
        ys = [y for _, y in pts.values()]
        tol = (0.01 * (max(xs) - min(xs) or 1.0), 0.01 * (max(ys) - min(ys) or 1.0))
        groups = _merge_coincident(pts, tol)
        place_labels(
            fig,
            [
                (
                    ax,
                    [
                        (
                            pts[head][0],
                            pts[head][1],
                            mpl_text(", ".join(names)),
                            {
                                "color": color[head] if len(names) == 1 else "0.2",
                                "fontsize": 9,
                                "fontweight": "bold",
                                "zorder": 4,
                            },
                        )
                        for head, names in groups.items()
                    ],
                )
            ],
            point_radius=9,
        )
    return fig


def _wrapped(title: str, width: int) -> str:
    """A panel title broken into lines of at most ``width`` characters (never cut off)."""
    import textwrap

    return "\n".join(textwrap.wrap(title, width)) or title


def _nice_floor(x: float) -> float:
    """The largest round number (1, 2 or 5 × a power of ten, times an integer) at or below x."""
    if x <= 0:
        return 0.0
    step = 10 ** math.floor(math.log10(x) - 1)
    return math.floor(x / step) * step


def cost_breakdown(data: ResultsData) -> Figure:
    """Cost per unit delivered of each policy (and stock-only alternative), stacked by part:
    purchase and freight of the units delivered, then ordering, pipeline, holding, shortage
    penalty and reservation per unit; the total written at the end of each bar."""
    from ..analysis.metrics import PER_UNIT_PARTS

    d = data.decision
    parts = [p for p in PER_UNIT_PARTS if f"cost_per_unit_{p}" in d] if not d.empty else []
    if not parts:
        return placeholder("Cost breakdown", "no decision table in this results folder")
    d = d[np.isfinite(d["cost_per_unit"].to_numpy(float))]
    names = [str(p) for p in d["policy"]]
    shades = ("#4c6a8a", "#7f9bb5", "#b9c9d6", "#d9a441", "#9bbf85", "#c0504d", "#8e7cc3")
    with plot_style():
        fig = new_figure(WIDTH, 1.6 + 0.42 * len(names))
        ax = fig.add_subplot()
        left = np.zeros(len(names))
        for k, part in enumerate(parts):
            vals = d[f"cost_per_unit_{part}"].to_numpy(float)
            vals = np.where(np.isfinite(vals), vals, 0.0)
            ax.barh(names, vals, left=left, color=shades[k % len(shades)], label=part, gid=part)
            left += vals
        for y, total in enumerate(d["cost_per_unit"].to_numpy(float)):
            ax.text(total, y, f"  {total:,.2f}", va="center", fontsize=8.5)
        ax.invert_yaxis()
        ax.set_yticks(range(len(names)), [mpl_text(n) for n in names])
        cur = mpl_text(data.currency)
        label = f"cost per unit delivered ({cur}/unit)".replace(" (/unit)", "")
        ax.margins(x=0.12)
        # The purchase price dwarfs the other parts: start the axis just below the smallest
        # purchase part so the parts that differ can be seen, and say so on the axis.
        first = d[f"cost_per_unit_{parts[0]}"].to_numpy(float)
        first = first[np.isfinite(first)]
        if len(first) and first.min() > 0.5 * float(left.max()):
            floor = _nice_floor(0.95 * float(first.min()))
            ax.set_xlim(left=floor)
            label += f" — axis starts at {floor:,.0f}"
        ax.set_xlabel(label)
        _suptitle(fig, data, "Cost per unit, by part")
        fig.legend(loc="outside right", frameon=False, title="part")
    return fig


# --------------------------------------------------------------------------- performance loss


def performance_loss(data: ResultsData) -> Figure:
    """Distribution of performance loss (demand-days) per episode × site, grouped by disruption,
    one box per policy (median, quartiles, whiskers at 1.5 IQR), the mean as a white diamond and
    the episodes themselves as faint points (at most 300 per box)."""
    ep = data.episodes
    if ep.empty or "performance_loss" not in ep:
        return placeholder("Performance loss per episode", "no disruption episodes in this run")
    pols = _policies_in(data, ep)
    scopes = disruption_order(data, list(dict.fromkeys(ep["disruption"])))
    rng = np.random.default_rng(0)  # jitter only; fixed so images are reproducible
    width = 0.8 / max(len(pols), 1)
    with plot_style():
        fig = new_figure(WIDTH if len(scopes) > 2 else 8.8, 4.6)
        ax = fig.add_subplot()
        for gi, scope in enumerate(scopes):
            g = ep[ep["disruption"] == scope]
            for k, p in enumerate(pols):
                v = g.loc[g["policy"] == p, "performance_loss"].dropna().to_numpy(float)
                if v.size == 0:
                    continue
                x = gi - 0.4 + width * (k + 0.5)
                c = data.colors[p]
                bp = ax.boxplot(
                    [v],
                    positions=[x],
                    widths=width * 0.8,
                    patch_artist=True,
                    showfliers=False,
                    manage_ticks=False,
                )
                for b in bp["boxes"]:
                    b.set(facecolor=c, alpha=0.35, edgecolor=c, gid=f"{scope}:{p}")
                for part in ("whiskers", "caps", "medians"):
                    for line in bp[part]:
                        line.set(color=c, lw=1.2)
                shown = v if v.size <= 300 else rng.choice(v, 300, replace=False)
                ax.scatter(
                    x + rng.uniform(-0.3, 0.3, shown.size) * width,
                    shown,
                    s=9,
                    color=c,
                    alpha=0.45,
                    lw=0,
                    zorder=3,
                )
                ax.scatter([x], [v.mean()], marker="D", s=22, color="white", edgecolors=c, zorder=4)
        ax.set_xticks(range(len(scopes)), labels=[mpl_text(s) for s in scopes])
        ax.set_xlim(-0.6, len(scopes) - 0.4)
        ax.grid(axis="x", visible=False)
        ax.set_ylabel("performance loss (demand-days)")
        top = ax.get_ylim()[1]
        ax.set_ylim(-0.02 * top, top)
        _suptitle(fig, data, "Performance loss per episode")
        from matplotlib.lines import Line2D

        mean = Line2D([], [], marker="D", ls="", mfc="white", mec="0.2", ms=5)
        _policy_legend(fig, data, pols, extra=[(mean, "mean")])
        footnote(
            fig,
            "One point per episode × site × replication; box = quartiles, whiskers = "
            "1.5 IQR. Loss = Σ (1 − daily fill rate) from the start of the disruption to "
            "recovery.",
        )
    return fig


# --------------------------------------------------------------------------- compare runs


def compare_runs(table: pd.DataFrame, figures: list[str]) -> Figure:
    """Headline figures of several results folders side by side: one panel per figure, one
    row per policy, one coloured point (mean, 95% CI) per run.

    ``table`` has columns run, policy, figure, mean, ci_low, ci_high (as comparison.csv).
    """
    from matplotlib.lines import Line2D

    runs = list(dict.fromkeys(table["run"]))
    pols = list(dict.fromkeys(table["policy"]))
    figures = [f for f in figures if f in set(table["figure"])]
    if not figures:
        return placeholder("Comparison of runs", "no common figures to compare")
    colors = policy_colors(runs)  # one colour per run, from the same palette
    ncols = min(3, len(figures))
    nrows = math.ceil(len(figures) / ncols)
    step = 0.7 / max(len(runs), 1)
    with plot_style():
        fig = new_figure(WIDTH, 0.9 + nrows * (0.9 + 0.3 * len(pols) * max(1, len(runs) / 2)))
        axes = fig.subplots(nrows, ncols, squeeze=False)
        for ax in axes.ravel()[len(figures) :]:
            ax.set_axis_off()
        for ax, figure in zip(axes.ravel(), figures, strict=False):
            scale = 100.0 if figure in PERCENT_FIGURES else 1.0
            rows = table[table["figure"] == figure]
            for y, p in enumerate(pols):
                for k, r in enumerate(runs):
                    row = rows[(rows["policy"] == p) & (rows["run"] == r)]
                    if row.empty:
                        continue
                    yy = y - 0.35 + step * (k + 0.5)
                    _dot_ci(ax, yy, row.iloc[0], colors[r], scale, gid=f"{r}:{p}")
            ax.set_yticks(range(len(pols)), labels=[mpl_text(p) for p in pols])
            ax.set_ylim(len(pols) - 0.5, -0.5)
            ax.grid(axis="y", visible=False)
            ax.set_title(FIGURE_LABELS.get(figure, figure), loc="left", fontsize=9.5)
            ax.margins(x=0.15)
            ax.xaxis.set_major_formatter(_smart_formatter())
        fig.suptitle(
            "Comparison of runs (mean, 95% CI)", x=0.01, ha="left", fontsize=12, fontweight="bold"
        )
        handles = [Line2D([], [], color=colors[r], marker="o", lw=1.6) for r in runs]
        spare = axes.ravel()[len(figures) :]
        if len(spare):  # an empty panel holds the legend
            spare[0].legend(
                handles,
                [mpl_text(r) for r in runs],
                loc="center",
                frameon=False,
                title="run (results folder)",
            )
        else:
            fig.legend(
                handles,
                [mpl_text(r) for r in runs],
                loc="outside right",
                frameon=False,
                title="run",
            )
    return fig


PERCENT_FIGURES = frozenset({"fill_rate", "cycle_service_level", "stockout_any"})
FIGURE_LABELS = {
    "fill_rate": "Fill rate (%)",
    "cycle_service_level": "Cycle service level (%)",
    "unmet_demand": "Unmet demand (units)",
    "lost_sales": "Lost sales (units)",
    "backorders": "Backorders (time-average units)",
    "on_hand_avg": "On hand (time-average units)",
    "stockout_any": "Replications with a stock-out (%)",
    "cost_per_unit": "Cost per unit (currency/unit)",
    "cost_total": "Total cost (currency)",
    "hhi_supplier": "Supplier concentration (HHI)",
    "hhi_country": "Country concentration (HHI)",
    "hhi_chokepoint": "Chokepoint concentration (HHI)",
    "effective_sources": "Effective sources (1/HHI)",
    "worst_performance_loss": "Worst performance loss (demand-days)",
}
