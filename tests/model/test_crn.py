"""Common random numbers (DESIGN §3): every policy of replication i sees the same demand and the
same disruption calendar; the same seed reproduces every number; streams are keyed, not shared."""

from __future__ import annotations

import copy
import random

import numpy as np
import pytest

from simulator import run_replication, scenario_from_dict

SITE_SERIES = (
    "demand",
    "met",
    "backordered",
    "lost",
    "receipts",
    "destroyed",
    "orders",
    "on_hand_end",
    "backlog_end",
    "on_order_end",
    "on_hand_avg",
    "backlog_avg",
)


def base_dict() -> dict:
    site_inv = {"kind": "base_stock", "order_up_to_days_of_cover": 25, "review_period_days": 1}
    return {
        "name": "crn",
        "seed": 2024,
        "horizon_days": 240,
        "nodes": {
            "A": {
                "kind": "supplier",
                "country": "CN",
                "capacity_per_day": 40,
                "lead_time_days": {"dist": "lognormal", "mean": 4, "cv": 0.3},
                "unit_price": 10,
            },
            "B": {
                "kind": "supplier",
                "country": "MX",
                "capacity_per_day": 30,
                "lead_time_days": {"dist": "gamma", "shape": 4, "scale": 0.5},
                "unit_price": 12,
                "ramp_up_days": 5,
            },
            "port": {
                "kind": "port",
                "country": "CN",
                "handling_days": {"dist": "uniform", "low": 0.5, "high": 1.5},
            },
            "suez": {"kind": "chokepoint", "country": "EG", "capacity_per_day": 500},
            "D1": {
                "kind": "site",
                "country": "DE",
                "demand": {
                    "kind": "daily",
                    "quantity": {"dist": "poisson", "mean": 12},
                    "seasonality": {"amplitude": 0.2, "peak_day": 30},
                },
                "inventory": site_inv,
            },
            "D2": {
                "kind": "site",
                "country": "FR",
                "demand": {"kind": "poisson", "rate_per_day": 6},
                "inventory": {
                    "kind": "s_S",
                    "reorder_point": 40,
                    "order_up_to": 120,
                    "review_period_days": 0,
                },
                "unmet": "lost",
            },
        },
        "legs": {
            "A_port": {
                "from": "A",
                "to": "port",
                "mode": "road",
                "transit_days": {"dist": "triangular", "low": 1, "mode": 2, "high": 4},
            },
            "port_suez": {
                "from": "port",
                "to": "suez",
                "mode": "sea",
                "transit_days": {"dist": "normal", "mean": 10, "sd": 2},
            },
            "suez_D1": {
                "from": "suez",
                "to": "D1",
                "mode": "sea",
                "transit_days": {"dist": "exponential", "mean": 8},
            },
            "suez_D2": {
                "from": "suez",
                "to": "D2",
                "mode": "sea",
                "transit_days": {"dist": "empirical", "values": [7, 8, 9, 12]},
            },
            "B_D1": {
                "from": "B",
                "to": "D1",
                "mode": "rail",
                "transit_days": {"dist": "uniform", "low": 5, "high": 9},
            },
            "B_D2": {"from": "B", "to": "D2", "mode": "rail", "transit_days": 6},
        },
        "sourcing": {
            "single": {"kind": "single", "supplier": "A"},
            "split": {"kind": "split", "shares": {"A": 0.6, "B": 0.4}},
            "adaptive": {
                "kind": "adaptive_split",
                "shares": {"A": 0.6, "B": 0.4},
                "detection_delay_days": 2,
                "move_queued_orders": True,
            },
            "contingent": {
                "kind": "primary_backup",
                "primary": "A",
                "backups": ["B"],
                "detection_delay_days": 3,
                "backup_premium": 0.2,
            },
        },
        "disruptions": {
            "factory": {
                "target": {"node": "A"},
                "timing": {
                    "kind": "random",
                    "mttf_days": 60,
                    "duration_days": {"dist": "lognormal", "mean": 10, "cv": 0.5},
                },
                "effect": {"closed": True},
            },
            "canal": {
                "target": {"node": "suez"},
                "timing": {
                    "kind": "random",
                    "rate_per_year": 4,
                    "duration_days": {"dist": "exponential", "mean": 6},
                },
                "effect": {"capacity_factor": 0.3, "extra_days": 2},
            },
            "rush": {
                "target": {"node": "D1"},
                "timing": {
                    "kind": "random",
                    "mttf_days": 80,
                    "duration_days": {"dist": "uniform", "low": 3, "high": 9},
                },
                "effect": {"demand_factor": 1.8},
            },
            "fire": {
                "target": {"country": "FR"},
                "timing": {"kind": "random", "mttf_days": 100, "duration_days": 1},
                "effect": {"inventory_loss": 0.4},
            },
        },
    }


@pytest.fixture(scope="module")
def scenario():
    return scenario_from_dict(base_dict())


def run(sc, policy, rep=0, seed=None):
    return run_replication(sc, policy, replication=rep, seed=seed)


def assert_same_result(r1, r2) -> None:
    for site in r1.sites:
        for name in SITE_SERIES:
            assert np.array_equal(r1.sites[site][name], r2.sites[site][name]), (site, name)
    for name in r1.costs:
        assert np.array_equal(r1.costs[name], r2.costs[name]), name
    assert r1.shipments == r2.shipments
    assert r1.episodes == r2.episodes
    assert r1.balance == r2.balance
    assert r1.leg_units == r2.leg_units


