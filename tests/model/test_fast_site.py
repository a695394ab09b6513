"""The shortcuts give exactly the numbers of the model that handles every event.

:class:`~simulator.model.fast_site.FastSite` schedules only the reviews that order and rebuilds
the ledger at the end, and a journey on which nothing can happen is one timeout; with
``shortcuts=False``, :class:`~simulator.model.site.SiteRuntime` handles every demand arrival and
every review as an event and every journey goes leg by leg. Both are run on the same replication
and every series, cost, shipment record and balance figure must be equal to the last bit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import simulator
from simulator.model.fast_site import FastSite
from simulator.model.replication import ReplicationModel
from simulator.model.site import SiteRuntime

ROOT = Path(__file__).resolve().parents[2]


def _both(sc, policy: str, rep: int = 0):
    fast_model = ReplicationModel(sc, policy, rep)
    slow_model = ReplicationModel(sc, policy, rep, shortcuts=False)
    assert all(type(s) is SiteRuntime for s in slow_model.sites.values())
    kinds = {type(s) for s in fast_model.sites.values()}
    return fast_model.run(), slow_model.run(), kinds


def _assert_same(fast, slow) -> None:
    for sid, a in slow.sites.items():
        for name, series in a.items():
            got = fast.sites[sid][name]
            assert np.array_equal(got, series), (sid, name, np.flatnonzero(got != series)[:5])
    for name, series in slow.costs.items():
        assert np.array_equal(fast.costs[name], series), name
    assert fast.shipments == slow.shipments
    assert fast.balance == slow.balance
    assert fast.in_flight == slow.in_flight


def _site(inventory: dict, unmet: str, demand: dict) -> dict:
    return {
        "kind": "site",
        "country": "DE",
        "demand": demand,
        "unmet": unmet,
        "inventory": inventory,
    }


DAILY = {"kind": "daily", "quantity": {"dist": "poisson", "mean": 10}}
DAILY_LUMPY = {"kind": "daily", "quantity": {"dist": "empirical", "values": [0, 0, 0, 5, 40]}}
POISSON = {"kind": "poisson", "rate_per_day": 6}
INVENTORIES = {
    "base_daily": {"kind": "base_stock", "order_up_to": 45, "review_period_days": 1},
    "base_3": {"kind": "base_stock", "order_up_to": 70, "review_period_days": 3},
    "sS_daily": {"kind": "s_S", "reorder_point": 30, "order_up_to": 90, "review_period_days": 1},
    "sS_2.5": {"kind": "s_S", "reorder_point": 35, "order_up_to": 80, "review_period_days": 2.5},
    "rQ_daily": {"kind": "r_Q", "reorder_point": 30, "order_quantity": 25},
    "rQ_7": {"kind": "r_Q", "reorder_point": 60, "order_quantity": 40, "review_period_days": 7},
}


def _scenario(inventory: dict, unmet: str, demand: dict, disrupted: bool) -> simulator.Scenario:
    """Two suppliers (one closes now and then and destroys stock), two sites, one split."""
    nodes = {
        "a": {
            "kind": "supplier",
            "country": "CN",
            "lead_time_days": {"dist": "triangular", "low": 1, "mode": 2, "high": 6},
            "capacity_per_day": 60,
            "min_order_qty": 10,
            "order_multiple": 5,
        },
        "b": {"kind": "supplier", "country": "TR", "lead_time_days": 2},
        "port": {"kind": "port", "country": "NL", "handling_days": 0.5},
        "x": _site(inventory, unmet, demand),
        "y": _site(inventory, unmet, DAILY),
    }
    legs = {
        "a_port": {"from": "a", "to": "port", "mode": "sea", "transit_days": 3},
        "port_x": {"from": "port", "to": "x", "mode": "road", "transit_days": 1},
        "port_y": {"from": "port", "to": "y", "mode": "road", "transit_days": 1},
        "b_x": {"from": "b", "to": "x", "mode": "road", "transit_days": 2},
        "b_y": {"from": "b", "to": "y", "mode": "road", "transit_days": 2},
    }
    raw = {
        "name": "fast_site",
        "horizon_days": 400,
        "nodes": nodes,
        "legs": legs,
        "sourcing": {"split": {"kind": "split", "shares": {"a": 0.6, "b": 0.4}}},
    }
    if disrupted:
        raw["disruptions"] = {
            "fire": {
                "target": {"node": "port"},
                "timing": {
                    "kind": "random",
                    "rate_per_year": 6,
                    "duration_days": {"dist": "uniform", "low": 2, "high": 12},
                },
                "effect": {"closed": True, "inventory_loss": 0.3},
            },
            "flood": {
                "target": {"node": "x"},
                "timing": {"kind": "scheduled", "start_day": 150, "duration_days": 5},
                "effect": {"inventory_loss": 0.5},
            },
        }
    return simulator.scenario_from_dict(raw)


@pytest.mark.parametrize("inventory", sorted(INVENTORIES))
@pytest.mark.parametrize("unmet", ["backorder", "lost"])
@pytest.mark.parametrize("demand", [DAILY, DAILY_LUMPY, POISSON], ids=["daily", "lumpy", "poisson"])
def test_fast_site_equals_event_by_event_site(inventory, unmet, demand):
    sc = _scenario(INVENTORIES[inventory], unmet, demand, disrupted=True)
    for rep in range(2):
        fast, slow, kinds = _both(sc, "split", rep)
        assert kinds == {FastSite}
        _assert_same(fast, slow)
        assert fast.events < slow.events


def test_fast_site_without_disruptions_skips_most_days():
    sc = _scenario(INVENTORIES["sS_daily"], "backorder", DAILY, disrupted=False)
    fast, slow, _ = _both(sc, "split")
    _assert_same(fast, slow)
    # The event-by-event sites spend 2 × 400 demand and 2 × 400 review events; the fast ones
    # only the reviews that order (about one in six days with these levels).
    assert slow.events - fast.events > 1200


@pytest.mark.parametrize(
    "name", ["red_sea_crisis", "export_ban", "typhoon_season", "shanghai_lockdown_2022"]
)
def test_fast_site_equals_event_by_event_site_on_shipped_scenarios(name):
    """Early warnings (extra cover, expediting), detection delays, stranding, minimum lots."""
    sc = simulator.load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    for policy in sc.sourcing:
        fast, slow, _ = _both(sc, policy)
        _assert_same(fast, slow)


def test_trace_and_continuous_review_keep_the_event_by_event_site():
    sc = _scenario(INVENTORIES["base_daily"], "backorder", DAILY, disrupted=False)
    traced = ReplicationModel(sc, "split", trace=lambda e: None)
    assert {type(s) for s in traced.sites.values()} == {SiteRuntime}
    cont = dict(INVENTORIES["rQ_daily"], review_period_days=0)
    sc = _scenario(cont, "backorder", DAILY, disrupted=False)
    assert {type(s) for s in ReplicationModel(sc, "split").sites.values()} == {SiteRuntime}


def test_production_planned_ahead_equals_the_event_by_event_loop_when_orders_are_withdrawn(
    monkeypatch,
):
    """A slow supplier gets orders queued behind the one in production; when its path through
    the port is detected down, the queued ones move to the backup. The withdrawal changes the
    supplier's state during a step planned ahead, which must fall back to the event-by-event
    loop from that instant: every figure equal, and the fallback really taken."""
    from simulator.model.supplier import SupplierRuntime

    fallbacks = []
    original = SupplierRuntime._changed_ahead

    def counting(self, event):
        if self._ahead is not None and self.env.now < self._ahead.end:
            fallbacks.append(self.env.now)
        return original(self, event)

    monkeypatch.setattr(SupplierRuntime, "_changed_ahead", counting)
    sc = _scenario(INVENTORIES["sS_daily"], "backorder", DAILY, disrupted=True)
    raw = sc.model_dump(mode="json", by_alias=True, exclude_none=True)
    raw["nodes"]["a"]["capacity_per_day"] = 25  # 20 units/day of demand: steps of days
    raw["nodes"]["a"].pop("min_order_qty")
    raw["sourcing"] = {
        "backup": {
            "kind": "primary_backup",
            "primary": "a",
            "backups": ["b"],
            "detection_delay_days": 1,
            "move_queued_orders": True,
        }
    }
    sc = simulator.scenario_from_dict(raw)
    for rep in range(4):
        fast, slow, _ = _both(sc, "backup", rep)
        _assert_same(fast, slow)
    assert fallbacks, "no withdrawal came during a step planned ahead"


@pytest.mark.parametrize(
    "name, policy, at_once",
    [("red_sea_crisis", "adaptive_cn_vn_tr", True), ("shanghai_lockdown_2022", None, False)],
)
def test_a_replication_leaves_no_cycles_behind(monkeypatch, name, policy, at_once):
    """run_replication breaks the model's reference cycles: the replication is freed by
    reference counting when it is done, not at the next full collection, and the collector,
    off while it runs, has next to nothing left to find (before: ~1000 cyclic objects per
    replication of red_sea_crisis, the daily arrays among them, and ~7000 on the port queues
    of shanghai_lockdown_2022, one self-naming closure per production step or passage). Journeys
    still under way at the horizon keep their process's frame, and with it the emptied model
    object, until the collector runs."""
    import gc
    import weakref

    sc = simulator.load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    policy = policy or next(iter(sc.sourcing))
    models: list = []
    original = ReplicationModel.run

    def keep(self):
        models.append(weakref.ref(self))
        return original(self)

    monkeypatch.setattr(ReplicationModel, "run", keep)
    was = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        r = simulator.run_replication(sc, policy, 1)
        model = models[0]()
        assert model is None if at_once else not vars(model)  # freed, or at least emptied
        del model
        assert gc.collect() < 250
    finally:
        if was:
            gc.enable()
    assert r.shipments and r.sites  # the record keeps what it needs
