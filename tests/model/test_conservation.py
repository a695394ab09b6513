"""Conservation of units on random small scenarios (Hypothesis), for every kind of policy.

Every unit ordered is received, on its way, at a supplier or destroyed on the way; every unit
demanded is met, backordered or lost on its day; stock never goes negative; with lost sales there
is never a backlog; the on-order figure a site keeps equals what is physically in the pipeline.
"""

from __future__ import annotations

import copy

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from simulator import run_replication, scenario_from_dict
from simulator.scenario.checks import check_data
from simulator.scenario.distributions import DISTRIBUTION_NAMES

COUNTRIES = ("CN", "VN", "MX")


@st.composite
def time_dist(draw, low: float = 0.0, high: float = 6.0):
    """A transit, handling or lead time in days, from one of several distributions."""
    kind = draw(st.sampled_from(list(DISTRIBUTION_NAMES)))
    a = draw(st.floats(low, high, allow_nan=False).map(lambda x: round(x, 2)))
    b = draw(st.floats(low, high, allow_nan=False).map(lambda x: round(x, 2)))
    lo, hi = min(a, b), max(a, b)
    if kind == "fixed":
        return a
    if kind == "uniform":
        return {"dist": "uniform", "low": lo, "high": hi}
    if kind == "triangular":
        return {"dist": "triangular", "low": lo, "mode": lo, "high": hi}
    if kind == "exponential":
        return {"dist": "exponential", "mean": max(hi, 0.1)}
    if kind == "normal":
        return {"dist": "normal", "mean": hi, "sd": round(hi / 3 + 0.1, 2)}
    if kind == "lognormal":
        return {"dist": "lognormal", "mean": max(hi, 0.1), "cv": 0.5}
    if kind == "gamma":
        return {"dist": "gamma", "shape": 2.0, "scale": max(hi, 0.1) / 2}
    if kind == "poisson":
        return {"dist": "poisson", "mean": hi}
    return {"dist": "empirical", "values": sorted({lo, hi, round((lo + hi) / 2, 2)})}


@st.composite
def demand_spec(draw):
    if draw(st.booleans()):
        return {"kind": "poisson", "rate_per_day": draw(st.sampled_from([0.5, 3.0, 8.0]))}
    quantity = draw(
        st.sampled_from(
            [
                5,
                {"dist": "poisson", "mean": 6},
                {"dist": "uniform", "low": 0, "high": 12},
                {"dist": "empirical", "values": [0, 0, 4, 20]},
                {"dist": "normal", "mean": 7, "sd": 4},
            ]
        )
    )
    return {"kind": "daily", "quantity": quantity}


@st.composite
def inventory_spec(draw):
    review = draw(st.sampled_from([0, 1, 2, 3.5, 7]))
    up_to = draw(st.integers(0, 120))
    spec: dict = {"review_period_days": review}
    if draw(st.booleans()):
        spec.update(kind="base_stock", order_up_to=up_to)
    else:
        spec.update(kind="s_S", reorder_point=draw(st.integers(0, up_to)), order_up_to=up_to)
    if draw(st.booleans()):
        spec["initial_on_hand"] = draw(st.integers(0, 150))
    return spec


