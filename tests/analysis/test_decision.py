"""The recommendation rule, its ties and the warnings, on hand-made replication tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.analysis.decision import decision_table, decision_warnings, recommend
from simulator.scenario.schema import DecisionRule


def _reps(**policies: tuple[list[float], list[float]]) -> pd.DataFrame:
    """One row per (policy, replication) from {policy: (fill rates, costs per unit)}."""
    rows = []
    for p, (fills, costs) in policies.items():
        for i, (f, c) in enumerate(zip(fills, costs, strict=True)):
            rows.append(
                {
                    "policy": p,
                    "replication": i,
                    "fill_rate": f,
                    "cost_per_unit": c,
                    "landed_cost_per_unit": c - 1.0,
                    "cost_per_unit_shortage": 0.0,
                    "hhi_country": 1.0,
                    "chokepoint_exposure": 0.0,
                }
            )
    return pd.DataFrame(rows)


NOISE = [0.3, -0.2, 0.5, -0.4, 0.1, -0.3]  # common to every policy: the paired part
WOBBLE = [0.06, -0.04, 0.05, -0.03, 0.04, -0.02]  # mean +0.01, paired interval across 0


def test_cheapest_eligible_wins_and_paired_ties_are_named():
    base = [10 + e for e in NOISE]
    reps = _reps(
        a=([0.99] * 6, base),
        # +0.01 on average, but ±0.05 around it: the paired interval includes 0 → tied
        b=([0.995] * 6, [c + d for c, d in zip(base, WOBBLE, strict=True)]),
        # +0.20 on every replication: clearly dearer even though its mean is close
        c=([0.999] * 6, [c + 0.2 for c in base]),
        # the cheapest, but below the fill-rate target: not eligible
        d=([0.95] * 6, [c - 2 for c in base]),
    )
    rec = recommend(reps, ["a", "b", "c", "d"], DecisionRule(min_fill_rate=0.98))
    assert rec.policy == "a" and rec.meets_target
    assert rec.tied == ("b",)
    assert rec.ranking == ("a", "b", "c")
    assert "tied with b" in rec.reason and "98.0%" in rec.reason
    assert "next: c at 10.20 (+2.0%)" in rec.reason  # the cheapest clearly dearer one


def test_tie_broken_by_the_lower_mean_cost_whatever_the_order_given():
    base = [10 + e for e in NOISE]
    reps = _reps(x=([0.99] * 6, [c + 0.01 for c in base]), y=([0.99] * 6, base))
    for order in (["x", "y"], ["y", "x"]):
        rec = recommend(reps, order, DecisionRule(min_fill_rate=0.98))
        assert rec.policy == "y" and rec.tied == ()  # +0.01 on every replication: not tied


def test_landed_cost_objective_uses_landed_price():
    reps = _reps(a=([0.99] * 3, [10, 10, 10]), b=([0.99] * 3, [9, 9, 9]))
    reps.loc[reps["policy"] == "b", "landed_cost_per_unit"] = 9.5  # dearer landed, cheaper total
    reps.loc[reps["policy"] == "a", "landed_cost_per_unit"] = 9.0
    assert recommend(reps, ["a", "b"], DecisionRule(objective="total_cost")).policy == "b"
    rec = recommend(reps, ["a", "b"], DecisionRule(objective="landed_cost"))
    assert rec.policy == "a" and rec.objective == "landed_cost_per_unit"


def test_no_policy_meets_the_target_names_the_best_server():
    reps = _reps(a=([0.90] * 3, [10] * 3), b=([0.95] * 3, [12] * 3))
    rec = recommend(reps, ["a", "b"], DecisionRule(min_fill_rate=0.99))
    assert rec.policy == "b" and not rec.meets_target
    assert "no policy reaches" in rec.reason and "95.0%" in rec.reason


def test_decision_table_intervals_are_clipped_to_what_a_rate_can_be():
    reps = _reps(a=([1.0, 0.9, 1.0], [10, 11, 12]), b=([1.0, 1.0, 0.98], [10, 10, 10]))
    t = decision_table(reps, pd.DataFrame(), ["a", "b"], "a").set_index("policy")
    assert t.loc["a", "fill_rate_high"] == 1.0  # the t interval would pass 100%
    assert t.loc["a", "fill_rate_low"] < t.loc["a", "fill_rate"] < 1.0
    # landed price relative to the baseline, paired: b is 1, 0 and -1 below a's 9, 10, 11
    assert t.loc["b", "landed_vs_baseline"] == pytest.approx(-1 / 10)
    assert t.loc["a", "landed_vs_baseline"] == 0.0


def test_warns_when_the_shortage_penalty_decides(tiny):
    reps = _reps(a=([0.99] * 3, [12] * 3), b=([0.99] * 3, [11] * 3))
    # b is cheaper only because a pays 3 per unit of shortage penalty
    reps.loc[reps["policy"] == "a", "cost_per_unit_shortage"] = 3.0
    rule = DecisionRule(min_fill_rate=0.98)
    rec = recommend(reps, ["a", "b"], rule)
    assert rec.policy == "b"
    out = decision_warnings(tiny, reps, pd.DataFrame(), ["a", "b"], rec, rule)
    assert any("shortage penalty decides the ranking" in w and "a would be" in w for w in out)
    # Without the penalty gap no such warning.
    reps["cost_per_unit_shortage"] = 0.0
    out = decision_warnings(tiny, reps, pd.DataFrame(), ["a", "b"], rec, rule)
    assert not any("shortage penalty" in w for w in out)


def test_warns_of_hidden_concentration(tiny):
    reps = _reps(split=([0.99] * 3, [10] * 3), single=([0.99] * 3, [10] * 3))
    reps.loc[reps["policy"] == "split", ["hhi_country", "chokepoint_exposure"]] = (0.5, 0.95)
    flows = pd.DataFrame(
        {"policy": ["split", "split"], "leg": ["cn_suez", "vn_suez"], "units": [10.0, 10.0]}
    )
    rule = DecisionRule()
    rec = recommend(reps, ["single", "split"], rule)
    out = decision_warnings(tiny, reps, flows, ["single", "split"], rec, rule)
    hits = [w for w in out if w.startswith("hidden concentration")]
    assert len(hits) == 1 and "split" in hits[0] and "suez" in hits[0] and "95%" in hits[0]
    # Half or less through one strait is not "most of its units".
    reps.loc[reps["policy"] == "split", "chokepoint_exposure"] = 0.5
    out = decision_warnings(tiny, reps, flows, ["single", "split"], rec, rule)
    assert not any(w.startswith("hidden concentration") for w in out)


def test_warns_of_stock_below_lead_time_demand(tiny_data):
    from simulator import scenario_from_dict

    # cn → dc takes 3 (supplier) + 1 + 20 + 10 + 1 = 35 days; 10 days of cover cannot hold it.
    tiny_data["nodes"]["dc"]["inventory"] = {"kind": "base_stock", "order_up_to_days_of_cover": 10}
    sc = scenario_from_dict(tiny_data)
    reps = _reps(single=([0.5] * 2, [10] * 2))
    rule = DecisionRule()
    rec = recommend(reps, ["single"], rule)
    out = decision_warnings(sc, reps, pd.DataFrame(), ["single"], rec, rule)
    hits = [w for w in out if w.startswith("stock below lead-time demand")]
    assert hits and "single" in hits[0] and "400 units" in hits[0]
    assert np.isclose(float(hits[0].split("but ")[1].split(" are")[0].replace(",", "")), 40 * 36)
