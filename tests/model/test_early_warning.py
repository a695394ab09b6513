"""Early warnings and the levers planners pull (DESIGN §7): scripted warnings with hand-computed
effects, common random numbers, the false-alarm rate, expediting by air, validation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_transport import CAPE_LEGS, by_dispatch, corridor, scheduled

from simulator import ScenarioError, run_replication, scenario_from_dict
from simulator.model import ReplicationModel
from simulator.model.early_warning import WarningUse, draw_warnings
from simulator.model.randomness import Streams
from simulator.model.trace import OrderAllocated, OrderPlaced


def plant(
    policy: dict,
    *,
    warning: dict | None = None,
    closure: tuple[float, float] = (50, 20),
    legs: dict | None = None,
    nodes: dict | None = None,
    horizon: int = 150,
) -> object:
    """One supplier S (lead 0) 5 days by sea from the site D; daily demand 10, S = 100 (base
    stock); S is closed on [50, 70) unless ``closure`` says otherwise."""
    disruption = scheduled({"node": "S"}, {"closed": True}, start=closure[0], duration=closure[1])
    if warning is not None:
        disruption["warning"] = warning
    return scenario_from_dict(
        {
            "name": "warned",
            "horizon_days": horizon,
            "warmup_days": 10,
            "nodes": {
                "S": {"kind": "supplier", "country": "CN", "unit_price": 10},
                "B": {"kind": "supplier", "country": "TR", "unit_price": 12},
                "D": {
                    "kind": "site",
                    "country": "DE",
                    "demand": {"kind": "daily", "quantity": 10},
                    "inventory": {"kind": "base_stock", "order_up_to": 100},
                },
                **(nodes or {}),
            },
            "legs": {
                "S_D": {
                    "from": "S",
                    "to": "D",
                    "mode": "sea",
                    "transit_days": 5,
                    "cost_per_unit": 1,
                },
                "B_D": {
                    "from": "B",
                    "to": "D",
                    "mode": "road",
                    "transit_days": 2,
                    "cost_per_unit": 2,
                },
                **(legs or {}),
            },
            "sourcing": {"p": policy},
            "disruptions": {"cut": disruption},
        }
    )


TEN_DAYS = {"probability": 1, "lead_days": 10}
SINGLE = {"kind": "single", "supplier": "S"}


def allocations(sc, use=WarningUse.ALL) -> dict[float, int]:
    events = []
    ReplicationModel(sc, "p", trace=events.append, warnings=use).run()
    return {e.time: e.units for e in events if isinstance(e, OrderAllocated)}


def test_extra_cover_raises_the_order_up_to_level_from_the_warning_to_the_episode_end():
    """Warned at 40 (10 days ahead of the closure on [50, 70)), the site orders 200 units on top
    of the day's 10 (20 days × 10/day); the stock carries it through the closure and the 5 days
    the first orders after it take to arrive; from 70 the level is back to 100, so nothing is
    ordered until the position falls to it."""
    sc = plant({**SINGLE, "on_warning": {"extra_cover_days": 20}}, warning=TEN_DAYS)
    orders = allocations(sc)
    assert orders[39.0] == 10 and orders[40.0] == 210 and orders[41.0] == 10
    r = run_replication(sc, "p")
    assert r.service_by_day("D")[50:80].min() == 1.0
    # Without reacting (the same policy ignoring its warnings) the closure costs service.
    plain = run_replication(sc, "p", warnings=WarningUse.NONE)
    assert plain.service_by_day("D")[50:80].min() < 1.0
    assert allocations(sc, WarningUse.NONE)[40.0] == 10
    # After 70 the extra 200 are used up before the first regular order.
    later = sorted(t for t in orders if t >= 70)
    assert later and later[0] > 70


def test_warnings_keep_common_random_numbers():
    """Adding a warning changes neither the disruption calendar nor the demand; a policy that
    does not react gives exactly the numbers it gave without warnings."""
    base = plant(SINGLE, closure=(50, 20))
    data = base.model_dump(mode="json", by_alias=True)
    data["disruptions"]["random"] = {
        "target": {"node": "B"},
        "timing": {"kind": "random", "mttf_days": 30, "duration_days": 5},
        "effect": {"closed": True},
    }
    without = scenario_from_dict(data)
    data["disruptions"]["random"]["warning"] = {
        "probability": 0.5,
        "lead_days": {"dist": "uniform", "low": 2, "high": 6},
        "false_alarms_per_year": 4,
    }
    with_w = scenario_from_dict(data)
    for rep in range(3):
        a, b = run_replication(without, "p", rep), run_replication(with_w, "p", rep)
        assert [(e.start, e.end) for e in a.episodes] == [(e.start, e.end) for e in b.episodes]
        for name, arr in a.sites["D"].items():
            np.testing.assert_array_equal(arr, b.sites["D"][name], err_msg=name)
        assert a.warnings == [] and len(b.warnings) > 0


@pytest.mark.slow
def test_the_false_alarm_rate_is_recovered_over_a_long_horizon():
    sc = plant(SINGLE, warning={"probability": 0, "lead_days": 3, "false_alarms_per_year": 6})
    years, reps = 40, 200
    counts = (
        np.array(
            [
                sum(
                    w.false_alarm for w in draw_warnings(sc, Streams(1, r), [], horizon=365 * years)
                )
                for r in range(reps)
            ]
        )
        / years
    )
    se = counts.std(ddof=1) / math.sqrt(reps)
    assert abs(counts.mean() - 6.0) < 4 * se, (counts.mean(), se)


def test_forecast_probability_and_lead_time():
    sc = plant(
        SINGLE, warning={"probability": 0.3, "lead_days": {"dist": "uniform", "low": 2, "high": 8}}
    )
    from simulator.model.calendar import Episode
    from simulator.scenario.schema import Effect

    effect = Effect(closed=True)
    eps = [
        Episode("cut", i, 100.0 + 30 * i, 110.0 + 30 * i, "node:S", ("S",), (), effect)
        for i in range(4000)
    ]
    ws = draw_warnings(sc, Streams(3, 0), eps, horizon=1e9)
    share = len(ws) / len(eps)
    assert abs(share - 0.3) < 4 * math.sqrt(0.3 * 0.7 / len(eps))
    leads = np.array([w.lead_days for w in ws])
    assert (
        leads.min() >= 2
        and leads.max() <= 8
        and abs(leads.mean() - 5) < 4 * leads.std() / math.sqrt(len(leads))
    )
    assert all(w.issued == eps[w.episode].start - w.lead_days for w in ws)


def test_switch_moves_orders_to_the_backup_at_the_warning():
    """primary_backup with a 7-day detection delay: reacting to the closure alone, orders go to
    B from 57; switching on the warning, from 40 (before the closure)."""
    pol = {"kind": "primary_backup", "primary": "S", "backups": ["B"], "detection_delay_days": 7}
    for reactions, first in ((None, 57.0), ({"switch": True}, 40.0)):
        spec = {**pol, **({"on_warning": reactions} if reactions else {})}
        events = []
        ReplicationModel(plant(spec, warning=TEN_DAYS), "p", trace=events.append).run()
        backup = sorted(e.time for e in events if isinstance(e, OrderPlaced) and e.supplier == "B")
        assert backup[0] == first, reactions


def test_reroute_on_warning_leaves_the_warned_strait_before_it_closes():
    """Suez warned 10 days ahead of its closure on [100, 106): with on_warning reroute, ships
    that would reach it from day 90 take the Cape; without, they sail on (reroute: false)."""
    closure = scheduled({"node": "suez"}, {"closed": True}, start=100, duration=6)
    closure["warning"] = TEN_DAYS
    sc = corridor({"suez": closure}, reroute=False, cape=True)
    data = sc.model_dump(mode="json", by_alias=True)
    data["sourcing"]["single"]["on_warning"] = {"reroute": True}
    warned = by_dispatch(run_replication(scenario_from_dict(data), "single"))
    plain = by_dispatch(run_replication(sc, "single"))
    # Dispatched on 90: at P1 on 93.5 with Suez warned → the Cape.
    assert warned[90].legs == CAPE_LEGS and plain[90].legs != CAPE_LEGS
    # Dispatched before the warning and already past P1 by day 90 (left P1 on 89.5): unaffected.
    assert warned[86].legs != CAPE_LEGS


def test_expedite_costs_units_times_air_freight():
    """On the warning (day 40) an emergency order of 200 units flies S → D by air (2 days, 7.5
    per unit) instead of the 5-day sea leg (1 per unit)."""
    pol = {
        **SINGLE,
        "on_warning": {"expedite": True},
        "expedite": {"via": "air", "units": 200},
    }
    air = {
        "S_D_air": {"from": "S", "to": "D", "mode": "air", "transit_days": 2, "cost_per_unit": 7.5}
    }
    data = plant(pol, warning=TEN_DAYS, legs=air).model_dump(mode="json", by_alias=True)
    data["nodes"]["D"]["routing"] = "cheapest"  # ordinary shipments go by sea
    r = run_replication(scenario_from_dict(data), "p")
    flown = [s for s in r.shipments if s.role == "expedite"]
    assert [(s.units_delivered, s.legs, s.dispatched_at, s.arrived_at) for s in flown] == [
        (200, ("S_D_air",), 40.0, 42.0)
    ]
    assert r.costs["expedite"].sum() == 200 * 7.5
    # Ordinary shipments still go by sea and pay sea freight.
    assert all(s.legs == ("S_D",) for s in r.shipments if s.role != "expedite")


def test_a_projected_shortage_expedites_without_a_warning():
    pol = {
        **SINGLE,
        "expedite": {"via": "fastest", "when_backlog_above": 0, "min_interval_days": 5},
    }
    sc = plant(pol, closure=(50, 30))
    r = run_replication(sc, "p")
    flown = [s for s in r.shipments if s.role == "expedite"]
    # The single source is closed on [50, 80): there is no supplier to expedite from while it is;
    # when it reopens at 80 the backlog is expedited at once.
    assert flown and all(s.ordered_at >= 80 for s in flown)
    assert min(s.ordered_at for s in flown) == 80.0


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda d: d["sourcing"]["p"].update(on_warning={}), "on_warning asks for no reaction"),
        (
            lambda d: d["sourcing"]["p"].update(on_warning={"expedite": True}),
            "on_warning.expedite needs the policy's expedite settings",
        ),
        (
            lambda d: d["sourcing"]["p"].update(on_warning={"switch": True}),
            "does not react to disruptions",
        ),
        (
            lambda d: d["disruptions"]["cut"].update(warning={"probability": 2, "lead_days": 3}),
            "disruptions.cut.warning.probability",
        ),
        (
            lambda d: d["disruptions"]["cut"].update(warning={"probability": 0.5}),
            "disruptions.cut.warning.lead_days",
        ),
        (
            lambda d: d["sourcing"]["p"].update(expedite={"via": "air"}),
            "no leg has mode: air",
        ),
    ],
)
def test_bad_warning_blocks_give_field_path_errors(change, fragment):
    data = plant(SINGLE).model_dump(mode="json", by_alias=True)
    change(data)
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(data)
    assert fragment in str(err.value)
