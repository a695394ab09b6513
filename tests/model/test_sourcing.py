"""Sourcing policies inside the model: exact allocation, switching and queue traces.

Two suppliers (A in CN at 10 per unit, 2 days to the site; B in VN at 12 per unit, 1 day) serve one
site with 10 units of demand a day and a daily base-stock review (S = 1000), so the site orders 10
units at the start of every day from day 1 on. Disruptions start at half days (99.5) so that no
review coincides with a change.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator import run_replication, scenario_from_dict
from simulator.model import ReplicationModel
from simulator.model.results import ShipmentRecord as Ship
from simulator.model.trace import OrderAllocated

HORIZON = 200


def two_suppliers(
    policies: dict,
    disruptions: dict | None = None,
    *,
    a: dict | None = None,
    b: dict | None = None,
    demand: dict | None = None,
    extra_suppliers: dict | None = None,
) -> object:
    nodes = {
        "A": {"kind": "supplier", "country": "CN", "unit_price": 10, **(a or {})},
        "B": {"kind": "supplier", "country": "VN", "unit_price": 12, **(b or {})},
        "D": {
            "kind": "site",
            "country": "DE",
            "demand": demand or {"kind": "daily", "quantity": 10},
            "inventory": {"kind": "base_stock", "order_up_to": 1000, "review_period_days": 1},
        },
    }
    legs = {
        "A_D": {"from": "A", "to": "D", "mode": "road", "transit_days": 2},
        "B_D": {"from": "B", "to": "D", "mode": "road", "transit_days": 1},
    }
    for sid, spec in (extra_suppliers or {}).items():
        nodes[sid] = {"kind": "supplier", "country": "TH", **spec}
        legs[f"{sid}_D"] = {"from": sid, "to": "D", "mode": "road", "transit_days": 3}
    return scenario_from_dict(
        {
            "name": "sourcing",
            "horizon_days": HORIZON,
            "nodes": nodes,
            "legs": legs,
            "sourcing": policies,
            "disruptions": disruptions or {},
        }
    )


def closure(target: dict, start: float = 99.5, duration: float = 30) -> dict:
    return {
        "target": target,
        "timing": {"kind": "scheduled", "start_day": start, "duration_days": duration},
        "effect": {"closed": True},
    }


def traced(scenario, policy: str, **kw) -> tuple[object, list[tuple[float, int, dict[str, int]]]]:
    """Run with a record of every allocation: (time, units, {supplier: units})."""
    trace: list[tuple[float, int, dict[str, int]]] = []

    def record(event):
        if isinstance(event, OrderAllocated):
            trace.append((event.time, event.units, {s: q for s, q, _ in event.parts}))
            assert sum(q for _, q, _ in event.parts) == event.units

    return ReplicationModel(scenario, policy, trace=record, **kw).run(), trace


def ships_of(result) -> list[Ship]:
    return [row for row in result.shipments]


# --------------------------------------------------------------------------- split


@pytest.mark.parametrize(
    "shares",
    [
        {"A": 0.5, "B": 0.3, "C": 0.2},
        {"A": 0.7, "B": 0.2, "C": 0.1},
        {"A": 0.34, "B": 0.33, "C": 0.33},
    ],
)
def test_split_cumulative_units_track_the_shares_after_every_order(shares):
    sc = two_suppliers(
        {"split": {"kind": "split", "shares": shares}},
        demand={"kind": "daily", "quantity": {"dist": "poisson", "mean": 7}},
        extra_suppliers={"C": {"unit_price": 9}},
    )
    result, trace = traced(sc, "split")
    assert len(trace) > 150
    cumulative = dict.fromkeys(shares, 0)
    total = 0
    for _, qty, alloc in trace:
        total += qty
        for s, q in alloc.items():
            cumulative[s] += q
        for s, share in shares.items():
            assert abs(cumulative[s] - share * total) <= 1 + 1e-9, (total, cumulative)
    # The units each supplier shipped are the units it was allocated (all orders but the last
    # few days' have arrived by the horizon).
    shipped = {s: 0 for s in shares}
    for s in ships_of(result):
        shipped[s.supplier] += s.units_ordered
    last = {s: sum(a.get(s, 0) for t, _, a in trace if t >= HORIZON - 4) for s in shares}
    for s in shares:
        assert cumulative[s] - last[s] <= shipped[s] <= cumulative[s]


# --------------------------------------------------------------------------- primary / backup

PB = {
    "kind": "primary_backup",
    "primary": "A",
    "backups": ["B"],
    "detection_delay_days": 5,
    "backup_premium": 0.15,
}


def test_primary_backup_switches_after_the_detection_delay_and_back_on_recovery():
    sc = two_suppliers({"pb": PB}, {"a": closure({"node": "A"})})
    result, trace = traced(sc, "pb")
    by_time = {t: alloc for t, _, alloc in trace}
    # Down from 99.5; the outage is detected at 104.5, when A's queued orders (placed at 100 …
    # 104, 50 units) move to the backup; the primary recovers at 129.5.
    assert by_time[104.5] == {"B": 50}
    for t, alloc in by_time.items():
        if t == 104.5:
            continue
        assert alloc == ({"B": 10} if 105 <= t <= 129 else {"A": 10}), t
    # Purchase cost per day: 10 × 10 from A; 10 × 12 × 1.15 = 138 from B. On day 104 A's five
    # queued orders (500) are refunded and re-bought from B: 100 − 500 + 50 × 13.8 = 290.
    expected = np.full(HORIZON, 100.0)
    expected[0] = 0
    expected[104] = 290
    expected[105:130] = 138
    np.testing.assert_allclose(result.costs["purchase"], expected, rtol=0, atol=1e-9)
    ships = ships_of(result)
    assert all((s.supplier == "B") == (s.role == "backup") for s in ships)
    assert not [s for s in ships if s.supplier == "A" and 100 <= s.ordered_at < 105]
    (moved,) = [s for s in ships if s.ordered_at == 104.5]
    assert (moved.supplier, moved.units_ordered, moved.arrived_at) == ("B", 50, 105.5)
    # Everything ordered was delivered or is still on its way, once.
    assert (
        sum(s.units_ordered for s in ships) + result.balance["in_transit"]
        == result.balance["ordered"]
    )


def test_primary_backup_ignores_an_outage_shorter_than_the_detection_delay():
    sc = two_suppliers({"pb": PB}, {"a": closure({"node": "A"}, duration=4.9)})
    result, trace = traced(sc, "pb")
    assert all(alloc == {"A": 10} for _, _, alloc in trace)
    ships = {s.ordered_at: s for s in ships_of(result)}
    for d in range(100, 105):  # queued at A during the outage, produced when it ends at 104.4
        assert ships[d].dispatched_at == (104.4 if d < 104.4 else d)
    np.testing.assert_allclose(result.costs["purchase"][1:], 100.0)


def test_primary_backup_switches_when_every_route_from_the_primary_is_closed():
    sc = two_suppliers({"pb": PB}, {"road": closure({"leg": "A_D"})})
    _, trace = traced(sc, "pb")
    by_time = {t: alloc for t, _, alloc in trace}
    assert 104.5 not in by_time  # nothing queued at A: its shipments wait at A for the leg
    for t, alloc in by_time.items():
        assert alloc == ({"B": 10} if 105 <= t <= 129 else {"A": 10}), t


def test_primary_backup_without_moving_queued_orders_leaves_them_at_the_primary():
    pb = {**PB, "move_queued_orders": False}
    sc = two_suppliers({"pb": pb}, {"a": closure({"node": "A"})})
    result, trace = traced(sc, "pb")
    assert 104.5 not in {t for t, _, _ in trace}
    ships = ships_of(result)
    stuck = sorted((s.ordered_at, s.dispatched_at) for s in ships if 99.5 < s.ordered_at < 130)
    assert [o for o, _ in stuck if o < 105] == [100, 101, 102, 103, 104]
    for ordered, dispatched in stuck:
        if ordered < 105:
            assert dispatched == 129.5  # produced when the primary reopens
    expected = np.full(HORIZON, 100.0)
    expected[0] = 0
    expected[105:130] = 138
    np.testing.assert_allclose(result.costs["purchase"], expected, rtol=0, atol=1e-9)


# --------------------------------------------------------------------------- adaptive split

ADAPTIVE = {
    "kind": "adaptive_split",
    "shares": {"A": 0.5, "B": 0.5},
    "detection_delay_days": 3,
}


@pytest.mark.parametrize("move", [False, True])
def test_adaptive_split_excludes_a_closed_supplier_after_the_delay(move):
    sc = two_suppliers(
        {"ad": {**ADAPTIVE, "move_queued_orders": move}}, {"a": closure({"node": "A"})}
    )
    result, trace = traced(sc, "ad")
    by_time = {t: alloc for t, _, alloc in trace}
    if move:
        # Detected at 102.5: A's unstarted orders of 100, 101 and 102 (5 units each) go to B.
        assert by_time.pop(102.5) == {"B": 15}
    else:
        assert 102.5 not in by_time
    for t, alloc in by_time.items():
        # Excluded from 103 (down since 99.5, delay 3) to its recovery at 129.5.
        assert alloc == ({"B": 10} if 103 <= t <= 129 else {"A": 5, "B": 5}), t
    ships = ships_of(result)
    from_a = sorted(s.ordered_at for s in ships if s.supplier == "A" and 99.5 < s.ordered_at < 130)
    if move:
        assert from_a == []
    else:
        assert from_a == [100, 101, 102]
        assert all(
            s.dispatched_at == 129.5
            for s in ships
            if s.supplier == "A" and 99.5 < s.ordered_at < 103
        )


# --------------------------------------------------------------------------- ramp-up


@pytest.mark.parametrize("ramp", [0.0, 10.0])
def test_ramp_up_slows_a_newly_activated_backup_by_the_linear_ramp(ramp):
    """With a linear ramp over r days, a cold supplier of capacity c has made c·x²/(2r) units x
    days after activation (x <= r): the k-th 10-unit order is done at x = sqrt(2·r·10k/c)."""
    cap = 20.0
    pb = {**PB, "move_queued_orders": False}
    sc = two_suppliers(
        {"pb": pb},
        {"a": closure({"node": "A"})},
        b={"capacity_per_day": cap, "ramp_up_days": ramp},
    )
    result = run_replication(sc, "pb")
    backup = sorted(
        (s for s in ships_of(result) if s.supplier == "B"), key=lambda s: s.dispatched_at
    )
    activated = 105.0  # the first backup order
    assert backup[0].ordered_at == activated
    for k in range(1, 6):
        s = backup[k - 1]
        if ramp == 0:
            expected = s.ordered_at + 10 / cap
        else:
            expected = activated + math.sqrt(2 * ramp * 10 * k / cap)
        assert s.dispatched_at == pytest.approx(expected, abs=1e-9), k
    if ramp:
        # First backup shipment later than without ramp-up by sqrt(2·r·q/c) − q/c.
        delay = backup[0].dispatched_at - (activated + 10 / cap)
        assert delay == pytest.approx(math.sqrt(2 * ramp * 10 / cap) - 10 / cap)


def test_warm_primary_does_not_ramp_up():
    sc = two_suppliers({"pb": PB}, a={"capacity_per_day": 20, "ramp_up_days": 10})
    ships = sorted(ships_of(run_replication(sc, "pb")), key=lambda s: s.ordered_at)
    assert ships[0].ordered_at == 1 and ships[0].dispatched_at == 1.5


# --------------------------------------------------------------------------- shared capacity


def test_sites_competing_for_one_capacity_limited_supplier_are_served_fifo():
    cap, lead = 10.0, 1.0
    site = {
        "kind": "site",
        "country": "DE",
        "inventory": {"kind": "base_stock", "order_up_to": 400, "review_period_days": 1},
    }
    sc = scenario_from_dict(
        {
            "name": "fifo",
            "horizon_days": 120,
            "nodes": {
                "A": {
                    "kind": "supplier",
                    "country": "CN",
                    "capacity_per_day": cap,
                    "lead_time_days": lead,
                },
                "D1": {**site, "demand": {"kind": "daily", "quantity": 8}},
                "D2": {
                    **site,
                    "demand": {"kind": "daily", "quantity": {"dist": "poisson", "mean": 6}},
                },
            },
            "legs": {
                "A_D1": {"from": "A", "to": "D1", "mode": "road", "transit_days": 1},
                "A_D2": {"from": "A", "to": "D2", "mode": "road", "transit_days": 2},
            },
            "sourcing": {"single": {"kind": "single", "supplier": "A"}},
        }
    )
    model = ReplicationModel(sc, "single")
    placed: list[tuple[float, str, int]] = []
    place = model.suppliers["A"].place

    def recording(order):
        placed.append((order.placed_at, order.site, order.qty))
        place(order)

    model.suppliers["A"].place = recording
    result = model.run()
    ships = sorted(ships_of(result), key=lambda s: s.shipment)
    # Shipments are numbered in dispatch order; keep those before the first one still on its way.
    n = next((i for i, s in enumerate(ships) if s.shipment != i + 1), len(ships))
    ships = ships[:n]
    assert n > 50 and {s.site for s in ships} == {"D1", "D2"}
    # Demand (14/day) exceeds capacity (10/day): the queue grows, so FIFO order matters.
    done = 0.0
    for s, (t, site, qty) in zip(ships, placed[:n], strict=True):
        done = max(t, done) + qty / cap
        assert (s.site, s.ordered_at, s.units_ordered) == (site, t, qty)
        assert s.dispatched_at == pytest.approx(done + lead, abs=1e-9)
        assert s.arrived_at == pytest.approx(done + lead + (1 if site == "D1" else 2), abs=1e-9)
    assert ships[-1].dispatched_at - ships[-1].ordered_at > 20


def test_moving_queued_orders_leaves_the_order_in_production_at_the_primary():
    """Every route from A closes at 99.5 and A slows from 12 to 6 units/day at the same time, so
    a queue builds; at detection (104.5) the unstarted orders move, the one being made stays."""
    slow = {
        "target": {"node": "A"},
        "timing": {"kind": "scheduled", "start_day": 99.5, "duration_days": 30},
        "effect": {"capacity_factor": 0.5},
    }
    sc = two_suppliers(
        {"pb": PB}, {"road": closure({"leg": "A_D"}), "slow": slow}, a={"capacity_per_day": 12}
    )
    result, trace = traced(sc, "pb")
    # By hand: order 99 made 6 units by 99.5 and its last 4 at 6/day by 99.5 + 4/6; then each
    # order takes 10/6 days: order 100 done at 100.1667 + 1.6667, 101 at 103.5, and order 102
    # is being made from 103.5 when the outage is detected. Orders 103 and 104 (20 units) move.
    assert {t: alloc for t, _, alloc in trace}[104.5] == {"B": 20}
    from_a = {s.ordered_at: s for s in ships_of(result) if s.supplier == "A"}
    assert from_a[99].dispatched_at == pytest.approx(99.5 + 4 / 6)
    assert from_a[101].dispatched_at == pytest.approx(99.5 + 4 / 6 + 2 * 10 / 6)
    assert from_a[102].dispatched_at == pytest.approx(99.5 + 4 / 6 + 3 * 10 / 6)
    assert 103 not in from_a and 104 not in from_a
    (moved,) = [s for s in ships_of(result) if s.ordered_at == 104.5]
    assert (moved.supplier, moved.role, moved.units_ordered) == ("B", "backup", 20)


@pytest.mark.parametrize("unrelated", [False, True])
def test_a_closure_starting_at_a_review_is_in_force_for_that_review(unrelated):
    """Changes at t act before the review at t, whatever else is in the calendar."""
    dis = {"a": closure({"node": "A"}, start=100, duration=10)}
    if unrelated:  # moves the driver's wake-up for t = 100 after the review's
        dis["b"] = {
            "target": {"node": "B"},
            "timing": {"kind": "scheduled", "start_day": 99.5, "duration_days": 0.25},
            "effect": {"cost_factor": 1.0},
        }
    pb = {**PB, "detection_delay_days": 0}
    _, trace = traced(two_suppliers({"pb": pb}, dis), "pb")
    by_time = {t: alloc for t, _, alloc in trace}
    assert by_time[99] == {"A": 10}
    assert by_time[100] == {"B": 10} and by_time[109] == {"B": 10}
    assert by_time[110] == {"A": 10}  # reopened at 110, before that review
