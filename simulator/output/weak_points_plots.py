"""Plots of the weak-point commands: the stress-test ranking, TTS against TTR and the heat table
elements × policies (``diversim stress``), the worst-case search (``diversim worst-case``) and
the sensitivity bars (``diversim sensitivity``).

Drawn like the run plots (:mod:`.style`: the same policy colours, resolution and settings) on
``matplotlib.figure.Figure``; every function takes a table and returns a figure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .style import WIDTH, mpl_text, new_figure, plot_style, policy_colors

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Elements shown in a ranking and rows of a heat table.
TOP = 15
#: The colour that marks an element at risk (TTS < TTR).
RISK = "#D55E00"


def _duration_colors(durations: list[float]) -> dict[float, str]:
    shades = ("#56B4E9", "#0072B2", "#003f63", "#7f7f7f")
    return {d: shades[i % len(shades)] for i, d in enumerate(sorted(durations))}


def stress_ranking(table: pd.DataFrame, policy: str, currency: str, top: int = TOP) -> Figure:
    """The ``top`` elements of one policy by lost value (the largest over the durations), one bar
    per duration with its 95% interval; an element at risk (TTS < TTR) is outlined and starred."""
    t = table[table["policy"] == policy]
    durations = sorted(t["duration_days"].unique())
    worst = t.groupby("element")["lost_value"].max().sort_values(ascending=False, kind="stable")
    names = list(worst.index[:top])
    colors = _duration_colors(durations)
    with plot_style():
        fig = new_figure(WIDTH * 0.8, 1.6 + 0.32 * len(names) * max(1, len(durations)) ** 0.5)
        ax = fig.add_subplot()
        h = 0.8 / max(1, len(durations))
        for k, d in enumerate(durations):
            rows = t[t["duration_days"] == d].set_index("element").reindex(names)
            y = np.arange(len(names)) + (k - (len(durations) - 1) / 2) * h
            v = rows["lost_value"].to_numpy(float)
            lo = np.clip(v - rows["lost_value_low"].to_numpy(float), 0, None)
            hi = np.clip(rows["lost_value_high"].to_numpy(float) - v, 0, None)
            risk = rows["at_risk"].fillna(False).to_numpy(bool)
            ax.barh(
                y,
                v,
                height=h * 0.9,
                color=colors[d],
                edgecolor=[RISK if r else colors[d] for r in risk],
                linewidth=[1.6 if r else 0.0 for r in risk],
                xerr=[np.nan_to_num(lo), np.nan_to_num(hi)],
                error_kw={"ecolor": "0.3", "capsize": 2, "elinewidth": 0.8},
                label=f"{d:g}-day failure",
            )
            for yy, vv, r in zip(y, v, risk, strict=True):
                if r and np.isfinite(vv):
                    ax.annotate(
                        "★",
                        (vv, yy),
                        xytext=(4, -3),
                        textcoords="offset points",
                        color=RISK,
                        fontsize=8,
                    )
        ax.set_yticks(range(len(names)), [mpl_text(n) for n in names])
        ax.invert_yaxis()
        ax.set_xlabel(f"lost value vs no failure ({mpl_text(currency)}, mean and 95% interval)")
        ax.set_title(
            f"{mpl_text(policy)}: the {len(names)} most damaging single failures "
            "(★ runs short before the element recovers: TTS < TTR)",
            loc="left",
        )
        if len(durations) > 1:
            ax.legend(loc="lower right", frameon=False)
        ax.axvline(0, color="0.5", lw=0.6)
    return fig


def tts_vs_ttr(table: pd.DataFrame, policies: list[str]) -> Figure:
    """Each element × policy (the longest failure): its time to recover against the simulated
    time to survive (Kaplan–Meier median). Below the diagonal the network runs short before the
    element is back; ▲ at the top: no shortage in most replications (TTS not reached)."""
    longest = table["duration_days"].max()
    t = table[(table["duration_days"] == longest) & (table["sites"] > 0)]
    colors = policy_colors(policies)
    with plot_style():
        fig = new_figure(WIDTH * 0.7, 5.2)
        ax = fig.add_subplot()
        top = float(np.nanmax([t["ttr_input_days"].max(), t["tts_days"].max(), 1.0])) * 1.15
        ax.plot([0, top], [0, top], color="0.5", lw=0.8, ls="--")
        ax.fill_between([0, top], [0, 0], [0, top], color=RISK, alpha=0.06, lw=0)
        ax.text(top * 0.97, top * 0.04, "at risk: TTS < TTR", ha="right", color=RISK, fontsize=8.5)
        rng = np.random.default_rng(0)  # a fixed jitter, so the plot is reproducible
        for p in policies:
            g = t[t["policy"] == p]
            if g.empty:
                continue
            x = g["ttr_input_days"].to_numpy(float) * (1 + rng.uniform(-0.02, 0.02, len(g)))
            y = g["tts_days"].to_numpy(float)
            seen = np.isfinite(y)
            ax.scatter(x[seen], y[seen], color=colors[p], s=22, label=mpl_text(p), zorder=3)
            ax.scatter(
                x[~seen],
                np.full((~seen).sum(), top * 0.97),
                marker="^",
                facecolor="none",
                edgecolor=colors[p],
                s=26,
                zorder=3,
            )
        # Name the most damaging elements at risk (any policy), in a column at the upper left
        # (the safe side of the diagonal, usually empty), each with a leader to its point.
        risky = t[t["at_risk"]].sort_values("lost_value", ascending=False, kind="stable")
        named = risky.drop_duplicates("element").head(5)
        for k, (_, r) in enumerate(named.iterrows()):
            ax.annotate(
                mpl_text(f"{r['element']} ({r['policy']})"),
                (r["ttr_input_days"], r["tts_days"]),
                xytext=(top * 0.03, top * (0.88 - 0.07 * k)),
                textcoords="data",
                fontsize=7.5,
                color=colors[r["policy"]],
                arrowprops={"arrowstyle": "-", "color": "0.75", "lw": 0.5},
            )
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_xlabel("time to recover of the element (days: its own disruptions, or the failure)")
        ax.set_ylabel("time to survive (days, Kaplan–Meier median)")
        ax.set_title(
            f"Time to survive against time to recover ({longest:g}-day failures)", loc="left"
        )
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 0.08), frameon=False, fontsize=8)
    return fig


def stress_heat(table: pd.DataFrame, policies: list[str], top: int = 25) -> Figure:
    """Elements × policies for the longest failure: the exposure (lost value ÷ the worst cell,
    0–1), ● where the element is at risk for that policy; a policy's white cell is a single point
    of failure it removes."""
    longest = table["duration_days"].max()
    t = table[table["duration_days"] == longest]
    pivot = t.pivot_table(index="element", columns="policy", values="exposure_overall")
    risk = t.pivot_table(index="element", columns="policy", values="at_risk", aggfunc="max")
    cols = [p for p in policies if p in pivot.columns]
    order = pivot[cols].max(axis=1).sort_values(ascending=False, kind="stable").index[:top]
    pivot, risk = pivot.loc[order, cols], risk.reindex(index=order, columns=cols)
    with plot_style():
        fig = new_figure(min(WIDTH, 5.0 + 1.3 * len(cols)), 1.8 + 0.3 * len(order))
        ax = fig.add_subplot()
        ax.grid(False)
        im = ax.imshow(pivot.to_numpy(float), aspect="auto", cmap="Reds", vmin=0, vmax=1)
        for i in range(len(order)):
            for j in range(len(cols)):
                v = pivot.iat[i, j]
                mark = " ●" if bool(risk.iat[i, j]) else ""
                ax.text(
                    j,
                    i,
                    f"{v:.2f}{mark}",
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    color="white" if v > 0.6 else "0.15",
                )
        ax.set_xticks(range(len(cols)), [mpl_text(c) for c in cols], rotation=20, ha="right")
        ax.set_yticks(range(len(order)), [mpl_text(e) for e in order])
        fig.colorbar(im, ax=ax, shrink=0.8, label="exposure (1 = worst element × policy)")
        ax.set_title(
            f"Exposure to each single failure ({longest:g} days)\nwhite: the policy removes "
            "it; ● runs short before it recovers (TTS < TTR)",
            loc="left",
        )
    return fig


def search_progress(evaluations: pd.DataFrame, policies: list[str], currency: str) -> Figure:
    """Every candidate the worst-case search evaluated, in order, and the best so far, per
    policy (phases: screen, greedy, swap, timing)."""
    colors = policy_colors(policies)
    marks = {"screen": "o", "greedy": "s", "swap": "D", "timing": "^"}
    with plot_style():
        fig = new_figure(WIDTH * 0.8, 4.2)
        ax = fig.add_subplot()
        for p in policies:
            g = evaluations[evaluations["policy"] == p].reset_index(drop=True)
            if g.empty:
                continue
            x = np.arange(1, len(g) + 1)
            for phase, m in marks.items():
                sel = (g["phase"] == phase).to_numpy()
                if sel.any():
                    ax.scatter(
                        x[sel],
                        g["lost_value"][sel],
                        marker=m,
                        s=14,
                        color=colors[p],
                        alpha=0.45,
                        lw=0,
                    )
            ax.step(
                x,
                np.maximum.accumulate(g["lost_value"].to_numpy(float)),
                where="post",
                color=colors[p],
                lw=1.6,
                label=mpl_text(p),
            )
        for phase, m in marks.items():
            ax.scatter([], [], marker=m, color="0.4", s=14, label=phase)
        ax.set_xlabel("candidate evaluated (in search order)")
        ax.set_ylabel(f"lost value vs no failure ({mpl_text(currency)})")
        ax.set_title("Worst-case search: every candidate and the best so far", loc="left")
        ax.legend(loc="lower right", frameon=False, fontsize=8, ncols=2)
    return fig


def sensitivity_bars(indices: pd.DataFrame, figure: str) -> Figure:
    """Morris μ* (with its 95% interval; σ beside) or Sobol first-order and total indices (with
    their 95% intervals), one panel per policy, parameters sorted by importance (a tornado)."""
    policies = list(dict.fromkeys(indices["policy"]))
    method = str(indices["method"].iloc[0])
    n = max(1, indices.groupby("policy").size().max())
    with plot_style():
        fig = new_figure(WIDTH * 0.8, 1.4 + len(policies) * (0.9 + 0.3 * n))
        axes = fig.subplots(len(policies), 1, squeeze=False)[:, 0]
        for ax, p in zip(axes, policies, strict=True):
            g = indices[indices["policy"] == p]
            key = "mu_star" if method == "morris" else "ST"
            g = g.sort_values(key, ascending=True, kind="stable")
            y = np.arange(len(g))
            labels = [mpl_text(".".join(str(x).split(".")[-3:])) for x in g["parameter"]]
            if method == "morris":
                ax.barh(
                    y,
                    g["mu_star"],
                    xerr=g["mu_star_conf"],
                    color="#0072B2",
                    capsize=2,
                    height=0.6,
                    label="μ* (mean |elementary effect|)",
                )
                ax.scatter(
                    g["sigma"],
                    y,
                    marker="|",
                    s=120,
                    color="#D55E00",
                    zorder=3,
                    label="σ (interactions, non-linearity)",
                )
                ax.set_xlabel(f"effect on {mpl_text(figure)} over the range")
            else:
                ax.barh(
                    y + 0.18,
                    g["ST"],
                    xerr=g["ST_conf"],
                    height=0.35,
                    color="#0072B2",
                    capsize=2,
                    label="total index",
                )
                ax.barh(
                    y - 0.18,
                    g["S1"],
                    xerr=g["S1_conf"],
                    height=0.35,
                    color="#56B4E9",
                    capsize=2,
                    label="first-order index",
                )
                ax.set_xlabel(f"share of the variance of {mpl_text(figure)}")
            ax.set_yticks(y, labels)
            ax.axvline(0, color="0.5", lw=0.6)
            ax.set_title(f"{mpl_text(p)}: {method} sensitivity of {mpl_text(figure)}", loc="left")
            ax.legend(loc="lower right", frameon=False, fontsize=8)
    return fig
