"""Pareto fronts of cost against fill rate: who is not beaten on both at once (pure functions)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _not_dominated(cost: np.ndarray, fill: np.ndarray) -> np.ndarray:
    """True where no other point has lower-or-equal cost and higher-or-equal fill rate with at
    least one strictly better (a point never dominates itself; NaN never dominates)."""
    keep = np.empty(len(cost), dtype=bool)
    for i in range(len(cost)):
        keep[i] = not np.any(
            (cost <= cost[i]) & (fill >= fill[i]) & ((cost < cost[i]) | (fill > fill[i]))
        )
    return keep


def non_dominated(points: dict[str, tuple[float, float]]) -> list[str]:
    """Policies no other policy beats on both cost (lower is better) and fill rate (higher is
    better), with at least one strictly; ``points`` maps a policy to (cost, fill rate)."""
    names = list(points)
    if not names:
        return []
    cost, fill = (np.array(v, dtype=float) for v in zip(*points.values(), strict=True))
    return [p for p, keep in zip(names, _not_dominated(cost, fill), strict=True) if keep]


def pareto_front(points: pd.DataFrame) -> pd.Series:
    """True for rows not dominated in (lower ``cost_per_unit``, higher ``fill_rate``)."""
    keep = _not_dominated(points["cost_per_unit"].to_numpy(), points["fill_rate"].to_numpy())
    return pd.Series(keep, index=points.index)
