"""Candidate routes on the leg graph: ranking by the site's rule, k best, explicit routes."""

from __future__ import annotations

import pytest

from simulator import scenario_from_dict
from simulator.network.graph import Network, Route


def scenario(routing: str = "fastest", max_routes: int = 6, routes: dict | None = None):
    site = {
        "kind": "site",
        "country": "DE",
        "demand": {"kind": "daily", "quantity": 1},
        "inventory": {"kind": "base_stock", "order_up_to": 10},
        "routing": routing,
    }
    if routes is not None:
        site["routes"] = routes
    return scenario_from_dict(
        {
            "name": "net",
            "max_routes": max_routes,
            "nodes": {
                "S": {"kind": "supplier", "country": "CN"},
                "P": {
                    "kind": "port",
                    "country": "CN",
                    "handling_days": {"dist": "uniform", "low": 1, "high": 3},
                },
                "suez": {"kind": "chokepoint", "country": "EG"},
                "cape": {"kind": "chokepoint", "country": "ZA", "handling_days": 0.5},
                "rail": {"kind": "rail_hub", "country": "KZ"},
                "D": site,
            },
            "legs": {
                "S_P": {
                    "from": "S",
                    "to": "P",
                    "mode": "road",
                    "transit_days": 2,
                    "cost_per_unit": 1,
                },
                "P_suez": {
                    "from": "P",
                    "to": "suez",
                    "mode": "sea",
                    "transit_days": 12,
                    "cost_per_unit": 3,
                },
                "suez_D": {
                    "from": "suez",
                    "to": "D",
                    "mode": "sea",
                    "transit_days": 8,
                    "cost_per_unit": 3,
                },
                "P_cape": {
                    "from": "P",
                    "to": "cape",
                    "mode": "sea",
                    "transit_days": 20,
                    "cost_per_unit": 1,
                },
                "cape_D": {
                    "from": "cape",
                    "to": "D",
                    "mode": "sea",
                    "transit_days": 12,
                    "cost_per_unit": 1,
                },
                "S_rail": {
                    "from": "S",
                    "to": "rail",
                    "mode": "rail",
                    "transit_days": {"dist": "triangular", "low": 10, "mode": 13, "high": 19},
                    "cost_per_unit": 6,
                },
                "rail_D": {
                    "from": "rail",
                    "to": "D",
                    "mode": "rail",
                    "transit_days": 6,
                    "cost_per_unit": 4,
                },
                "S_D": {
                    "from": "S",
                    "to": "D",
                    "mode": "air",
                    "transit_days": 1.5,
                    "cost_per_unit": 40,
                },
            },
            "sourcing": {"single": {"kind": "single", "supplier": "S"}},
        }
    )


# Mean days: transit means plus mean handling at the pass-through nodes reached (P: 2, cape: 0.5).
AIR = Route(("S_D",), ("S", "D"), 1.5, 40.0)
SUEZ = Route(("S_P", "P_suez", "suez_D"), ("S", "P", "suez", "D"), 2 + 2 + 12 + 8, 7.0)
RAIL = Route(("S_rail", "rail_D"), ("S", "rail", "D"), 14 + 6, 10.0)
CAPE = Route(("S_P", "P_cape", "cape_D"), ("S", "P", "cape", "D"), 2 + 2 + 20 + 0.5 + 12, 3.0)


def test_fastest_ranks_by_mean_days_including_handling():
    assert Network(scenario("fastest")).routes("S", "D") == (AIR, RAIL, SUEZ, CAPE)


def test_cheapest_ranks_by_freight_per_unit():
    assert Network(scenario("cheapest")).routes("S", "D") == (CAPE, SUEZ, RAIL, AIR)


@pytest.mark.parametrize(
    ("rule", "expected"), [("fastest", (AIR, RAIL)), ("cheapest", (CAPE, SUEZ))]
)
def test_max_routes_keeps_the_k_best(rule, expected):
    assert Network(scenario(rule, max_routes=2)).routes("S", "D") == expected


def test_routes_from_a_pass_through_node_for_rerouting():
    net = Network(scenario("fastest"))
    from_p = net.routes("P", "D")
    assert [r.legs for r in from_p] == [("P_suez", "suez_D"), ("P_cape", "cape_D")]
    assert from_p[0].mean_days == 20 and from_p[1].mean_days == 32.5
    assert net.routes("suez", "D") == (Route(("suez_D",), ("suez", "D"), 8, 3.0),)


def test_routes_are_cached():
    net = Network(scenario())
    assert net.routes("S", "D") is net.routes("S", "D")


def test_reach_is_every_element_of_the_candidate_routes_and_is_cached():
    net = Network(scenario("fastest", max_routes=2))  # AIR and RAIL only
    reach = net.reach(("S",), "D")
    assert reach == {"S", "D", "S_D", "S_rail", "rail", "rail_D"}
    assert net.reach(("S",), "D") is reach
    assert net.reach((), "D") == {"D"}


def test_explicit_routes_restrict_the_candidates_and_give_suffixes_mid_route():
    sc = scenario("cheapest", routes={"S": [["S_P", "P_suez", "suez_D"], ["S_D"]]})
    net = Network(sc)
    assert net.routes("S", "D") == (SUEZ, AIR)
    # Mid-route, only suffixes of the listed routes are candidates (no Cape from P).
    assert [r.legs for r in net.routes("P", "D")] == [("P_suez", "suez_D")]


def test_chokepoints_are_the_chokepoint_nodes():
    assert Network(scenario()).chokepoints == frozenset({"suez", "cape"})


def twin_routes(routing: str, cost_b: float):
    """Two border crossings with equal transit: routes tie on days (and on cost if cost_b = 2)."""
    return scenario_from_dict(
        {
            "name": "twins",
            "nodes": {
                "S": {"kind": "supplier", "country": "CN"},
                "b2": {"kind": "border", "country": "KZ"},
                "b1": {"kind": "border", "country": "MN"},
                "D": {
                    "kind": "site",
                    "country": "DE",
                    "demand": {"kind": "daily", "quantity": 1},
                    "inventory": {"kind": "base_stock", "order_up_to": 10},
                    "routing": routing,
                },
            },
            "legs": {
                "z_S_b2": {
                    "from": "S",
                    "to": "b2",
                    "mode": "road",
                    "transit_days": 3,
                    "cost_per_unit": cost_b,
                },
                "z_b2_D": {"from": "b2", "to": "D", "mode": "road", "transit_days": 4},
                "a_S_b1": {
                    "from": "S",
                    "to": "b1",
                    "mode": "road",
                    "transit_days": 4,
                    "cost_per_unit": 2,
                },
                "a_b1_D": {"from": "b1", "to": "D", "mode": "road", "transit_days": 3},
            },
            "sourcing": {"single": {"kind": "single", "supplier": "S"}},
        }
    )


@pytest.mark.parametrize("routing", ["fastest", "cheapest"])
def test_ties_break_by_the_other_criterion_then_by_leg_ids(routing):
    # Same days (7): the cheaper one first, whatever the rule.
    legs = [r.legs for r in Network(twin_routes(routing, cost_b=1)).routes("S", "D")]
    assert legs == [("z_S_b2", "z_b2_D"), ("a_S_b1", "a_b1_D")]
    # Same days and cost: by leg ids, so the order never depends on dict or graph order.
    legs = [r.legs for r in Network(twin_routes(routing, cost_b=2)).routes("S", "D")]
    assert legs == [("a_S_b1", "a_b1_D"), ("z_S_b2", "z_b2_D")]
