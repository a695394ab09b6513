"""The answer a planner acts on: the decision table, the recommendation and the warnings.

Pure functions over a run's tables (``replications``, ``episodes``, ``leg_flows``) and the
scenario. The recommendation follows the scenario's ``decision`` rule (DESIGN §5): among the
policies whose mean fill rate reaches ``min_fill_rate``, the one with the lowest objective cost
(landed cost or total cost per unit); the policies whose paired difference to it includes zero are
reported as statistically tied (paired on the replication: common random numbers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..scenario.schema import DecisionObjective, DecisionRule, Scenario
from .figures import figure_range
from .metrics import PER_UNIT_PARTS
from .statistics import t_interval, wilson

#: Columns of the decision table, in order: (figure, label, kind) — kind "rate" shows a percentage.
DECISION_COLUMNS = (
    ("fill_rate", "fill rate", "rate"),
    ("cycle_service_level", "cycle service level", "rate"),
    ("fill_rate_during", "fill rate during disruptions", "rate"),
    ("p_shortage", "P(shortage per episode)", "rate"),
    ("worst_performance_loss", "worst-episode loss (demand-days)", "number"),
    ("landed_cost_per_unit", "landed price per unit", "money"),
    ("cost_per_unit", "cost per unit", "money"),
    *((f"cost_per_unit_{p}", f"  of which {p}", "money") for p in PER_UNIT_PARTS),
    ("chokepoint_exposure", "chokepoint exposure", "rate"),
    ("hhi_country", "country HHI", "number"),
)

#: Hidden concentration: country HHI at most this, and more than this share through one strait.
HIDDEN_HHI = 0.6
HIDDEN_EXPOSURE = 0.5

OBJECTIVE_FIGURE = {
    DecisionObjective.LANDED_COST: "landed_cost_per_unit",
    DecisionObjective.TOTAL_COST: "cost_per_unit",
}


def _interval(values: np.ndarray, figure: str) -> dict[str, float]:
    """Mean and 95% interval, clipped to the figure's possible range."""
    s = t_interval(values)
    lo, hi = figure_range(figure)
    return {
        "mean": s["mean"],
        "ci_low": max(s["ci_low"], lo),
        "ci_high": min(s["ci_high"], hi),
        "n": s["n"],
    }


def decision_table(
    replications: pd.DataFrame,
    episodes: pd.DataFrame,
    policies: list[str],
    baseline: str,
) -> pd.DataFrame:
    """Wide table, one row per policy: each decision figure's mean and 95% interval
    (``<figure>``, ``<figure>_low``, ``<figure>_high``), plus the landed price's relative
    difference to the baseline (``landed_vs_baseline``, paired)."""
    rows = []
    base = replications[replications["policy"] == baseline].set_index("replication")
    for policy in policies:
        g = replications[replications["policy"] == policy]
        row: dict[str, float | str] = {"policy": policy}
        for fig, _, _ in DECISION_COLUMNS:
            if fig in ("fill_rate_during", "p_shortage"):
                continue
            if fig not in g:
                continue
            s = _interval(g[fig].to_numpy(float), fig)
            row[fig], row[f"{fig}_low"], row[f"{fig}_high"] = s["mean"], s["ci_low"], s["ci_high"]
        ep = episodes[episodes["policy"] == policy] if not episodes.empty else episodes
        if len(ep):
            s = _interval(ep["fill_rate_during"].to_numpy(float), "fill_rate_during")
            row["fill_rate_during"] = s["mean"]
            row["fill_rate_during_low"], row["fill_rate_during_high"] = s["ci_low"], s["ci_high"]
            k, n = float(ep["shortage"].sum()), len(ep)
            lo, hi = wilson(k, n)
            row["p_shortage"], row["p_shortage_low"], row["p_shortage_high"] = k / n, lo, hi
        g = g.set_index("replication")
        common = g.index.intersection(base.index)
        b = base.loc[common, "landed_cost_per_unit"].to_numpy(float)
        d = g.loc[common, "landed_cost_per_unit"].to_numpy(float) - b
        s = t_interval(d)
        mean_b = float(np.nanmean(b)) if len(b) else math.nan
        row["landed_vs_baseline"] = s["mean"] / mean_b if mean_b else math.nan
        row["landed_vs_baseline_low"] = s["ci_low"] / mean_b if mean_b else math.nan
        row["landed_vs_baseline_high"] = s["ci_high"] / mean_b if mean_b else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Recommendation:
    """The policy the scenario's decision rule picks, why, and which policies tie with it."""

    policy: str
    reason: str
    objective: str  # the figure minimised
    meets_target: bool
    tied: tuple[str, ...] = ()
    ranking: tuple[str, ...] = field(default=())  # eligible policies, cheapest first


def _paired_ci(replications: pd.DataFrame, a: str, b: str, figure: str) -> tuple[float, float]:
    x = replications[replications["policy"] == a].set_index("replication")[figure]
    y = replications[replications["policy"] == b].set_index("replication")[figure]
    common = x.index.intersection(y.index)
    s = t_interval(x.loc[common].to_numpy(float) - y.loc[common].to_numpy(float))
    return s["ci_low"], s["ci_high"]


