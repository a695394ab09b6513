"""The fixed costs of diversifying: per-order and per-shipment costs, (r,Q) ordering, minimum
order quantities and multiples, and constant-rate demand (EOQ against its closed form)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from simulator import run_replication, scenario_from_dict
from simulator.analysis.metrics import replication_figures
from simulator.model import ReplicationModel
from simulator.model.trace import OrderPlaced


def scenario(
    sourcing: dict,
    *,
    demand: dict | None = None,
    inventory: dict | None = None,
    a: dict | None = None,
    b: dict | None = None,
    legs: dict | None = None,
    horizon: int = 120,
    warmup: int = 20,
    disruptions: dict | None = None,
    product: dict | None = None,
) -> object:
    nodes = {
        "A": {"kind": "supplier", "country": "CN", "unit_price": 10, **(a or {})},
        "B": {"kind": "supplier", "country": "VN", "unit_price": 10, **(b or {})},
        "D": {
            "kind": "site",
            "country": "DE",
            "demand": demand or {"kind": "daily", "quantity": 10},
            "inventory": inventory or {"kind": "base_stock", "order_up_to": 100},
        },
    }
    leg_specs = {
        "A_D": {"from": "A", "to": "D", "mode": "sea", "transit_days": 5},
        "B_D": {"from": "B", "to": "D", "mode": "sea", "transit_days": 5},
    }
    for lid, extra in (legs or {}).items():
        leg_specs[lid].update(extra)
    return scenario_from_dict(
        {
            "name": "fixed",
            "horizon_days": horizon,
            "warmup_days": warmup,
            "product": product or {"unit_value": 100, "holding_cost_rate": 0.365},
            "nodes": nodes,
            "legs": leg_specs,
            "sourcing": sourcing,
            "disruptions": disruptions or {},
        }
    )


SINGLE = {"single": {"kind": "single", "supplier": "A"}}
SPLIT = {"split": {"kind": "split", "shares": {"A": 0.5, "B": 0.5}}}


def placed(sc, policy: str) -> list[OrderPlaced]:
    events = []
    ReplicationModel(sc, policy, trace=events.append).run()
    return [e for e in events if isinstance(e, OrderPlaced)]


# --------------------------------------------------------------------------- fixed costs


def test_order_and_shipment_costs_count_orders_and_shipments():
    """Daily review, 10 units a day: the single source places one order (one shipment) a day,
    the 50/50 split two. Each order costs 20, each shipment entering a leg 30."""
    fixed = {"order_cost": 20}
    legs = {"A_D": {"cost_per_shipment": 30}, "B_D": {"cost_per_shipment": 30}}
    sc = scenario({**SINGLE, **SPLIT}, a=fixed, b=fixed, legs=legs)
    for policy, per_day in (("single", 1), ("split", 2)):
        r = run_replication(sc, policy)
        w = slice(20, 120)
        orders = len([e for e in placed(sc, policy) if 20 <= e.time < 120])
        shipments_entered = r.costs["transport_fixed"][w].sum() / 30
        assert orders == per_day * 100
        assert r.costs["ordering"][w].sum() == 20 * orders
        assert shipments_entered == per_day * 100
        f = replication_figures(r, sc)
        assert f["cost_ordering"] == 20 * per_day * 100
        assert f["cost_transport_fixed"] == 30 * per_day * 100


def test_a_policy_order_cost_replaces_the_suppliers():
    sc = scenario({"split": {**SPLIT["split"], "order_cost": 5}}, a={"order_cost": 20})
    r = run_replication(sc, "split")
    assert r.costs["ordering"][20:120].sum() == 5 * 200


def test_fixed_costs_can_outweigh_what_a_split_buys():
    """A supplier-A outage (days 50–65) costs the single source some service; the split over two
    countries keeps more of it, but with 100 per order and 150 per shipment its cost per unit
    (shortage penalty included) is the higher one."""
    fixed = {"order_cost": 100}
    legs = {"A_D": {"cost_per_shipment": 150}, "B_D": {"cost_per_shipment": 150}}
    outage = {
        "target": {"node": "A"},
        "timing": {"kind": "scheduled", "start_day": 50, "duration_days": 15},
        "effect": {"closed": True},
    }
    sc = scenario({**SINGLE, **SPLIT}, a=fixed, b=fixed, legs=legs, disruptions={"a_out": outage})
    data = sc.model_dump(mode="json", by_alias=True)
    data["nodes"]["D"]["shortage_penalty_per_unit"] = 20
    sc = scenario_from_dict(data)
    single = replication_figures(run_replication(sc, "single"), sc)
    split = replication_figures(run_replication(sc, "split"), sc)
    assert split["fill_rate"] > single["fill_rate"]
    assert split["cost_per_unit"] > single["cost_per_unit"]
    assert split["cost_ordering"] + split["cost_transport_fixed"] == pytest.approx(
        2 * (single["cost_ordering"] + single["cost_transport_fixed"]), rel=0.05
    )


# --------------------------------------------------------------------------- order sizes


def test_minimum_order_quantity_and_multiple_round_every_order_up():
    sc = scenario(SINGLE, a={"min_order_qty": 25, "order_multiple": 10})
    orders = placed(sc, "single")
    assert orders and all(e.units >= 25 and e.units % 10 == 0 for e in orders)
    r = run_replication(sc, "single")
    assert r.sites["D"]["orders"].sum() == sum(e.units for e in orders) == r.balance["ordered"]
    # The site counts what was placed, not what it asked for: position never runs away.
    assert r.balance["final_on_order"] + r.balance["received"] == r.balance["ordered"]


def test_a_split_below_a_minimum_rounds_up_or_skips_as_the_policy_states():
    """A 50/50 split of 10 units a day, with A's minimum at 8. round_up: A always gets 8 (never
    less), B what the site still needs; skip: A's share goes to B, which gets every order."""
    for rule in ("round_up", "skip"):
        sc = scenario({"split": {**SPLIT["split"], "below_minimum": rule}}, a={"min_order_qty": 8})
        later = [e for e in placed(sc, "split") if e.time >= 10]
        units = {s: [e.units for e in later if e.supplier == s] for s in ("A", "B")}
        if rule == "round_up":
            assert units["A"] and all(u >= 8 for u in units["A"])
            assert sum(units["A"]) + sum(units["B"]) == pytest.approx(10 * len(units["A"]), abs=8)
        else:
            assert units["A"] == [] and units["B"] and set(units["B"]) == {10}


