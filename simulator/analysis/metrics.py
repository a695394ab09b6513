"""Figures of DESIGN §4 from one replication's raw record (pure functions, no I/O).

Everything is measured over the window [warmup_days, horizon_days) and summed over sites unless
stated. Units: product units, days, the scenario's currency.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from ..model.results import COST_CATEGORIES, ReplicationResult
from ..scenario.schema import Scenario
from .episodes import score_episode

NO_CHOKEPOINT = "(none)"


def hhi(weights: Counter | dict) -> float:
    """Herfindahl–Hirschman index (0–1) of non-negative weights; NaN when all are zero."""
    total = float(sum(weights.values()))
    if total <= 0:
        return math.nan
    return float(sum((w / total) ** 2 for w in weights.values()))


def _window(r: ReplicationResult) -> slice:
    return slice(r.warmup_days, r.horizon_days)


def site_totals(r: ReplicationResult) -> dict[str, np.ndarray]:
    """Daily arrays summed over every site."""
    names = next(iter(r.sites.values())).keys()
    return {k: sum(a[k] for a in r.sites.values()) for k in names}


def daily_service(demand: np.ndarray, met: np.ndarray) -> np.ndarray:
    """P(d) = met on the day ÷ demanded that day (1 on days without demand)."""
    out = np.ones_like(demand, dtype=float)
    np.divide(met, demand, out=out, where=demand > 0)
    return out


def pipeline_cost(r: ReplicationResult, sc: Scenario) -> float:
    """Holding cost (currency) of units on their way, from dispatch to receipt, accrued inside
    the window, at the product's holding rate (units × days × value × rate / 365)."""
    rate = sc.product.unit_value * sc.product.holding_cost_rate / 365.0
    if rate == 0:
        return 0.0
    lo, hi = float(r.warmup_days), float(r.horizon_days)
    unit_days = 0.0
    for sh in r.shipments:
        days = min(sh.arrived_at, hi) - max(sh.dispatched_at, lo)
        if days > 0:
            unit_days += sh.units_delivered * days
    for dispatched, units in r.in_flight:
        days = hi - max(dispatched, lo)
        if days > 0:
            unit_days += units * days
    return unit_days * rate


#: The parts of ``cost_per_unit`` (DESIGN §4): purchase and freight of the units delivered in the
#: window; the window's other costs per unit delivered.
PER_UNIT_PARTS = (
    "purchase",
    "freight",
    "ordering",
    "pipeline",
    "holding",
    "shortage",
    "reservation",
)


def per_unit_costs(r: ReplicationResult, costs: dict[str, float], received: float) -> dict:
    """``cost_per_unit``, ``landed_cost_per_unit`` and ``cost_per_unit_<part>`` (currency per
    unit delivered in the window). Purchase and freight are those *of the units delivered* (not
    what was spent in the window on orders still in flight at its edges); NaN when nothing was
    delivered."""
    lo, hi = r.warmup_days, r.horizon_days
    purchase = freight = 0.0
    for sh in r.shipments:
        if lo <= sh.arrived_at < hi:
            purchase += sh.units_delivered * sh.unit_price
            freight += sh.freight
    parts = {
        "purchase": purchase,
        "freight": freight,
        "ordering": costs["ordering"],
        "pipeline": costs["pipeline"],
        "holding": costs["holding"],
        "shortage": costs["shortage"],
        "reservation": costs["reservation"],
    }
    if received <= 0:
        out = {f"cost_per_unit_{k}": math.nan for k in parts}
        out["cost_per_unit"] = out["landed_cost_per_unit"] = math.nan
        return out
    out = {f"cost_per_unit_{k}": v / received for k, v in parts.items()}
    out["cost_per_unit"] = sum(parts.values()) / received
    out["landed_cost_per_unit"] = (purchase + freight) / received
    return out


