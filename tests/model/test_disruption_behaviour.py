"""Disruptions and reactions that behave the way a planner knows they do (DESIGN §2), each on a
small scenario with a hand-computed outcome.

Corridor (see test_transport): S →3.5→ P1 →10→ Suez →10→ P2 →2→ D (25.5 days); the Cape
alternative from P1 takes 20 + 15 + 2 = 37 days to D. One shipment a day (demand 10, S = 1000).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_transport import CAPE_LEGS, SUEZ_LEGS, by_dispatch, corridor, scheduled

from simulator import ScenarioError, run_replication, scenario_from_dict
from simulator.model import ReplicationModel
from simulator.model.trace import OrderPlaced, OrdersWithdrawn, ShipmentRerouted

# --------------------------------------------------------------------------- 1. ships at sea


def long_suez_closure() -> dict:
    return {"suez": scheduled({"node": "suez"}, {"closed": True}, start=100, duration=100)}


@pytest.mark.parametrize("rule", [True, "when_faster"])
def test_ships_on_the_leg_into_a_100_day_closure_turn_back_at_once(rule):
    """On the leg into Suez when it closes at t = 100 (entered at d + 3.5 in (90, 100)): they
    re-plan from P1 as if there now, take the Cape from t = 100 and arrive at 137. Waiting would
    arrive at 200 + 22 = 222, so when_faster turns them back too."""
    events = []
    sc = corridor(long_suez_closure(), reroute=rule, cape=True)
    r = ReplicationModel(sc, "single", trace=events.append).run()
    ships = by_dispatch(r)
    for d in range(87, 97):
        s = ships[d]
        assert s.legs == CAPE_LEGS and s.chokepoints == ("cape",), d
        assert (s.rerouted, s.waited_days) == (1, 0.0), d
        assert s.arrived_at == 137.0, d
    turned = [e for e in events if isinstance(e, ShipmentRerouted) and e.time == 100.0]
    assert len(turned) == 10 and {e.node for e in turned} == {"P1"}
    # Nobody waits out the closure at the strait.
    assert all(s.waited_days == 0 for s in r.shipments)
    # Already through Suez (entered the leg out of P1 by day 90): unaffected.
    assert ships[86].legs == SUEZ_LEGS and ships[86].arrived_at == 86 + 25.5


def test_without_re_routing_ships_at_sea_sail_on_and_wait_out_the_closure():
    closure = {"suez": scheduled({"node": "suez"}, {"closed": True}, start=100, duration=60)}
    ships = by_dispatch(run_replication(corridor(closure, cape=True), "single"))
    for d in range(87, 97):
        s = ships[d]
        assert s.legs == SUEZ_LEGS and s.rerouted == 0
        assert s.arrived_at == 160 + 10 + 2, d
        assert s.waited_days == pytest.approx(160 - (d + 13.5))


def test_when_faster_waits_when_the_reopening_is_near():
    """A 6-day closure: turning back at t = 100 would arrive at 137, sailing on and waiting at
    Suez until 106 arrives at 118: they sail on."""
    sc = corridor(
        {"suez": scheduled({"node": "suez"}, {"closed": True}, start=100, duration=6)},
        reroute="when_faster",
        cape=True,
    )
    ships = by_dispatch(run_replication(sc, "single"))
    for d in range(87, 93):
        assert ships[d].legs == SUEZ_LEGS and ships[d].arrived_at == 118.0, d


def test_a_detour_beyond_the_candidate_routes_is_found_on_the_live_graph():
    """With max_routes 1 the Cape is no candidate; when Suez is closed the shipment still finds
    it on the graph instead of waiting (never silently dropped)."""
    base = corridor(long_suez_closure(), reroute=True, cape=True)
    sc = scenario_from_dict({**base.model_dump(mode="json", by_alias=True), "max_routes": 1})
    ships = by_dispatch(run_replication(sc, "single"))
    diverted = [d for d in range(100, 159) if ships[d].legs == CAPE_LEGS]
    assert diverted == list(range(100, 159))  # dispatched during the closure, arrived by 200
    assert all(ships[d].arrived_at == d + 3.5 + 37 for d in diverted)


# --------------------------------------------------------------------------- 2. orders move


def two_up_down(move: bool = True) -> object:
    nodes = {
        "a": {"kind": "supplier", "country": "CN"},
        "b": {"kind": "supplier", "country": "VN"},
        "D": {
            "kind": "site",
            "country": "DE",
            "demand": {"kind": "daily", "quantity": 100},
            "inventory": {"kind": "base_stock", "order_up_to": 100},
        },
    }
    legs = {
        "a_D": {"from": "a", "to": "D", "mode": "road", "transit_days": 0},
        "b_D": {"from": "b", "to": "D", "mode": "road", "transit_days": 0},
    }
    return scenario_from_dict(
        {
            "name": "move",
            "horizon_days": 12,
            "nodes": nodes,
            "legs": legs,
            "sourcing": {
                "adaptive": {
                    "kind": "adaptive_split",
                    "shares": {"a": 0.5, "b": 0.5},
                    "detection_delay_days": 0,
                    "move_queued_orders": move,
                }
            },
            "disruptions": {
                "a_down": scheduled({"node": "a"}, {"closed": True}, start=1, duration=2),
                "b_down": scheduled({"node": "b"}, {"closed": True}, start=1, duration=6),
            },
        }
    )


def test_orders_waiting_at_a_closed_supplier_follow_the_one_that_recovers():
    """a is closed on [1, 3), b on [1, 7). When a recovers at 3, b's queued orders move to it
    (a has unlimited capacity and zero lead time): the backlog is served at 3 and service is
    back to 1 from day 3, not day 7."""
    events = []
    r = ReplicationModel(two_up_down(), "adaptive", trace=events.append).run()
    p = r.service_by_day("D")
    assert p[0] == 1 and p[1] == 0 and p[2] == 0
    np.testing.assert_array_equal(p[3:], 1.0)
    assert r.sites["D"]["backlog_end"][3] == 0
    moved = [e for e in events if isinstance(e, OrdersWithdrawn) and e.time == 3.0]
    assert [(e.supplier, e.units) for e in moved] == [("b", sum(e.units for e in moved))]
    assert moved[0].units > 0
    after = [e for e in events if isinstance(e, OrderPlaced) and 3 <= e.time < 7]
    assert after and {e.supplier for e in after} == {"a"}


def test_without_moving_orders_the_backlog_waits_for_b():
    r = run_replication(two_up_down(move=False), "adaptive")
    assert r.service_by_day("D")[3:7].max() < 1.0


# --------------------------------------------------------------------------- 3. triggers


def contingent(triggers: dict | None, disruption: dict, **primary) -> object:
    nodes = {
        "P": {"kind": "supplier", "country": "CN", "unit_price": 10, **primary},
        "B": {"kind": "supplier", "country": "TR", "unit_price": 12},
        "D": {
            "kind": "site",
            "country": "DE",
            "demand": {"kind": "daily", "quantity": 10},
            "inventory": {"kind": "base_stock", "order_up_to": 200},
        },
    }
    legs = {
        "P_D": {"from": "P", "to": "D", "mode": "sea", "transit_days": 5, "cost_per_unit": 5},
        "B_D": {"from": "B", "to": "D", "mode": "road", "transit_days": 2, "cost_per_unit": 1},
    }
    pol = {"kind": "primary_backup", "primary": "P", "backups": ["B"], "detection_delay_days": 2}
    if triggers is not None:
        pol["triggers"] = triggers
    return scenario_from_dict(
        {
            "name": "triggers",
            "horizon_days": 200,
            "nodes": nodes,
            "legs": legs,
            "sourcing": {"pb": pol},
            "disruptions": {"x": disruption},
        }
    )


def backup_order_days(sc) -> list[float]:
    events = []
    ReplicationModel(sc, "pb", trace=events.append).run()
    return sorted({e.time for e in events if isinstance(e, OrderPlaced) and e.supplier == "B"})


CUT = scheduled({"node": "P"}, {"capacity_factor": 0.01}, start=50, duration=100)


def test_a_capacity_cut_triggers_the_backup_after_the_detection_delay():
    days = backup_order_days(contingent({"capacity_below": 0.5}, CUT, capacity_per_day=100))
    # Cut at 50, detected at 52: daily orders from 52 to 149 go to the backup, then back.
    assert days == [float(d) for d in range(52, 150)]


def test_without_a_capacity_trigger_the_cut_primary_keeps_every_order():
    assert backup_order_days(contingent(None, CUT, capacity_per_day=100)) == []


@pytest.mark.parametrize(("cost_above", "switches"), [(0.5, True), (1.0, False)])
def test_a_freight_spike_triggers_the_backup_above_its_threshold(cost_above, switches):
    """Freight ×3 on the primary's leg: landed cost 10 + 5 = 15 becomes 10 + 15 = 25 (+67%)."""
    spike = scheduled({"leg": "P_D"}, {"cost_factor": 3}, start=50, duration=100)
    days = backup_order_days(contingent({"cost_above": cost_above}, spike))
    assert days == ([float(d) for d in range(52, 150)] if switches else [])


