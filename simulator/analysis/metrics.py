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
    for c, v in costs.items():
        figures[f"cost_{c}"] = v
    figures["cost_total"] = sum(costs.values())
    received = float(tot["receipts"][w].sum())
    figures["units_delivered"] = received
    figures["cost_per_unit"] = figures["cost_total"] / received if received > 0 else math.nan
    # What the units cost to buy and move (no holding, shortage or fees): the price of a policy.
    landed = costs["purchase"] + costs["transport"] + costs["transport_fixed"]
    figures["landed_cost_per_unit"] = landed / received if received > 0 else math.nan
    by_supplier: Counter = Counter()
    by_country: Counter = Counter()
    by_corridor: Counter = Counter()
    through: Counter = Counter()
    lo, hi = r.warmup_days, r.horizon_days
    for sh in r.shipments:
        delivered = sh.units_delivered
        if not (lo <= sh.arrived_at < hi) or delivered <= 0:
            continue
        by_supplier[sh.supplier] += delivered
        by_country[sc.nodes[sh.supplier].country] += delivered
        passed = tuple(sorted(set(sh.chokepoints)))
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


def episode_figures(
    service: np.ndarray,
    backlog_end: np.ndarray,
    demand: np.ndarray,
    met: np.ndarray,
    start: float,
    threshold: float,
    window_end: float | None = None,
) -> dict[str, float]:
    """Resilience figures of one disruption episode at one site (DESIGN §3b).

    ``service`` is P(d) per day; ``backlog_end`` the backlog at each day's end. TTS is censored
    (NaN, ``tts_censored`` = 1) when no shortage happens before the horizon; TTR is censored when
    service has not recovered by the horizon. Days are whole days from the start day.

    A shortage is attributed to this episode only if it begins before ``window_end`` (the start
    of the next episode that can affect the same site; default: the horizon), so a later
    disruption's shortage is not blamed on an earlier one. Recovery is followed to the horizon.
    """
    days = len(service)
    s0 = math.floor(start)
    w_end = days if window_end is None else min(days, max(s0, math.floor(window_end)))
    out = {
        "tts_days": math.nan,
        "tts_censored": 1.0,
        "ttr_days": 0.0,
        "ttr_censored": 0.0,
        "performance_loss": 0.0,
        "unmet_units": 0.0,
        "nadir": 1.0,
        "observed_days": float(w_end - s0),
    }
    short = np.nonzero(service[s0:w_end] < 1.0)[0]
    if len(short) == 0:
        return out
    first = s0 + int(short[0])
    out["tts_days"], out["tts_censored"] = float(first - s0), 0.0
    ok = np.nonzero((service[first:] >= threshold) & (backlog_end[first:] <= 0))[0]
    if len(ok) == 0:
        end, out["ttr_days"], out["ttr_censored"] = days, math.nan, 1.0
    else:
        end = first + int(ok[0])
        out["ttr_days"] = float(end - s0)
    out["performance_loss"] = float((1.0 - service[s0:end]).sum())
    out["unmet_units"] = float((demand[s0:end] - met[s0:end]).sum())
    out["nadir"] = float(service[s0 : min(end + 1, days)].min())
    return out


def episode_rows(r: ReplicationResult, sc: Scenario) -> list[dict]:
    """One row per disruption episode × affected site that starts inside the window."""
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
            figs = episode_figures(
                service[site],
                a["backlog_end"],
                a["demand"],
                a["met"],
                ep.start,
                sc.recovery_threshold,
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
