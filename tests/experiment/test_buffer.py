"""Buffer sizing against the closed-form base-stock fill rate, and the stock-only alternative.

The search (:func:`simulator.experiment.buffer.size_buffers`) must find the smallest whole number
of days of cover whose fill rate reaches the target. With daily Poisson demand, daily review,
backorders and a fixed lead time L, the fill rate of order-up-to level S is known exactly
(``daily_backorder_fill`` in tests/model/test_theory.py), so the right answer is computed, not
copied. The targets sit far (in standard errors) from the fill rates of neighbouring levels, which
the test checks first, so a correct search cannot miss them by chance.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import simulator
from simulator.experiment.buffer import MAX_DAYS, current_days, size_buffers, with_stock

ROOT = Path(__file__).resolve().parents[2]

LAM = 10.0
LEAD = 3  # 2 days at the supplier + 1 day on the road


def _pos_part(S: int, mean: float) -> float:
    k = np.arange(S + 1)
    return float(((S - k) * stats.poisson.pmf(k, mean)).sum())


def daily_backorder_fill(S: int, lead: int) -> float:
    """β = (E[(S − Y_L)^+] − E[(S − Y_{L+1})^+]) / λ, Y_k ~ Poisson(kλ) (see test_theory)."""
    return (_pos_part(S, LAM * lead) - _pos_part(S, LAM * (lead + 1))) / LAM


def _theory_scenario(days: int = 2) -> simulator.Scenario:
    return simulator.scenario_from_dict(
        {
            "name": "buffer_theory",
            "seed": 17,
            "horizon_days": 700,
            "warmup_days": 20,
            "replications": 8,
            "nodes": {
                "sup": {"kind": "supplier", "country": "CN", "lead_time_days": 2},
                "dc": {
                    "kind": "site",
                    "country": "DE",
                    "demand": {"kind": "daily", "quantity": {"dist": "poisson", "mean": LAM}},
                    "unmet": "backorder",
                    "inventory": {"kind": "base_stock", "order_up_to": int(days * LAM)},
                },
            },
            "legs": {"road": {"from": "sup", "to": "dc", "mode": "road", "transit_days": 1}},
            "sourcing": {"single": {"kind": "single", "supplier": "sup"}},
        }
    )


@pytest.mark.parametrize("target", [0.90, 0.995])
def test_buffer_search_finds_the_closed_form_level(target):
    sc = _theory_scenario()
    fills = {d: daily_backorder_fill(int(d * LAM), LEAD) for d in range(0, 12)}
    want = min(d for d, f in fills.items() if f >= target)
    # The design: the level below is far under the target, the level found well over it.
    assert fills[want - 1] < target - 0.01 and fills[want] > target + 0.002
    result = size_buffers(sc, target, replications=8, jobs=1)
    row = result.levels.iloc[0]
    assert row["days"] == want
    # The fill rate simulated at the level found agrees with theory within 4 SE.
    at = result.evaluations[result.evaluations["days"] == want]["fill_rate"].to_numpy()
    se = at.std(ddof=1) / math.sqrt(len(at))
    assert abs(at.mean() - fills[want]) < 4 * max(se, 1e-4)
    # The neighbour was evaluated and falls short: the search confirmed its answer.
    below = result.evaluations[result.evaluations["days"] == want - 1]["fill_rate"]
    assert len(below) == 8 and below.mean() < target


def test_buffer_levels_are_monotone_on_common_random_numbers():
    sc = _theory_scenario()
    result = size_buffers(sc, 0.999, replications=4, jobs=1)
    ev = result.evaluations.pivot(index="replication", columns="days", values="fill_rate")
    # Same demand in every level of a replication: more stock never serves less.
    assert (ev.diff(axis=1).iloc[:, 1:] >= -1e-12).all().all()
    assert ev.shape[1] >= 3


def test_with_stock_scales_s_and_S_together():
    sc = _theory_scenario()
    data = sc.model_dump(by_alias=True, exclude_none=True)
    data["nodes"]["dc"]["inventory"] = {"kind": "s_S", "reorder_point": 40, "order_up_to": 80}
    sc2 = simulator.scenario_from_dict(data)
    assert current_days(sc2, "single") == pytest.approx(8.0)
    inv = with_stock(sc2, "single", 12).sourcing["single"].inventory["dc"]
    assert (inv.reorder_point, inv.order_up_to) == (60, 120)


def test_unreachable_target_is_reported_not_invented():
    # The supplier closes for longer than the largest level searched covers: nothing reaches.
    sc = _theory_scenario()
    data = sc.model_dump(by_alias=True, exclude_none=True)
    data["horizon_days"] = 30 + MAX_DAYS + 60
    data["disruptions"] = {
        "gone": {
            "target": {"node": "sup"},
            "timing": {"kind": "scheduled", "start_day": 30, "duration_days": MAX_DAYS + 60},
            "effect": {"closed": True},
        }
    }
    sc = simulator.scenario_from_dict(data)
    result = size_buffers(sc, 1.0, replications=2, jobs=1, confidence="mean")
    assert math.isnan(result.levels.iloc[0]["days"])
    assert "no level up to" in result.notes[0]


# ------------------------------------------------------------ the stock-only alternative


def _decision_scenario(closure_days: int, backup_price: float) -> simulator.Scenario:
    """Supplier a (price 10) closes once for ``closure_days``; b costs ``backup_price``.
    Holding 20% a year of a unit value 10: a day of cover (10 units) costs 0.055 a day."""
    return simulator.scenario_from_dict(
        {
            "name": "stock_or_sources",
            "seed": 3,
            "horizon_days": 400,
            "warmup_days": 35,
            "replications": 4,
            "product": {"unit_value": 10, "holding_cost_rate": 0.2},
            "decision": {"objective": "total_cost", "min_fill_rate": 0.99},
            "nodes": {
                "a": {"kind": "supplier", "country": "CN", "lead_time_days": 0, "unit_price": 10},
                "b": {
                    "kind": "supplier",
                    "country": "VN",
                    "lead_time_days": 0,
                    "unit_price": backup_price,
                },
                "dc": {
                    "kind": "site",
                    "country": "NL",
                    "demand": {"kind": "daily", "quantity": {"dist": "poisson", "mean": 10}},
                    "inventory": {"kind": "base_stock", "order_up_to_days_of_cover": 6},
                },
            },
            "legs": {
                "a_dc": {"from": "a", "to": "dc", "mode": "road", "transit_days": 3},
                "b_dc": {"from": "b", "to": "dc", "mode": "road", "transit_days": 3},
            },
            "sourcing": {
                "single": {"kind": "single", "supplier": "a"},
                "split": {"kind": "split", "shares": {"a": 0.5, "b": 0.5}},
                "backup": {
                    "kind": "primary_backup",
                    "primary": "a",
                    "backups": ["b"],
                    "detection_delay_days": 0,
                },
            },
            "disruptions": {
                "a_down": {
                    "target": {"node": "a"},
                    "timing": {
                        "kind": "scheduled",
                        "start_day": 100,
                        "duration_days": closure_days,
                    },
                    "effect": {"closed": True},
                }
            },
        }
    )


def test_stock_only_wins_a_short_closure():
    """A 6-day closure: six more days of cover (60 units, about 0.03 per unit sold) beat paying
    a 50% dearer second source for half of every unit (split) or during the closure (backup)."""
    r = simulator.run(_decision_scenario(6, 15.0), jobs=1, alternatives=True)
    t = r.decision_table().set_index("policy")
    alt = t[t["kind"] == "stock-only"]
    assert len(alt) == 1
    name = alt.index[0]
    assert name.startswith("single + ") and name.endswith("days of cover")
    matched = alt.iloc[0]["matches"]
    assert alt.iloc[0]["fill_rate"] >= t.loc[matched, "fill_rate"] - 1e-12
    assert t.loc["single", "fill_rate"] < 0.99 <= alt.iloc[0]["fill_rate"]
    assert r.recommendation.policy == name
    assert alt.iloc[0]["cost_per_unit"] < t.loc["backup", "cost_per_unit"]
    assert alt.iloc[0]["cost_per_unit_holding"] > t.loc["single", "cost_per_unit_holding"]
    assert any(name in line for line in r.verdict()[:1])
    # The alternative is scored on the same episodes as the policies: its row is complete.
    assert 0 <= alt.iloc[0]["p_shortage"] <= 1 and 0 <= alt.iloc[0]["fill_rate_during"] <= 1
    assert alt.iloc[0]["fill_rate_during"] >= t.loc["single", "fill_rate_during"]


def test_the_stock_only_row_does_not_depend_on_the_order_tasks_finish(monkeypatch):
    """Worker processes finish in any order; the alternative's figures (means over episodes,
    float sums) must be the same to the last bit as when they finish in replication order.
    Seen on this scenario's defaults: its alternative's fill_rate_during moved in the last bit
    between two runs, and a shuffled finishing order moves it (the scenario's 60 replications
    are needed; fewer happen to sum the same in any order)."""
    import simulator.experiment.runner as runner

    sc = simulator.load_scenario(ROOT / "scenarios" / "china_europe_rail_cut.yaml")
    first = simulator.run(sc, jobs=2, alternatives=True)
    in_order = runner.run_local

    def any_order(*args, **kwargs):
        outputs = list(in_order(*args, **kwargs))
        random.Random(3).shuffle(outputs)
        return outputs

    monkeypatch.setattr(runner, "run_local", any_order)
    again = simulator.run(sc, jobs=2, alternatives=True)
    a, b = (r.decision_table().set_index("policy") for r in (first, again))
    alt = a.index[a["kind"] == "stock-only"]
    assert len(alt) == 1
    pd.testing.assert_frame_equal(a.loc[alt], b.loc[alt], check_exact=True)


def test_diversification_wins_a_long_closure():
    """A 150-day closure: matching the backup's service with stock takes about 150 more days of
    cover, whose holding cost exceeds the 5% premium the backup pays while a is down."""
    r = simulator.run(_decision_scenario(150, 10.5), jobs=1, alternatives=True)
    t = r.decision_table().set_index("policy")
    alt = t[t["kind"] == "stock-only"].iloc[0]
    assert alt["days_of_cover"] >= 150
    assert r.recommendation.policy == "backup"
    assert alt["cost_per_unit"] > t.loc["backup", "cost_per_unit"]
    assert "single" not in r.recommendation.ranking  # far below the fill-rate target


def test_no_alternative_without_asking():
    r = simulator.run(_decision_scenario(6, 15.0), replications=2, jobs=1)
    assert (r.decision_table()["kind"] == "policy").all()