def demand_of(r) -> dict[str, np.ndarray]:
    return {site: a["demand"] for site, a in r.sites.items()}


@pytest.mark.parametrize("rep", [0, 1, 2])
def test_every_policy_sees_the_same_demand_and_calendar(scenario, rep):
    results = {p: run(scenario, p, rep) for p in scenario.sourcing}
    first = results["single"]
    assert first.episodes, "the scenario should have disruptions in this replication"
    assert {e.disruption for e in first.episodes} >= {"factory", "canal"}
    for policy, r in results.items():
        assert r.episodes == first.episodes, policy
        for site in ("D1", "D2"):
            assert np.array_equal(r.sites[site]["demand"], first.sites[site]["demand"]), policy
    # …while the policies really do behave differently.
    suppliers = {p: {s[1] for s in r.shipments} for p, r in results.items()}
    assert suppliers["single"] == {"A"} and suppliers["split"] == {"A", "B"}
    assert not np.array_equal(
        results["single"].sites["D1"]["on_hand_end"], results["split"].sites["D1"]["on_hand_end"]
    )


@pytest.mark.parametrize("policy", ["single", "split", "adaptive", "contingent"])
def test_same_seed_gives_identical_results(scenario, policy):
    assert_same_result(run(scenario, policy, 1), run(scenario, policy, 1))
    assert_same_result(run(scenario, policy, 1, seed=7), run(scenario, policy, 1, seed=7))


def test_global_random_state_is_never_used(scenario):
    np.random.seed(1)
    random.seed(1)
    r1 = run(scenario, "adaptive", 2)
    np.random.seed(99)
    random.seed(99)
    np.random.random(17)
    r2 = run(scenario, "adaptive", 2)
    assert_same_result(r1, r2)


def test_seed_defaults_to_the_scenarios_root_seed(scenario):
    assert_same_result(run(scenario, "split", 0), run(scenario, "split", 0, seed=2024))
    assert run(scenario, "split", 0).seed == 2024


def test_other_replication_index_or_seed_gives_different_numbers(scenario):
    base = run(scenario, "single", 0)
    for other in (run(scenario, "single", 1), run(scenario, "single", 0, seed=2025)):
        for site in ("D1", "D2"):
            assert not np.array_equal(base.sites[site]["demand"], other.sites[site]["demand"])
        assert base.episodes != other.episodes
    # A different design point of a sweep is a different stream too.
    from simulator.model import ReplicationModel

    moved = ReplicationModel(scenario, "single", replication=0, point=1).run()
    assert not np.array_equal(base.sites["D1"]["demand"], moved.sites["D1"]["demand"])


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["sourcing"]["contingent"].update(detection_delay_days=9, backup_premium=0.5),
        lambda d: d["sourcing"]["split"].update(shares={"A": 0.2, "B": 0.8}),
        lambda d: d["sourcing"]["adaptive"].update(move_queued_orders=False),
        lambda d: d["nodes"]["D1"]["inventory"].update(order_up_to_days_of_cover=5),
        lambda d: d["nodes"]["D2"].update(reroute=False, routing="cheapest", unmet="backorder"),
        lambda d: d["nodes"]["B"].update(capacity_per_day=5, ramp_up_days=0),
        lambda d: d["legs"]["port_suez"].update(
            transit_days={"dist": "uniform", "low": 2, "high": 30}
        ),
    ],
    ids=["pb-params", "shares", "move", "inventory", "site-routing", "capacity", "transit"],
)
def test_changing_a_policy_or_logistics_parameter_keeps_demand_and_calendar(scenario, change):
    data = base_dict()
    change(data)
    changed = scenario_from_dict(data)
    for rep in (0, 1):
        for policy in ("split", "contingent"):
            a, b = run(scenario, policy, rep), run(changed, policy, rep)
            assert a.episodes == b.episodes
            for site in ("D1", "D2"):
                assert np.array_equal(a.sites[site]["demand"], b.sites[site]["demand"])


def test_a_policy_result_does_not_depend_on_the_other_policies(scenario):
    data = base_dict()
    data["sourcing"] = {"split": data["sourcing"]["split"]}
    alone = scenario_from_dict(data)
    assert_same_result(run(scenario, "split", 1), run(alone, "split", 1))


def test_streams_are_keyed_by_entity(scenario):
    """Adding a site or a disruption does not shift the numbers of the others."""
    data = base_dict()
    data["nodes"]["D3"] = copy.deepcopy(data["nodes"]["D1"])
    data["nodes"]["D3"]["country"] = "IT"
    data["legs"]["B_D3"] = {"from": "B", "to": "D3", "mode": "rail", "transit_days": 4}
    data["legs"]["suez_D3"] = {"from": "suez", "to": "D3", "mode": "sea", "transit_days": 9}
    data["disruptions"]["strike"] = {
        "target": {"node": "port"},
        "timing": {"kind": "random", "mttf_days": 30, "duration_days": 2},
        "effect": {"closed": True},
    }
    bigger = scenario_from_dict(data)
    for rep in (0, 1):
        a, b = run(scenario, "single", rep), run(bigger, "single", rep)
        for site in ("D1", "D2"):
            assert np.array_equal(a.sites[site]["demand"], b.sites[site]["demand"])
        assert [e for e in b.episodes if e.disruption != "strike"] == a.episodes
        assert any(e.disruption == "strike" for e in b.episodes)
        # D3 has D1's spec but its own stream.
        assert not np.array_equal(b.sites["D3"]["demand"], b.sites["D1"]["demand"])