def replication_figures(r: ReplicationResult, sc: Scenario) -> dict[str, float]:
    """One row of figures for one policy × replication."""
    w = _window(r)
    tot = site_totals(r)
    demand = float(tot["demand"][w].sum())
    met = float(tot["met"][w].sum())
    lost = float(tot["lost"][w].sum())
    backordered = float(tot["backordered"][w].sum())
    days = r.horizon_days - r.warmup_days
    # Cycle service: a day counts as met when every site met all of that day's demand.
    all_met = np.ones(days, dtype=bool)
    for a in r.sites.values():
        all_met &= a["met"][w] >= a["demand"][w]
    figures: dict[str, float] = {
        "fill_rate": met / demand if demand > 0 else 1.0,
        "cycle_service_level": float(all_met.mean()),
        "demand_units": demand,
        "met_units": met,
        "unmet_demand": demand - met,
        "lost_sales": lost,
        "backordered_units": backordered,
        "backorders": float(tot["backlog_avg"][w].mean()),
        "on_hand_avg": float(tot["on_hand_avg"][w].mean()),
        "stockout_any": float(not all_met.all()),
    }
    costs = {c: float(r.costs[c][w].sum()) for c in COST_CATEGORIES}
    costs["pipeline"] = pipeline_cost(r, sc)
    for c, v in costs.items():
        figures[f"cost_{c}"] = v
    figures["cost_total"] = sum(costs.values())
    received = float(tot["receipts"][w].sum())
    figures["units_delivered"] = received
    figures.update(per_unit_costs(r, costs, received))
    lo_w, hi_w = r.warmup_days, r.horizon_days
    figures["units_expedited"] = float(
        sum(
            sh.units_delivered
            for sh in r.shipments
            if sh.role == "expedite" and lo_w <= sh.arrived_at < hi_w
        )
    )
    issued = [w for w in r.warnings if lo_w <= w.issued < hi_w]
    figures["warnings_issued"] = float(len(issued))
    figures["false_alarms"] = float(sum(w.false_alarm for w in issued))
    by_supplier: Counter = Counter()
    by_country: Counter = Counter()
    by_corridor: Counter = Counter()
    through: Counter = Counter()
    lo, hi = r.warmup_days, r.horizon_days
    countries = {sid: n.country for sid, n in sc.suppliers.items()}
    corridors: dict[tuple[str, ...], tuple[str, ...]] = {}  # chokepoints passed → the set
    for sh in r.shipments:
        delivered = sh.units_delivered
        if not (lo <= sh.arrived_at < hi) or delivered <= 0:
            continue
        by_supplier[sh.supplier] += delivered
        by_country[countries[sh.supplier]] += delivered
        passed = corridors.get(sh.chokepoints)
        if passed is None:
            passed = corridors[sh.chokepoints] = tuple(sorted(set(sh.chokepoints)))
        by_corridor[passed or (NO_CHOKEPOINT,)] += delivered
        for c in passed:
            through[c] += delivered
    figures["hhi_supplier"] = hhi(by_supplier)
    figures["hhi_country"] = hhi(by_country)
    # Each unit counts once, under the set of chokepoints it passed (none is a category too):
    # routes through the same straits are one corridor, however many straits they pass.
    figures["hhi_chokepoint"] = hhi(by_corridor)
    total = sum(by_corridor.values())
    # The largest share of units that passed any single chokepoint (Malacca on every route: 1).
    figures["chokepoint_exposure"] = max(through.values()) / total if through and total else 0.0
    figures["effective_sources"] = (
        1.0 / figures["hhi_supplier"] if figures["hhi_supplier"] > 0 else math.nan
    )
    return figures


SITE_FIGURES = (
    "fill_rate",
    "cycle_service_level",
    "unmet_demand",
    "lost_sales",
    "backorders",
    "on_hand_avg",
)


def site_figures(r: ReplicationResult) -> list[dict[str, float | str]]:
    """Service and stock figures of each site on its own (sites compete for suppliers)."""
    w = _window(r)
    rows = []
    for site, a in r.sites.items():
        demand = float(a["demand"][w].sum())
        met = float(a["met"][w].sum())
        rows.append(
            {
                "site": site,
                "fill_rate": met / demand if demand > 0 else 1.0,
                "cycle_service_level": float((a["met"][w] >= a["demand"][w]).mean()),
                "unmet_demand": demand - met,
                "lost_sales": float(a["lost"][w].sum()),
                "backorders": float(a["backlog_avg"][w].mean()),
                "on_hand_avg": float(a["on_hand_avg"][w].mean()),
            }
        )
    return rows


def episode_rows(r: ReplicationResult, sc: Scenario) -> list[dict]:
    """One row per scored disruption episode × site (DESIGN §3b): every episode that starts
    inside the window, at every site it can affect under any policy of the scenario."""
    rows = []
    service = {s: daily_service(a["demand"], a["met"]) for s, a in r.sites.items()}
    starts: dict[str, list[float]] = {s: [] for s in r.sites}
    for ep in r.episodes:
        for site in r.episode_sites.get((ep.disruption, ep.index), ()):
            starts[site].append(ep.start)
    for ep in r.episodes:
        if ep.began_before_start or not (r.warmup_days <= ep.start < r.horizon_days):
            continue
        for site in r.episode_sites.get((ep.disruption, ep.index), ()):
            a = r.sites[site]
            later = [t for t in starts[site] if t > ep.start]
            figs = score_episode(
                service[site],
                a["backlog_end"],
                a["demand"],
                a["met"],
                ep.start,
                ep.end,
                sc.recovery_threshold,
                sc.recovery_hold_days,
                window_end=min(later) if later else None,
            )
            rows.append(
                {
                    "policy": r.policy,
                    "replication": r.replication,
                    "disruption": ep.disruption,
                    "episode": ep.index,
                    "site": site,
                    "start": ep.start,
                    "end": ep.end,
                    "duration_days": ep.end - ep.start,
                    "target": ep.target,
                    **figs,
                }
            )
    return rows