def test_a_delay_trigger_reacts_to_extra_days():
    slow = scheduled({"leg": "P_D"}, {"extra_days": 10}, start=50, duration=100)
    assert backup_order_days(contingent({"delay_days": 7}, slow)) == [
        float(d) for d in range(52, 150)
    ]
    assert backup_order_days(contingent({"delay_days": 12}, slow)) == []


def test_triggers_are_refused_where_they_cannot_act():
    with pytest.raises(ScenarioError) as err:
        contingent({"capacity_below": 0.5}, CUT)  # no capacity anywhere on the paths
    assert "capacity trigger can never fire" in str(err.value)
    data = contingent(None, CUT, capacity_per_day=100).model_dump(mode="json", by_alias=True)
    data["sourcing"]["single"] = {"kind": "single", "supplier": "P", "triggers": {"delay_days": 3}}
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(data)
    assert "a 'single' policy does not react to disruptions" in str(err.value)
    data["sourcing"].pop("single")
    data["sourcing"]["pb"].pop("triggers", None)
    data["sourcing"]["pb"]["delay_trigger_days"] = 7
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(data)
    assert "write triggers: {delay_days: 7} instead" in str(err.value)


# --------------------------------------------------------------------------- 4. reservation


def backup_start(fee: float, reserved: float | None = None) -> tuple[float, float]:
    """Dispatch time of the backup's first shipment (primary closed at 50, detected at 52; the
    backup makes 10 units/day after a 20-day ramp) and the reservation cost over the window."""
    b = {"capacity_per_day": 10, "ramp_up_days": 20, "reservation_fee_per_day": fee}
    if reserved is not None:
        b["reserved_capacity_per_day"] = reserved
    sc = contingent(None, scheduled({"node": "P"}, {"closed": True}, start=50, duration=100))
    data = sc.model_dump(mode="json", by_alias=True)
    data["nodes"]["B"].update(b)
    r = run_replication(scenario_from_dict(data), "pb")
    first = min(s.dispatched_at for s in r.shipments if s.supplier == "B")
    return first, float(r.costs["reservation"].sum())