def recommend(
    replications: pd.DataFrame, policies: list[str], rule: DecisionRule
) -> Recommendation:
    """Apply the decision rule (see the module docstring)."""
    objective = OBJECTIVE_FIGURE[rule.objective]
    means = replications.groupby("policy", sort=False)[["fill_rate", objective]].mean()
    means = means.reindex([p for p in policies if p in means.index])
    eligible = means[means["fill_rate"] >= rule.min_fill_rate - 1e-12]
    words = "landed cost" if rule.objective is DecisionObjective.LANDED_COST else "cost"
    if eligible.empty:
        best = str(means["fill_rate"].idxmax())
        return Recommendation(
            best,
            f"no policy reaches a fill rate of {rule.min_fill_rate:.1%}; {best} serves best "
            f"({means.loc[best, 'fill_rate']:.1%})",
            objective,
            meets_target=False,
        )
    ranked = eligible[objective].sort_values(kind="stable")
    ranked = ranked[np.isfinite(ranked)]
    if ranked.empty:
        best = str(eligible.index[0])
        return Recommendation(
            best, f"{best} reaches the target; no {words} per unit is defined", objective, True
        )
    best = str(ranked.index[0])
    tied = []
    for other in ranked.index[1:]:
        lo, hi = _paired_ci(replications, str(other), best, objective)
        if not (math.isfinite(lo) and math.isfinite(hi)) or lo <= 0.0 <= hi:
            tied.append(str(other))
    reason = (
        f"lowest {words} per unit ({ranked.iloc[0]:,.2f}) among the policies with a fill rate "
        f"of at least {rule.min_fill_rate:.1%}"
    )
    runner_up = next((str(o) for o in ranked.index[1:] if str(o) not in tied), None)
    if runner_up is not None and ranked.iloc[0] > 0:
        gap = ranked[runner_up] / ranked.iloc[0] - 1
        pct = f"{gap:+.2%}" if abs(gap) < 0.01 else f"{gap:+.1%}"
        reason += f"; next: {runner_up} at {ranked[runner_up]:,.2f} ({pct})"
    if tied:
        reason += (
            f"; statistically tied with {', '.join(tied)} (their paired 95% intervals of the "
            f"difference include 0), ties broken by the lower mean {words}"
        )
    return Recommendation(best, reason, objective, True, tuple(tied), tuple(map(str, ranked.index)))


def decision_warnings(
    scenario: Scenario,
    replications: pd.DataFrame,
    leg_flows: pd.DataFrame,
    policies: list[str],
    recommendation: Recommendation,
    rule: DecisionRule,
) -> list[str]:
    """Warnings a planner needs before acting on the recommendation."""
    out: list[str] = []
    means = replications.groupby("policy", sort=False).mean(numeric_only=True)
    # Hidden concentration: diversified by country on paper, one strait in practice.
    for p in policies:
        if p not in means.index or p not in scenario.sourcing:
            continue
        hhi_c, exp = means.loc[p, "hhi_country"], means.loc[p, "chokepoint_exposure"]
        # "Most of its units": more than half through one strait, while no country has more
        # than 60% of the HHI weight (HHI ≤ 0.6 ≈ at least two real sources).
        if hhi_c <= HIDDEN_HHI and exp > HIDDEN_EXPOSURE:
            where = _top_chokepoint(scenario, leg_flows, p)
            out.append(
                f"hidden concentration: {p} looks diversified by country (HHI {hhi_c:.2f}) but "
                f"{exp:.0%} of its units pass {where or 'one chokepoint'}"
            )
    # A shortage penalty that decides the ranking.
    if rule.objective is DecisionObjective.TOTAL_COST and recommendation.meets_target:
        without = means["cost_per_unit"] - means["cost_per_unit_shortage"]
        eligible = means[means["fill_rate"] >= rule.min_fill_rate - 1e-12].index
        alt = without.reindex(eligible).dropna()
        if len(alt) and str(alt.idxmin()) != recommendation.policy:
            other = str(alt.idxmin())
            pen = means.loc[other, "cost_per_unit_shortage"]
            share = pen / means.loc[other, "cost_per_unit"]
            out.append(
                f"the shortage penalty decides the ranking: without it {other} would be "
                f"cheapest instead of {recommendation.policy} (its shortage penalty is "
                f"{pen:,.2f} per unit, {share:.0%} of its cost per unit)"
            )
    out += stock_warnings(scenario, [p for p in policies if p in scenario.sourcing])
    return out


def _top_chokepoint(scenario: Scenario, leg_flows: pd.DataFrame, policy: str) -> str | None:
    if leg_flows.empty:
        return None
    f = leg_flows[leg_flows["policy"] == policy]
    into = {}
    for leg, units in zip(f["leg"], f["units"], strict=True):
        spec = scenario.legs.get(leg)
        if spec is not None and spec.to_node in scenario.chokepoints:
            into[spec.to_node] = into.get(spec.to_node, 0.0) + float(units)
    return max(into, key=into.get) if into else None


def stock_warnings(scenario: Scenario, policies: list[str]) -> list[str]:
    """Order-up-to levels that cannot even cover the mean demand over the replenishment lead
    time of the policy's main supplier: such a site is short before any disruption."""
    from ..network.graph import Network

    net = Network(scenario)
    out = []
    for p in policies:
        spec = scenario.sourcing[p]
        suppliers = spec.suppliers
        if not suppliers:
            continue
        main = suppliers[0]
        for sid, site in scenario.sites.items():
            inv = (spec.inventory or {}).get(sid) or site.inventory
            rule = inv.rule(site.demand.mean_per_day)
            level = getattr(rule, "order_up_to", None)
            if level is None:
                level = rule.reorder_point + rule.order_quantity_units
            routes = net.routes(main, sid)
            if not routes:
                continue
            lead = scenario.suppliers[main].lead_time_days.mean + routes[0].mean_days
            need = site.demand.mean_per_day * (lead + rule.review_period_days)
            if level < need:
                out.append(
                    f"stock below lead-time demand: under {p}, site {sid} orders up to {level:,} "
                    f"units, but {need:,.0f} are needed to cover the {lead:.0f}-day pipeline "
                    f"from {main}: it runs short before any disruption"
                )
    return out
