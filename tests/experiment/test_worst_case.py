"""The worst-case search on a network whose worst case is known by construction."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from simulator.errors import UsageError
from simulator.experiment.failures import ElementKind
from simulator.experiment.worst_case import Budget, SearchSettings, parse_budget, worst_case
from simulator.output.sweep_folder import SweepStore
from simulator.scenario.loader import validate_data

FAST = SearchSettings(starts=2, beam=3, popsize=2, generations=2)


def test_the_shared_hub_for_as_long_as_allowed(hub_data, tmp_path):
    # Both suppliers (50/50) pass the hub: its failure cuts all supply, a supplier's only half,
    # and a longer failure loses more. The worst single failure is the hub at the cap.
    sc = validate_data(hub_data)
    budget = parse_budget("k=1,max_duration=30,min_duration=5")
    kw = {"replications": 2, "settings": FAST, "jobs": 1, "top": 3}
    r = worst_case(sc, budget, [ElementKind.NODES], store=SweepStore(tmp_path), **kw)
    best = r.top.iloc[0]
    assert best["elements"] == "node:hub" and best["duration_days"] == 30
    assert list(r.top["elements"]) == ["node:hub", "node:a", "node:b"]
    assert r.top.iloc[1]["lost_value"] < best["lost_value"]
    # Every phase ran and the timing stayed inside the budget.
    assert {"screen", "timing"} <= set(r.evaluations["phase"])
    ev = r.evaluations
    assert ev["duration_days"].between(5, 30).all()
    assert ev["start_day"].between(sc.warmup_days, sc.horizon_days - 30 - 7).all()
    # Seeded and resumable: a rerun evaluates nothing and finds the same.
    again = worst_case(sc, budget, [ElementKind.NODES], store=SweepStore(tmp_path), **kw)
    assert again.computed == 0
    pd.testing.assert_frame_equal(r.evaluations, again.evaluations)


def test_two_elements_together(hub_data):
    # a and b together cut everything, as the hub does: with k = 2 the worst loses at least as
    # much as the hub alone (the hub plus anything is no worse than the hub).
    sc = validate_data(hub_data)
    kw = {"replications": 2, "settings": FAST, "jobs": 2, "top": 2}
    one = worst_case(sc, parse_budget("k=1,max_duration=30"), [ElementKind.NODES], **kw)
    two = worst_case(sc, parse_budget("k=2,max_duration=30"), [ElementKind.NODES], **kw)
    assert two.top.iloc[0]["k"] == 2
    assert two.top.iloc[0]["lost_value"] >= one.top.iloc[0]["lost_value"] - 1e-9


def test_plausibility_floor(hub_data):
    # Only supplier a has disruptions of its own: ~2 a year (MTTF 170 d, 5–15 days long). With a
    # floor, the hub and b (never disrupted in the scenario) are out, and a's duration is capped
    # where P(a down ≥ d days in a year) falls below the floor: 15 days never happen, so 14.
    hub_data["disruptions"] = {
        "a_fire": {
            "target": {"node": "a"},
            "timing": {
                "kind": "random",
                "mttf_days": 170,
                "duration_days": {"dist": "uniform", "low": 5, "high": 15},
            },
            "effect": {"closed": True},
        }
    }
    sc = validate_data(hub_data)
    budget = parse_budget("k=1,max_duration=30,min_duration=5,min_probability=0.05")
    r = worst_case(sc, budget, [ElementKind.NODES], replications=2, settings=FAST, jobs=1)
    assert set(r.evaluations["elements"]) == {"node:a"}
    best = r.top.iloc[0]
    assert best["duration_days"] == 14
    rate = 365 / (170 + 10)
    assert best["probability"] == pytest.approx(1 - math.exp(-rate * 0.1), abs=0.02)
    assert (r.evaluations["probability"] >= 0.05).all()


def test_budget_parsing(hub_data):
    b = parse_budget("k=2, max_duration=45, start=30:90, min_probability=0.01")
    assert b == Budget(k=2, max_duration=45, start_low=30, start_high=90, min_probability=0.01)
    for bad, match in (
        ("k=0", "at least 1"),
        ("kk=2", "KEY=VALUE"),
        ("max_duration=x", "a number"),
        ("start=5", "LOW:HIGH"),
        ("min_duration=40,max_duration=30", "min_duration"),
        ("min_probability=1.5", "min_probability"),
    ):
        with pytest.raises(UsageError, match=match):
            parse_budget(bad)
    sc = validate_data(hub_data)
    with pytest.raises(UsageError, match="start window"):
        parse_budget("start=0:10").window(sc)  # before the warm-up ends
    with pytest.raises(UsageError, match="can fail above the plausibility floor"):
        worst_case(sc, parse_budget("min_probability=0.1"), [ElementKind.NODES], replications=2)