def test_a_reservation_fee_keeps_the_backup_warm():
    cold, no_fee = backup_start(0.0)
    warm, fee = backup_start(4.0)
    # At detection (52) the 20 units queued at the closed primary move to the backup as its
    # first order. Cold: at a rate rising 0 → 10/day over 20 days, 20 units take
    # sqrt(2·20·20/10) = 8.94 days.
    assert cold == pytest.approx(52 + math.sqrt(80))
    # Reserved (the whole capacity by default): no ramp, 20 units take two days.
    assert warm == pytest.approx(54.0)
    assert (no_fee, fee) == (0.0, 4.0 * 200)


def test_a_partial_reservation_ramps_only_the_rest():
    half, _ = backup_start(4.0, reserved=5)
    # 10·(0.5·T + 0.5·T²/40) = 20  →  T² + 40T − 160 = 0.
    assert half == pytest.approx(52 + (-40 + math.sqrt(1600 + 640)) / 2)


# --------------------------------------------------------------------------- 5. stranded


def stranded_case(after: float | None) -> object:
    site = {
        "kind": "site",
        "country": "DE",
        "demand": {"kind": "daily", "quantity": 0},
        "inventory": {"kind": "base_stock", "order_up_to": 100, "initial_on_hand": 0},
    }
    if after is not None:
        site["stranded_after_days"] = after
    return scenario_from_dict(
        {
            "name": "stranded",
            "horizon_days": 40,
            "nodes": {
                "S": {"kind": "supplier", "country": "CN"},
                "P": {"kind": "port", "country": "CN"},
                "D": site,
            },
            "legs": {
                "S_P": {"from": "S", "to": "P", "mode": "road", "transit_days": 1},
                "P_D": {"from": "P", "to": "D", "mode": "sea", "transit_days": 1},
            },
            "sourcing": {"single": {"kind": "single", "supplier": "S"}},
            "disruptions": {"port": scheduled({"node": "P"}, {"closed": True}, 0.5, 14.5)},
        }
    )


def test_stranded_units_leave_the_position_and_are_stock_when_they_arrive():
    """100 units ordered at 0 reach the closed port at 1 and wait. Stranded after 10 days (at 11),
    the site re-orders 100 at 11; that shipment waits at the supplier (the leg leads into the
    closed port) for 4 days, not stranded. At the reopening (15) both go on: the first arrives
    at 16, the second at 17, and then 200 are on hand."""
    events = []
    r = ReplicationModel(stranded_case(10), "single", trace=events.append).run()
    placed = [(e.time, e.units) for e in events if isinstance(e, OrderPlaced)]
    assert placed == [(0.0, 100), (11.0, 100)]
    on_hand = r.sites["D"]["on_hand_end"]
    assert (on_hand[15], on_hand[16], on_hand[17], on_hand[-1]) == (0, 100, 200, 200)
    plain = run_replication(stranded_case(None), "single")
    assert plain.sites["D"]["on_hand_end"][-1] == 100
    assert plain.sites["D"]["orders"].sum() == 100