@st.composite
def scenarios(draw):
    horizon = draw(st.integers(100, 180))
    n_sup = draw(st.integers(1, 3))
    n_site = draw(st.integers(1, 2))
    sups = [f"S{i}" for i in range(1, n_sup + 1)]
    sites = [f"D{i}" for i in range(1, n_site + 1)]
    nodes: dict = {}
    for s in sups:
        nodes[s] = {
            "kind": "supplier",
            "country": draw(st.sampled_from(COUNTRIES)),
            "capacity_per_day": draw(st.sampled_from([None, 3.0, 10.0, 40.0])),
            "lead_time_days": draw(time_dist()),
            "unit_price": 10,
            "ramp_up_days": draw(st.sampled_from([0, 0, 5.0])),
            "cooldown_days": draw(st.sampled_from([90, 10])),
            "tags": ["asia"] if draw(st.booleans()) else [],
        }
    nodes["P"] = {
        "kind": "port",
        "country": "CN",
        "capacity_per_day": draw(st.sampled_from([None, 15.0, 60.0])),
        "handling_days": draw(time_dist(0, 2)),
        "tags": ["asia"],
    }
    nodes["K1"] = {"kind": "chokepoint", "country": "EG", "tags": ["strait"]}
    nodes["K2"] = {
        "kind": "chokepoint",
        "country": "ZA",
        "tags": ["strait"],
        "capacity_per_day": draw(st.sampled_from([None, 20.0])),
    }
    for d in sites:
        nodes[d] = {
            "kind": "site",
            "country": "DE",
            "demand": draw(demand_spec()),
            "inventory": draw(inventory_spec()),
            "unmet": draw(st.sampled_from(["backorder", "lost"])),
            "reroute": draw(st.booleans()),
            "routing": draw(st.sampled_from(["fastest", "cheapest"])),
        }
    legs: dict = {}

    def leg(a, b, mode):
        legs[f"{a}_{b}"] = {
            "from": a,
            "to": b,
            "mode": mode,
            "transit_days": draw(time_dist()),
            "cost_per_unit": draw(st.sampled_from([0, 1, 2.5])),
            "capacity_per_day": draw(st.sampled_from([None, None, 25.0])),
        }

    for s in sups:
        leg(s, "P", "road")
    leg("P", "K1", "sea")
    leg("P", "K2", "sea")
    for d in sites:
        leg("K1", d, "sea")
        leg("K2", d, "sea")
        for s in sups:
            if draw(st.booleans()):
                leg(s, d, "rail")

    first = sups[0]
    even = {s: round(1 / n_sup, 6) for s in sups}
    even[first] = round(1 - sum(v for k, v in even.items() if k != first), 6)
    delay = draw(st.sampled_from([0, 1.5, 4]))
    move = draw(st.booleans())
    sourcing: dict = {
        "single": {"kind": "single", "supplier": draw(st.sampled_from(sups))},
        "split": {"kind": "split", "shares": even},
        "adaptive": {
            "kind": "adaptive_split",
            "shares": even,
            "detection_delay_days": delay,
            "move_queued_orders": move,
        },
    }
    if n_sup > 1:
        sourcing["contingent"] = {
            "kind": "primary_backup",
            "primary": first,
            "backups": sups[1:],
            "detection_delay_days": delay,
            "backup_premium": 0.2,
            "move_queued_orders": move,
        }

    modes = sorted({spec["mode"] for spec in legs.values()})
    countries = sorted({spec["country"] for spec in nodes.values()})
    disruptions: dict = {}
    for i in range(draw(st.integers(1, 4))):
        what = draw(st.sampled_from(["node", "leg", "country", "tag", "mode"]))
        target = {
            # Pass-through nodes twice as likely: that is where shipments wait and re-route.
            "node": lambda: {"node": draw(st.sampled_from([*sorted(nodes), "P", "K1", "K2"]))},
            "leg": lambda: {"leg": draw(st.sampled_from(sorted(legs)))},
            "country": lambda: {"country": draw(st.sampled_from(countries))},
            "tag": lambda: {"tag": draw(st.sampled_from(["asia", "strait"]))},
            "mode": lambda: {"mode": draw(st.sampled_from(modes))},
        }[what]()
        effects = ["closed", "closed", "capacity_factor", "extra_days", "cost_factor"]
        if what in ("node", "country", "tag"):
            effects += ["inventory_loss", "inventory_loss", "demand_factor"]
        values = {
            "closed": True,
            "capacity_factor": draw(st.sampled_from([0.0, 0.25, 0.6])),
            "extra_days": draw(st.sampled_from([0.5, 3.0, 10.0])),
            "cost_factor": 2.0,
            "inventory_loss": draw(st.sampled_from([0.3, 0.5, 1.0])),
            "demand_factor": draw(st.sampled_from([0.0, 2.0])),
        }
        # One or two effects at once (e.g. a port that closes and loses part of its stock).
        kinds = draw(st.lists(st.sampled_from(effects), min_size=1, max_size=2, unique=True))
        effect = {k: values[k] for k in kinds}
        if draw(st.booleans()):
            timing = {
                "kind": "scheduled",
                "start_day": draw(
                    st.floats(0, horizon, allow_nan=False).map(lambda x: round(x, 2))
                ),
                "duration_days": draw(st.sampled_from([0, 0.5, 3, 12, 40])),
            }
        else:
            timing = {
                "kind": "random",
                "mttf_days": draw(st.sampled_from([5, 20, 60])),
                "duration_days": draw(time_dist(0.5, 15)),
            }
        disruptions[f"x{i}"] = {"target": target, "timing": timing, "effect": effect}

    return without_inert_effects(
        {
            "name": "random",
            "seed": draw(st.integers(0, 2**31)),
            "horizon_days": horizon,
            "nodes": nodes,
            "legs": legs,
            "sourcing": sourcing,
            "disruptions": disruptions,
        }
    )