# --------------------------------------------------------------------------- EOQ and (r,Q)


def eoq_case(q: int, horizon: int = 120) -> object:
    """D = 10 units/day at a constant rate, lead time 5 days, r = D·L = 50, order cost K = 50,
    holding h = 100 × 0.365 / 365 = 0.1 per unit-day: Q* = sqrt(2KD/h) = 100."""
    return scenario(
        SINGLE,
        demand={"kind": "rate", "per_day": 10},
        inventory={
            "kind": "r_Q",
            "reorder_point": 50,
            "order_quantity": q,
            "review_period_days": 0,
        },
        a={"order_cost": 50},
        horizon=horizon,
    )


@pytest.mark.parametrize("q", [50, 100, 200])
def test_eoq_cycle_and_cost_against_the_closed_form(q):
    """Deterministic demand, r = D·L: an order every Q/D days arrives as the last unit leaves, so
    on hand runs Q, Q−1, …, 1 (average Q/2 + 1/2 for whole units) and never short. Cost per day
    = K·D/Q + h·(Q/2 + 1/2); the window (100 days) is a whole number of cycles."""
    sc = eoq_case(q, horizon=20 + 400)
    r = run_replication(sc, "single")
    f = replication_figures(r, sc)
    days = 400
    assert f["fill_rate"] == 1.0
    orders = [e.time for e in placed(sc, "single") if 20 <= e.time < 420]
    assert len(orders) == days * 10 / q
    assert np.allclose(np.diff(orders), q / 10)
    assert f["on_hand_avg"] == pytest.approx(q / 2 + 0.5, abs=1e-6)
    per_day = (f["cost_ordering"] + f["cost_holding"]) / days
    assert per_day == pytest.approx(50 * 10 / q + 0.1 * (q / 2 + 0.5), rel=1e-6)


def test_the_eoq_is_the_cheapest_order_quantity():
    cost = {}
    for q in (50, 80, 100, 125, 200):
        f = replication_figures(run_replication(eoq_case(q, 420), "single"), eoq_case(q, 420))
        cost[q] = f["cost_ordering"] + f["cost_holding"]
    assert min(cost, key=cost.get) == 100


@pytest.mark.slow
def test_r_q_fill_rate_with_poisson_demand_matches_theory():
    """Continuous review (r, Q), Poisson(λ) unit demand, fixed lead time L, backorders: the
    position is uniform on r+1 … r+Q, so β = (1/Q) Σ_{y=r+1}^{r+Q} P(D_L ≤ y − 1), D_L ~
    Poisson(λL)."""
    lam, lead, r_, q = 5.0, 4.0, 18, 10
    theory = float(
        np.mean([stats.poisson.cdf(y - 1, lam * lead) for y in range(r_ + 1, r_ + q + 1)])
    )
    sc = scenario(
        SINGLE,
        demand={"kind": "poisson", "rate_per_day": lam},
        inventory={
            "kind": "r_Q",
            "reorder_point": r_,
            "order_quantity": q,
            "review_period_days": 0,
        },
        legs={"A_D": {"transit_days": lead}},
        horizon=4000,
        warmup=50,
    )
    fills = np.array(
        [
            replication_figures(run_replication(sc, "single", replication=i), sc)["fill_rate"]
            for i in range(8)
        ]
    )
    se = fills.std(ddof=1) / math.sqrt(len(fills))
    assert abs(fills.mean() - theory) < 4 * se + 1e-4, (fills.mean(), theory, se)
