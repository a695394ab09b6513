"""Demand arrivals of one site for a whole replication, drawn before the run.

Demand depends only on (seed, replication, site) and the disruption calendar, never on the policy,
so it is drawn up front as arrays (common random numbers, and fast: no sampling in the event loop).
"""

from __future__ import annotations

import math

import numpy as np

from ..scenario.schema import DailyDemand, PoissonDemand, RateDemand, SiteNode
from .calendar import Episode


def _seasonal(spec: DailyDemand | PoissonDemand | RateDemand) -> bool:
    """Whether the demand has a seasonal swing (else its season factor is 1 everywhere)."""
    return spec.seasonality is not None and spec.seasonality.amplitude != 0


def _season_factor(spec: DailyDemand | PoissonDemand | RateDemand, days: np.ndarray) -> np.ndarray:
    if not _seasonal(spec):
        return np.ones_like(days, dtype=float)
    s = spec.seasonality
    return 1.0 + s.amplitude * np.cos(2 * math.pi * (days - s.peak_day) / 365.0)


def demand_shocks(site_id: str, episodes: list[Episode]) -> list[tuple[float, float, float]]:
    """(start, end, factor) of every episode with a demand factor that hits this site."""
    return [
        (ep.start, ep.end, ep.effect.demand_factor)
        for ep in episodes
        if ep.effect.demand_factor is not None and site_id in ep.nodes
    ]


def _shock_factor_at(t: np.ndarray, shocks: list[tuple[float, float, float]]) -> np.ndarray:
    f = np.ones_like(t, dtype=float)
    for start, end, factor in shocks:
        f[(t >= start) & (t < end)] *= factor
    return f


def draw_demand(
    site_id: str,
    site: SiteNode,
    horizon: int,
    rng: np.random.Generator,
    episodes: list[Episode],
) -> tuple[np.ndarray, np.ndarray]:
    """Arrival times (days) and quantities (whole units) of demand at one site."""
    spec = site.demand
    shocks = demand_shocks(site_id, episodes)
    days = np.arange(horizon, dtype=float)
    if isinstance(spec, DailyDemand):
        draws = spec.quantity.sample(rng, horizon)
        times = days + 0.5
        q = draws  # times the seasonal and the shock factors, where there are any (x * 1 == x)
        if _seasonal(spec):
            q = q * _season_factor(spec, days)
        if shocks:
            q = q * _shock_factor_at(times, shocks)
        qty = np.floor(q + 0.5).astype(np.int64)
        keep = qty > 0
        return times[keep], qty[keep]
    # Poisson or constant rate: invert the cumulative intensity of a piecewise-constant rate.
    edges = {float(d) for d in range(horizon + 1)}
    for start, end, _ in shocks:
        edges.update(x for x in (start, end) if 0 < x < horizon)
    grid = np.array(sorted(edges))
    mids = (grid[:-1] + grid[1:]) / 2
    rate = spec.mean_per_day * _season_factor(spec, np.floor(mids)) * _shock_factor_at(mids, shocks)
    cum = np.concatenate([[0.0], np.cumsum(rate * np.diff(grid))])
    total = cum[-1]
    if isinstance(spec, RateDemand):
        # Deterministic: the k-th unit when the cumulative intensity reaches k + 1/2.
        times = np.interp(np.arange(0.5, total, 1.0), cum, grid)
        return times, np.ones(len(times), dtype=np.int64)
    n_guess = int(total + 10 * math.sqrt(total + 1) + 10)
    arrivals = np.cumsum(rng.exponential(1.0, n_guess))
    while arrivals[-1] < total:
        more = np.cumsum(rng.exponential(1.0, n_guess)) + arrivals[-1]
        arrivals = np.concatenate([arrivals, more])
    arrivals = arrivals[arrivals < total]
    times = np.interp(arrivals, cum, grid)
    return times, np.ones(len(times), dtype=np.int64)