def without_inert_effects(data: dict) -> dict:
    """Drop effects aimed where they cannot act (validation refuses them), and disruptions left
    with no effect."""
    for p in check_data(data):
        parts = p.path.split(".")
        if len(parts) == 4 and parts[0] == "disruptions" and parts[2] == "effect":
            data["disruptions"][parts[1]]["effect"].pop(parts[3], None)
    data["disruptions"] = {k: d for k, d in data["disruptions"].items() if d["effect"]}
    return data


# Hand-written examples that surely exercise every mechanism: re-routing, waiting at closed
# nodes, destruction at a port and at a site, backups with ramp-up, moved orders, lost sales,
# a zero-length closure and a demand shock.
BUSY = {
    "name": "busy",
    "seed": 11,
    "horizon_days": 160,
    "nodes": {
        "S1": {
            "kind": "supplier",
            "country": "CN",
            "capacity_per_day": 10,
            "lead_time_days": 1,
            "unit_price": 10,
        },
        "S2": {
            "kind": "supplier",
            "country": "VN",
            "lead_time_days": {"dist": "uniform", "low": 1, "high": 3},
            "unit_price": 10,
            "ramp_up_days": 5,
            "capacity_per_day": 30,
        },
        "P": {
            "kind": "port",
            "country": "CN",
            "capacity_per_day": 15,
            "handling_days": 0.5,
            "tags": ["asia"],
        },
        "K1": {"kind": "chokepoint", "country": "EG", "tags": ["strait"]},
        "K2": {"kind": "chokepoint", "country": "ZA", "tags": ["strait"]},
        "D1": {
            "kind": "site",
            "country": "DE",
            "demand": {"kind": "daily", "quantity": {"dist": "poisson", "mean": 6}},
            "inventory": {"kind": "base_stock", "order_up_to": 80, "review_period_days": 1},
            "reroute": True,
        },
        "D2": {
            "kind": "site",
            "country": "FR",
            "demand": {"kind": "poisson", "rate_per_day": 3},
            "inventory": {
                "kind": "s_S",
                "reorder_point": 20,
                "order_up_to": 60,
                "review_period_days": 0,
            },
            "unmet": "lost",
            "reroute": False,
            "routing": "cheapest",
        },
    },
    "legs": {
        "S1_P": {"from": "S1", "to": "P", "mode": "road", "transit_days": 2, "cost_per_unit": 1},
        "S2_P": {"from": "S2", "to": "P", "mode": "road", "transit_days": 3, "cost_per_unit": 1},
        "P_K1": {"from": "P", "to": "K1", "mode": "sea", "transit_days": 8, "cost_per_unit": 2},
        "P_K2": {"from": "P", "to": "K2", "mode": "sea", "transit_days": 14, "cost_per_unit": 1},
        "K1_D1": {"from": "K1", "to": "D1", "mode": "sea", "transit_days": 4, "cost_per_unit": 2},
        "K2_D1": {"from": "K2", "to": "D1", "mode": "sea", "transit_days": 5, "cost_per_unit": 1},
        "K1_D2": {"from": "K1", "to": "D2", "mode": "sea", "transit_days": 3, "cost_per_unit": 2},
        "K2_D2": {"from": "K2", "to": "D2", "mode": "sea", "transit_days": 6, "cost_per_unit": 1},
        "S2_D1": {"from": "S2", "to": "D1", "mode": "rail", "transit_days": 10, "cost_per_unit": 5},
    },
    "sourcing": {
        "single": {"kind": "single", "supplier": "S1"},
        "split": {"kind": "split", "shares": {"S1": 0.5, "S2": 0.5}},
        "adaptive": {
            "kind": "adaptive_split",
            "shares": {"S1": 0.5, "S2": 0.5},
            "detection_delay_days": 2,
            "move_queued_orders": True,
        },
        "contingent": {
            "kind": "primary_backup",
            "primary": "S1",
            "backups": ["S2"],
            "detection_delay_days": 3,
            "move_queued_orders": True,
        },
    },
    "disruptions": {
        "canal": {
            "target": {"node": "K1"},
            "timing": {"kind": "scheduled", "start_day": 30, "duration_days": 20},
            "effect": {"closed": True},
        },
        "port": {
            "target": {"node": "P"},
            "timing": {"kind": "scheduled", "start_day": 35, "duration_days": 10},
            "effect": {"capacity_factor": 0.25},
        },
        "port_flood": {
            "target": {"tag": "asia"},
            "timing": {"kind": "random", "mttf_days": 5, "duration_days": 1},
            "effect": {"inventory_loss": 0.5},
        },
        "factory": {
            "target": {"node": "S1"},
            "timing": {"kind": "scheduled", "start_day": 60, "duration_days": 30},
            "effect": {"closed": True},
        },
        "ban": {
            "target": {"country": "CN"},
            "timing": {
                "kind": "random",
                "mttf_days": 40,
                "duration_days": {"dist": "exponential", "mean": 5},
            },
            "effect": {"closed": True},
        },
        "fire": {
            "target": {"node": "D1"},
            "timing": {"kind": "random", "mttf_days": 20, "duration_days": 1},
            "effect": {"inventory_loss": 0.3},
        },
        "rush": {
            "target": {"node": "D2"},
            "timing": {"kind": "scheduled", "start_day": 100, "duration_days": 20},
            "effect": {"demand_factor": 2},
        },
        "strike": {
            "target": {"mode": "rail"},
            "timing": {"kind": "scheduled", "start_day": 70, "duration_days": 0},
            "effect": {"closed": True},
        },
    },
}


