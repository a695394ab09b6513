"""Exact transport traces under scripted disruptions (fixed transit times, computed by hand).

The corridor: supplier S (unlimited capacity, no lead time) -> port P1 -> Suez -> port P2 -> site D,
optionally with an alternative P1 -> Cape -> P2. Transit days: S-P1 3.5, P1-Suez 10, Suez-P2 10,
P2-D 2 (Suez route 25.5 days), P1-Cape 20, Cape-P2 15 (Cape route 40.5 days). The site sees 10
units of demand a day and reviews daily with S = 1000, so from day 1 on it orders 10 units at the
start of every day d, and that order leaves S at t = d. The shipment dispatched at d is therefore
at P1 at d + 3.5, at Suez at d + 13.5, at P2 at d + 23.5 and at the site at d + 25.5.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator import run_replication, scenario_from_dict
from simulator.model.results import ShipmentRecord as Ship

SUEZ_LEGS = ("S_P1", "P1_suez", "suez_P2", "P2_D")
CAPE_LEGS = ("S_P1", "P1_cape", "cape_P2", "P2_D")
NOMINAL = 25.5  # Suez route, days
CAPE = 40.5  # Cape route, days
HORIZON = 200


def corridor(
    disruptions: dict | None = None,
    *,
    reroute: bool | str = False,
    cape: bool = False,
    routing: str = "fastest",
    p2_capacity: float | None = None,
) -> object:
    nodes = {
        "S": {"kind": "supplier", "country": "CN", "unit_price": 5},
        "P1": {"kind": "port", "country": "CN"},
        "suez": {"kind": "chokepoint", "country": "EG"},
        "P2": {"kind": "port", "country": "NL"},
        "D": {
            "kind": "site",
            "country": "DE",
            "demand": {"kind": "daily", "quantity": 10},
            "inventory": {"kind": "base_stock", "order_up_to": 1000, "review_period_days": 1},
            "reroute": reroute,
            "routing": routing,
        },
    }
    if p2_capacity is not None:
        nodes["P2"]["capacity_per_day"] = p2_capacity
    legs = {
        "S_P1": {"from": "S", "to": "P1", "mode": "road", "transit_days": 3.5, "cost_per_unit": 1},
        "P1_suez": {
            "from": "P1",
            "to": "suez",
            "mode": "sea",
            "transit_days": 10,
            "cost_per_unit": 2,
        },
        "suez_P2": {
            "from": "suez",
            "to": "P2",
            "mode": "sea",
            "transit_days": 10,
            "cost_per_unit": 3,
        },
        "P2_D": {"from": "P2", "to": "D", "mode": "rail", "transit_days": 2, "cost_per_unit": 0.5},
    }
    if cape:
        nodes["cape"] = {"kind": "chokepoint", "country": "ZA"}
        legs["P1_cape"] = {
            "from": "P1",
            "to": "cape",
            "mode": "sea",
            "transit_days": 20,
            "cost_per_unit": 1,
        }
        legs["cape_P2"] = {
            "from": "cape",
            "to": "P2",
            "mode": "sea",
            "transit_days": 15,
            "cost_per_unit": 1,
        }
    return scenario_from_dict(
        {
            "name": "corridor",
            "horizon_days": HORIZON,
            "nodes": nodes,
            "legs": legs,
            "sourcing": {"single": {"kind": "single", "supplier": "S"}},
            "disruptions": disruptions or {},
        }
    )


def scheduled(target: dict, effect: dict, start: float = 100, duration: float = 6) -> dict:
    return {
        "target": target,
        "timing": {"kind": "scheduled", "start_day": start, "duration_days": duration},
        "effect": effect,
    }


SUEZ_CLOSED = {"suez": scheduled({"node": "suez"}, {"closed": True})}


def by_dispatch(result) -> dict[int, Ship]:
    """Delivered shipments keyed by their (whole) dispatch day."""
    out = {}
    for row in result.shipments:
        s = row
        day = int(s.dispatched_at)
        assert s.dispatched_at == day and s.ordered_at == day
        assert day not in out
        out[day] = s
    return out


def by_dispatch_any(result) -> dict[int, Ship]:
    """Delivered shipments keyed by their order day (dispatch may be later)."""
    out = {}
    for row in result.shipments:
        s = row
        out[int(s.ordered_at)] = s
    return out


def delivered_days(ships: dict[int, Ship]) -> range:
    """The dispatch days every run below must have delivered (orders start on day 1)."""
    assert min(ships) == 1
    return range(1, 150)


# --------------------------------------------------------------------------- the baseline


def test_undisrupted_corridor_delivers_every_order_in_the_nominal_time():
    r = run_replication(corridor(), "single")
    ships = by_dispatch(r)
    for d in delivered_days(ships):
        s = ships[d]
        assert s.arrived_at == d + NOMINAL
        assert s.legs == SUEZ_LEGS and s.chokepoints == ("suez",)
        assert (s.units_ordered, s.units_delivered, s.rerouted, s.waited_days) == (10, 10, 0, 0)


# --------------------------------------------------------------------------- a Suez closure


def expected_suez_no_reroute(d: int, close: float = 100, reopen: float = 106) -> float:
    """Hand model: wait at P1 if the leg into Suez would be entered during the closure, or at
    Suez if the shipment reaches it during the closure."""
    enter = d + 3.5
    if close <= enter < reopen:
        return reopen + 10 + 10 + 2
    at_suez = enter + 10
    if close <= at_suez < reopen:
        return reopen + 10 + 2
    return d + NOMINAL


def test_suez_closure_delays_exactly_the_shipments_routed_through_it_no_reroute():
    r = run_replication(corridor(SUEZ_CLOSED, reroute=False), "single")
    ships = by_dispatch(r)
    delayed = set()
    for d in delivered_days(ships):
        s = ships[d]
        assert s.arrived_at == expected_suez_no_reroute(d), d
        assert s.legs == SUEZ_LEGS and s.rerouted == 0
        if s.arrived_at > d + NOMINAL:
            delayed.add(d)
            assert s.waited_days == pytest.approx(s.arrived_at - d - NOMINAL)
        else:
            assert s.waited_days == 0
    # Held at Suez: reached it at d + 13.5 in [100, 106); held at P1: entered at d + 3.5 in it.
    assert delayed == set(range(87, 93)) | set(range(97, 103))
    assert ships[87].arrived_at == 118 and ships[97].arrived_at == 128
    # Already through Suez (d <= 86) or on the leg out of P1 before the closure: unaffected.
    assert ships[86].arrived_at == 86 + NOMINAL
    assert ships[93].arrived_at == 93 + NOMINAL
    assert ships[103].arrived_at == 103 + NOMINAL


def test_suez_closure_reroute_moves_waiting_shipments_to_the_cape():
    r = run_replication(corridor(SUEZ_CLOSED, reroute=True, cape=True), "single")
    ships = by_dispatch(r)
    for d in delivered_days(ships):
        s = ships[d]
        if 97 <= d <= 99:
            # At P1 (d + 3.5 in [100.5, 102.5]) with Suez closed: re-routed from P1.
            assert s.legs == CAPE_LEGS and s.chokepoints == ("cape",)
            assert (s.rerouted, s.waited_days) == (1, 0)
            assert s.arrived_at == d + CAPE
        elif 100 <= d <= 105:
            # Left the supplier during the closure: the best available route is the Cape.
            assert s.legs == CAPE_LEGS and s.rerouted == 0
            assert s.arrived_at == d + CAPE
        elif 87 <= d <= 96:
            # On the leg into Suez (entered at d + 3.5 in [90.5, 99.5]) when it closed at 100:
            # with reroute: true they turn back at once and re-plan from P1 as if there now
            # (the days on the leg are sunk): the Cape from t = 100. The leg they turned back on
            # is not among the legs taken.
            assert s.legs == CAPE_LEGS and s.chokepoints == ("cape",)
            assert (s.rerouted, s.waited_days) == (1, 0)
            assert s.arrived_at == 100 + 20 + 15 + 2
        else:
            assert s.legs == SUEZ_LEGS and s.rerouted == 0 and s.waited_days == 0
            assert s.arrived_at == d + NOMINAL, d


def test_no_reroute_with_an_alternative_waits_but_new_shipments_take_the_open_route():
    r = run_replication(corridor(SUEZ_CLOSED, reroute=False, cape=True), "single")
    ships = by_dispatch(r)
    for d in delivered_days(ships):
        s = ships[d]
        if 100 <= d <= 105:
            assert s.legs == CAPE_LEGS and s.rerouted == 0 and s.arrived_at == d + CAPE
        else:
            assert s.legs == SUEZ_LEGS and s.rerouted == 0
            assert s.arrived_at == expected_suez_no_reroute(d), d


def test_closure_starting_exactly_on_arrival_holds_the_shipment_whatever_else_happens():
    """A disruption in force over [start, end) applies to everything that happens at ``start``,
    independently of unrelated disruptions elsewhere in the calendar."""
    closing = {"suez": scheduled({"node": "suez"}, {"closed": True}, start=100.5)}
    unrelated = {
        "other": scheduled({"leg": "P2_D"}, {"cost_factor": 1.5}, start=94, duration=1),
    }
    for dis in (closing, {**closing, **unrelated}):
        ships = by_dispatch(run_replication(corridor(dis), "single"))
        # d = 87 reaches Suez at exactly 100.5, when it closes: held until 106.5.
        assert ships[87].arrived_at == 106.5 + 12
        assert ships[87].waited_days == 6
        # d = 93 reaches Suez at exactly 106.5, when it reopens: not held.
        assert ships[93].arrived_at == 93 + NOMINAL
        assert ships[93].waited_days == 0


# --------------------------------------------------------------------------- other effects


def test_closed_leg_holds_shipments_at_its_start_and_not_those_already_on_it():
    dis = {"leg": scheduled({"leg": "P1_suez"}, {"closed": True})}
    ships = by_dispatch(run_replication(corridor(dis), "single"))
    for d in delivered_days(ships):
        if 97 <= d <= 102:
            assert ships[d].arrived_at == 106 + 22
            assert ships[d].waited_days == pytest.approx(106 - (d + 3.5))
        else:
            assert ships[d].arrived_at == d + NOMINAL, d
            assert ships[d].waited_days == 0


@pytest.mark.parametrize(
    ("target", "offset"),
    [
        ({"leg": "suez_P2"}, 13.5),  # added to the transit of a leg entered during the episode
        ({"node": "P2"}, 23.5),  # added to the time through a port reached during it
    ],
)
def test_extra_days_adds_exactly_that_transit(target, offset):
    dis = {"slow": scheduled(target, {"extra_days": 4})}
    ships = by_dispatch(run_replication(corridor(dis), "single"))
    hit = {d for d in delivered_days(ships) if 100 <= d + offset < 106}
    assert len(hit) == 6
    for d in delivered_days(ships):
        assert ships[d].arrived_at == d + NOMINAL + (4 if d in hit else 0), d


def test_extra_days_at_a_supplier_adds_production_time():
    dis = {"slow": scheduled({"node": "S"}, {"extra_days": 3})}
    ships = by_dispatch_any(run_replication(corridor(dis), "single"))
    for ordered, s in ships.items():
        extra = 3 if 100 <= ordered < 106 else 0
        assert s.dispatched_at == ordered + extra
        assert s.arrived_at == ordered + extra + NOMINAL


def test_port_capacity_factor_slows_throughput_to_units_over_capacity_times_factor():
    cap, factor = 15.0, 0.5
    dis = {"strike": scheduled({"node": "P2"}, {"capacity_factor": factor})}
    ships = by_dispatch(run_replication(corridor(dis, p2_capacity=cap), "single"))
    # Hand model of the port as a FIFO fluid server whose rate is capacity × the factor in force
    # at each instant (halved on [100, 106)): a shipment of q units that starts being handled at
    # s = max(arrival, port free) leaves when the integral of the rate from s reaches q.

    def finish(start: float, units: float) -> float:
        t, left = start, units
        for edge in (100.0, 106.0, math.inf):
            if t >= edge:
                continue
            rate = cap * (factor if 100.0 <= t < 106.0 else 1.0)
            if t + left / rate <= edge:
                return t + left / rate
            left -= (edge - t) * rate
            t = edge
        raise AssertionError("unreachable")

    free = 0.0
    for d in delivered_days(ships):
        free = finish(max(d + 23.5, free), 10)
        assert ships[d].arrived_at == pytest.approx(free + 2, abs=1e-9), d
    # Undisrupted: 10 units take 2/3 of a day; in the strike 4/3 of a day, so a queue builds.
    assert ships[50].arrived_at == pytest.approx(50 + NOMINAL + 2 / 3)
    assert ships[78].arrived_at - ships[77].arrived_at == pytest.approx(4 / 3)


def leg_entry_costs(multipliers: dict[tuple[str, int], float] | None = None) -> np.ndarray:
    """Expected transport cost per day: each shipment of 10 units pays each leg when it enters
    it, on the day it enters it (offsets from the dispatch day below)."""
    entries = {
        "S_P1": (0.0, 1.0),
        "P1_suez": (3.5, 2.0),
        "suez_P2": (13.5, 3.0),
        "P2_D": (23.5, 0.5),
    }
    multipliers = multipliers or {}
    out = np.zeros(HORIZON)
    for d in range(1, HORIZON):
        for leg, (offset, cost) in entries.items():
            day = math.floor(d + offset)
            if day < HORIZON:
                out[day] += 10 * cost * multipliers.get((leg, day), 1.0)
    return out


@pytest.mark.parametrize(
    ("target", "leg"),
    [
        ({"node": "suez"}, "P1_suez"),  # a node's freight factor applies to the leg into it
        ({"leg": "suez_P2"}, "suez_P2"),
    ],
)
def test_cost_factor_multiplies_freight_of_legs_entered_during_the_episode(target, leg):
    dis = {"war_risk": scheduled(target, {"cost_factor": 2.5})}
    r = run_replication(corridor(dis), "single")
    expected = leg_entry_costs({(leg, day): 2.5 for day in range(100, 106)})
    np.testing.assert_allclose(r.costs["transport"], expected, rtol=0, atol=1e-9)
    # Purchase cost is untouched: 10 units at 5 every day from day 1.
    np.testing.assert_allclose(r.costs["purchase"][1:], 50.0)


def test_cost_factor_at_a_supplier_multiplies_its_price():
    dis = {"tariff": scheduled({"node": "S"}, {"cost_factor": 1.2})}
    r = run_replication(corridor(dis), "single")
    expected = np.full(HORIZON, 50.0)
    expected[0] = 0.0
    expected[100:106] = 60.0
    np.testing.assert_allclose(r.costs["purchase"], expected, rtol=0, atol=1e-9)
    np.testing.assert_allclose(r.costs["transport"], leg_entry_costs(), rtol=0, atol=1e-9)


@pytest.mark.parametrize("duration", [1, 0])
def test_inventory_loss_at_a_site_destroys_floor_of_fraction_of_on_hand(duration):
    """The loss happens once, when the episode starts (also for a zero-length episode)."""
    dis = {
        "fire": scheduled({"node": "D"}, {"inventory_loss": 0.37}, start=50.25, duration=duration)
    }
    clean = run_replication(corridor(), "single").sites["D"]
    a = run_replication(corridor(dis), "single").sites["D"]
    on_hand = a["on_hand_end"][49]  # nothing happens between the end of day 49 and t = 50.25
    assert on_hand == clean["on_hand_end"][49]
    gone = math.floor(0.37 * on_hand)
    assert gone > 0
    assert a["destroyed"][50] == gone and a["destroyed"].sum() == gone
    assert a["on_hand_end"][50] == clean["on_hand_end"][50] - gone
    # The base-stock review at the start of day 51 re-orders the destroyed units.
    assert a["orders"][51] == 10 + gone
    np.testing.assert_array_equal(a["orders"][:51], clean["orders"][:51])


def test_inventory_loss_at_a_port_destroys_part_of_every_shipment_held_there():
    dis = {
        **SUEZ_CLOSED,
        "flood": scheduled({"node": "P1"}, {"inventory_loss": 0.75}, start=103.25, duration=1),
    }
    r = run_replication(corridor(dis), "single")
    ships = by_dispatch(r)
    # Held at P1 at t = 103.25: the shipments of days 97, 98 and 99 (at P1 since d + 3.5).
    lost = math.floor(10 * 0.75)  # 7 of each 10
    for d in range(1, 104):
        expected = 10 - lost if d in (97, 98, 99) else 10
        assert ships[d].units_delivered == expected, d
        assert ships[d].units_ordered == 10
    assert r.balance["destroyed_in_transit"] == 3 * lost
    assert r.sites["D"]["destroyed"].sum() == 0
    # Destroyed units leave the inventory position, so the next review re-orders them.
    assert ships[104].units_ordered == 10 + 3 * lost
    assert r.sites["D"]["on_order_end"][103] == r.sites["D"]["on_order_end"][102] - 3 * lost


# --------------------------------------------------------------------------- routing rules


@pytest.mark.parametrize(("rule", "legs"), [("fastest", SUEZ_LEGS), ("cheapest", CAPE_LEGS)])
def test_routing_rule_picks_the_expected_route(rule, legs):
    # Suez: 25.5 days, 6.5 per unit; Cape: 40.5 days, 3.5 per unit.
    ships = by_dispatch(run_replication(corridor(cape=True, routing=rule), "single"))
    for d in delivered_days(ships):
        assert ships[d].legs == legs
        assert ships[d].arrived_at == d + (NOMINAL if rule == "fastest" else CAPE)


# --------------------------------------------------------------------------- common-cause targets


def multi_source(disruptions: dict) -> object:
    """Three suppliers, one site: A1 and A2 in CN (A1 via Malacca, A2 via Suez), B in VN direct."""
    nodes = {
        "A1": {"kind": "supplier", "country": "CN"},
        "A2": {"kind": "supplier", "country": "CN"},
        "B": {"kind": "supplier", "country": "VN"},
        "malacca": {"kind": "chokepoint", "country": "MY", "tags": ["strait"]},
        "suez": {"kind": "chokepoint", "country": "EG", "tags": ["strait", "canal"]},
        "D": {
            "kind": "site",
            "country": "DE",
            "demand": {"kind": "daily", "quantity": 30},
            "inventory": {"kind": "base_stock", "order_up_to": 3000, "review_period_days": 1},
            "reroute": False,
        },
    }
    legs = {
        "A1_m": {"from": "A1", "to": "malacca", "mode": "sea", "transit_days": 5.5},
        "m_D": {"from": "malacca", "to": "D", "mode": "sea", "transit_days": 10},
        "A2_s": {"from": "A2", "to": "suez", "mode": "sea", "transit_days": 7.5},
        "s_D": {"from": "suez", "to": "D", "mode": "sea", "transit_days": 5},
        "B_D": {"from": "B", "to": "D", "mode": "rail", "transit_days": 12},
    }
    return scenario_from_dict(
        {
            "name": "multi",
            "horizon_days": HORIZON,
            "nodes": nodes,
            "legs": legs,
            "sourcing": {"split": {"kind": "split", "shares": {"A1": 0.4, "A2": 0.3, "B": 0.3}}},
            "disruptions": disruptions,
        }
    )


def test_country_target_stops_every_supplier_of_the_country_at_once():
    r = run_replication(
        multi_source({"ban": scheduled({"country": "CN"}, {"closed": True})}), "split"
    )
    (ep,) = r.episodes
    assert set(ep.nodes) == {"A1", "A2"} and ep.legs == ()
    seen = set()
    for row in r.shipments:
        s = row
        if s.ordered_at >= 150:
            continue
        seen.add(s.supplier)
        closed = s.supplier in ("A1", "A2") and 100 <= s.ordered_at < 106
        assert s.dispatched_at == (106 if closed else s.ordered_at), s
        transit = {"A1": 15.5, "A2": 12.5, "B": 12}[s.supplier]
        assert s.arrived_at == s.dispatched_at + transit
    assert seen == {"A1", "A2", "B"}


def test_tag_target_closes_every_tagged_node_at_once():
    r = run_replication(
        multi_source({"straits": scheduled({"tag": "strait"}, {"closed": True})}), "split"
    )
    (ep,) = r.episodes
    assert set(ep.nodes) == {"malacca", "suez"}
    for row in r.shipments:
        s = row
        if s.ordered_at >= 150:
            continue
        first = {"A1": 5.5, "A2": 7.5, "B": None}[s.supplier]
        rest = {"A1": 10, "A2": 5, "B": 12}[s.supplier]
        if first is None:
            assert s.arrived_at == s.ordered_at + rest
            continue
        # Not sent onto the leg into a closed chokepoint: held at the supplier until it reopens.
        leave = 106 if 100 <= s.ordered_at < 106 else s.ordered_at
        reach = leave + first  # held at the chokepoint if it is reached while closed
        expected = (106 if 100 <= reach < 106 else reach) + rest
        assert s.arrived_at == expected, s
    # Both chokepoints delayed something; the direct supplier never waited.
    waited = {row.supplier for row in r.shipments if row.waited_days > 0}
    assert waited == {"A1", "A2"}


def test_mode_target_closes_every_leg_of_the_mode():
    r = run_replication(
        multi_source({"sea": scheduled({"mode": "sea"}, {"closed": True})}), "split"
    )
    (ep,) = r.episodes
    assert set(ep.legs) == {"A1_m", "m_D", "A2_s", "s_D"} and ep.nodes == ()
    for row in r.shipments:
        s = row
        if s.ordered_at >= 150 or s.supplier == "B":
            if s.ordered_at < 150:
                assert s.arrived_at == s.ordered_at + 12
            continue
        first, rest = {"A1": (5.5, 10), "A2": (7.5, 5)}[s.supplier]
        leave = 106 if 100 <= s.ordered_at < 106 else s.ordered_at  # held at the supplier
        reach = leave + first
        second = 106 if 100 <= reach < 106 else reach  # held at the chokepoint before leg 2
        assert s.arrived_at == second + rest, s
