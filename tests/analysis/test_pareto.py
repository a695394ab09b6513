"""Pareto fronts and the best-policy ranking."""

from __future__ import annotations

import pandas as pd

from simulator.analysis.pareto import non_dominated, pareto_front
from simulator.analysis.ranking import best_policies


def test_non_dominated():
    pts = {"cheap": (1.0, 80.0), "good": (2.0, 99.0), "worse": (2.5, 95.0), "tie": (2.0, 99.0)}
    assert non_dominated(pts) == ["cheap", "good", "tie"]


def test_pareto_front_agrees_with_non_dominated():
    pts = {"cheap": (1.0, 80.0), "good": (2.0, 99.0), "worse": (2.5, 95.0), "tie": (2.0, 99.0)}
    table = pd.DataFrame(
        [{"policy": p, "cost_per_unit": c, "fill_rate": f} for p, (c, f) in pts.items()]
    )
    assert list(table["policy"][pareto_front(table)]) == non_dominated(pts)


def test_best_policy_breaks_ties_on_cost_then_order():
    rows = []
    for point, fills in (
        (0, {"a": 0.9, "b": 0.95, "c": 0.95}),
        (1, {"a": 0.99, "b": 0.9, "c": 0.8}),
    ):
        for p, f in fills.items():
            rows.append({"point": point, "policy": p, "figure": "fill_rate", "mean": f})
            cost = {"a": 3.0, "b": 2.0, "c": 1.0}[p]
            rows.append({"point": point, "policy": p, "figure": "cost_per_unit", "mean": cost})
    best = best_policies(pd.DataFrame(rows), ["point"])
    assert list(best["policy"]) == ["c", "a"]  # point 0: b and c tie on fill rate; c is cheaper