def _instant() -> dict:
    """Zero lead and transit times, continuous review, zero-length and total-loss disruptions."""
    data = copy.deepcopy(BUSY)
    data["name"] = "instant"
    for spec in data["nodes"].values():
        if spec["kind"] == "supplier":
            spec["lead_time_days"] = 0
        if spec["kind"] == "site":
            spec["unmet"] = "lost"
            spec["inventory"] = {
                "kind": "s_S",
                "reorder_point": 5,
                "order_up_to": 15,
                "review_period_days": 0,
            }
    for spec in data["legs"].values():
        spec["transit_days"] = 0
    data["disruptions"]["port_flood"]["effect"] = {"inventory_loss": 1.0, "closed": True}
    data["disruptions"]["blink"] = {
        "target": {"node": "D1"},
        "timing": {"kind": "scheduled", "start_day": 50, "duration_days": 0},
        "effect": {"inventory_loss": 1.0},
    }
    return data


INSTANT = _instant()


def check_invariants(r, sc) -> None:
    b = r.balance
    # Units ordered: received, on their way, at a supplier (queued or in lead time) or destroyed
    # (on the way, or made and waiting at a supplier).
    destroyed = b["destroyed_in_transit"] + b["destroyed_at_suppliers"]
    assert b["ordered"] == b["received"] + b["in_transit"] + b["at_suppliers"] + destroyed, b
    # Stock: what came in minus what went out is what is left.
    assert (
        b["initial_on_hand"] + b["received"] - b["met_total"] - b["destroyed_at_sites"]
        == b["final_on_hand"]
    ), b
    # The sites' on-order figures are exactly the units in the pipeline.
    assert b["final_on_order"] == b["in_transit"] + b["at_suppliers"], b
    assert b["final_on_order"] == b["ordered"] - b["received"] - destroyed
    backordered_total = 0.0
    met_on_day = 0.0
    for site, a in r.sites.items():
        assert np.array_equal(a["demand"], a["met"] + a["backordered"] + a["lost"]), site
        for name in ("demand", "met", "backordered", "lost", "receipts", "orders", "destroyed"):
            assert (a[name] >= 0).all(), (site, name)
            assert np.array_equal(a[name], np.round(a[name])), (site, name)
        assert (a["on_hand_end"] >= 0).all(), site
        assert (a["on_hand_avg"] >= -1e-9).all(), site
        assert (a["backlog_end"] >= 0).all() and (a["on_order_end"] >= 0).all(), site
        if sc.sites[site].unmet == "lost":
            assert not a["backlog_end"].any() and not a["backlog_avg"].any(), site
            assert not a["backordered"].any(), site
        else:
            assert not a["lost"].any(), site
        backordered_total += a["backordered"].sum()
        met_on_day += a["met"].sum()
    # Backorders are either still outstanding or served later from arriving stock.
    assert b["met_total"] == met_on_day + backordered_total - b["final_backlog"], b
    assert sum(a["on_hand_end"][-1] for a in r.sites.values()) == b["final_on_hand"]
    assert sum(a["backlog_end"][-1] for a in r.sites.values()) == b["final_backlog"]
    assert sum(a["on_order_end"][-1] for a in r.sites.values()) == b["final_on_order"]
    assert sum(a["destroyed"].sum() for a in r.sites.values()) == b["destroyed_at_sites"]
    assert sum(s.units_delivered for s in r.shipments) == b["received"]
    assert all(0 <= s.units_delivered <= s.units_ordered for s in r.shipments)
    assert all(s.ordered_at <= s.dispatched_at <= s.arrived_at for s in r.shipments)


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenarios())
@example(BUSY)
@example(INSTANT)
def test_units_are_conserved_under_every_policy(data):
    sc = scenario_from_dict(data)
    for policy in sc.sourcing:
        check_invariants(run_replication(sc, policy, replication=0), sc)