# --------------------------------------------------------------------------- 6. no silent no-ops


def test_inventory_loss_at_a_closed_supplier_destroys_the_goods_waiting_there():
    """The primary (lead time 3, unlimited capacity) is closed on [5, 30). The orders of days 2,
    3 and 4 (10 units each) finish their lead time on days 5, 6, 7, during the closure, and wait
    there; orders from day 5 on are not made yet. A fire (inventory_loss 1) on day 10 destroys
    the 30 units waiting, and nothing of those orders is ever delivered."""
    sc = contingent(
        None,
        scheduled({"node": "P"}, {"closed": True}, start=5, duration=25),
        lead_time_days=3,
    )
    data = sc.model_dump(mode="json", by_alias=True)
    data["disruptions"]["fire"] = scheduled({"node": "P"}, {"inventory_loss": 1.0}, 10, 1)
    data["sourcing"]["single"] = {"kind": "single", "supplier": "P"}
    r = run_replication(scenario_from_dict(data), "single")
    assert r.balance["destroyed_at_suppliers"] == 30
    assert not any(2 <= s.ordered_at < 5 for s in r.shipments)
    assert any(s.ordered_at == 1 for s in r.shipments)  # shipped on day 4, before the closure


def test_whole_day_completions_land_on_whole_days():
    """30 units/day × capacity factor 0.1 is 3.0000000000000004 units/day in floating point: an
    order of 3 units placed at day 11 must finish at 12.0, not 11.999999999999998."""
    sc = contingent(
        None,
        scheduled({"node": "P"}, {"capacity_factor": 0.1}, start=0, duration=200),
        capacity_per_day=30,
    )
    data = sc.model_dump(mode="json", by_alias=True)
    data["nodes"]["D"]["demand"] = {"kind": "daily", "quantity": 3}
    data["nodes"]["D"]["inventory"] = {"kind": "base_stock", "order_up_to": 30}
    data["sourcing"] = {"single": {"kind": "single", "supplier": "P"}}
    r = run_replication(scenario_from_dict(data), "single")
    times = [s.dispatched_at for s in r.shipments]
    assert times and all(t == round(t) for t in times), times[:5]


def seasonal(season: dict, duration: dict | float) -> object:
    from simulator.scenario.schema import RandomTiming

    return RandomTiming.model_validate(
        {"kind": "random", "rate_per_year": 3, "duration_days": duration, "season": season}
    )


@pytest.mark.slow
def test_a_rate_per_year_with_a_season_is_episodes_per_calendar_year():
    """rate_per_year: 3 within a 120-day season: 3 episodes a year (wave 1 gave 0.96)."""
    from simulator.model.calendar import _random_episodes

    timing = seasonal({"start_day_of_year": 180, "end_day_of_year": 300}, 2.0)
    years, reps = 20, 300
    counts = np.array(
        [
            sum(not before for _, _, before in _random_episodes(timing, rng, years * 365))
            for rng in (np.random.default_rng(i) for i in range(reps))
        ]
    )
    per_year = counts / years
    se = per_year.std(ddof=1) / math.sqrt(reps)
    assert abs(per_year.mean() - 3.0) < 4 * se, (per_year.mean(), se)


@pytest.mark.slow
@pytest.mark.parametrize(
    "season",
    [
        {"start_day_of_year": 0, "end_day_of_year": 120},
        {"start_day_of_year": 300, "end_day_of_year": 60},
    ],
)
def test_a_seasonal_disruption_starts_in_the_state_of_its_day_of_the_year(season):
    """P(down) at t = 0 equals P(down) a year and two years later (periodic stationarity):
    wave 1 started a season beginning on day 0 down with probability 0.11 (the non-seasonal
    formula), though no episode can be running when a season begins after a 245-day gap."""
    from simulator.model.calendar import _random_episodes

    timing = seasonal(season, 15.0)
    reps = 4000
    down = np.zeros((reps, 3))
    for i in range(reps):
        eps = list(_random_episodes(timing, np.random.default_rng(i), 800))
        for j, t in enumerate((0.0, 365.0, 730.0)):
            down[i, j] = any(s <= t < e for s, e, _ in eps)
    p = down.mean(axis=0)
    se = math.sqrt(max(p[1] * (1 - p[1]), 1e-4) / reps)
    assert abs(p[0] - p[1]) < 4 * math.sqrt(2) * se and abs(p[0] - p[2]) < 4 * math.sqrt(2) * se
    if season["start_day_of_year"] == 0:
        assert p[0] == 0.0  # 15-day episodes end 230 days before the next season starts
