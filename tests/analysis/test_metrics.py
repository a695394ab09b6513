"""Figures of DESIGN §4 against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator import run_replication, scenario_from_dict
from simulator.analysis.metrics import episode_rows, hhi, replication_figures


def scripted_outage(**site_extra) -> dict:
    """Fixed demand 10/day at d+0.5; daily review up to S=40; supplier (lead 0) and one 2-day
    leg; the supplier is closed on days [20, 30)."""
    site = {
        "kind": "site",
        "country": "NL",
        "demand": {"kind": "daily", "quantity": 10},
        "inventory": {"kind": "base_stock", "order_up_to": 40, "review_period_days": 1},
    }
    site.update(site_extra)
    return {
        "name": "scripted",
        "horizon_days": 60,
        "warmup_days": 0,
        "product": {"unit_value": 100, "holding_cost_rate": 0.365},
        "nodes": {
            "sup": {"kind": "supplier", "country": "CN", "unit_price": 5},
            "dc": site,
        },
        "legs": {
            "l": {"from": "sup", "to": "dc", "mode": "road", "transit_days": 2, "cost_per_unit": 1}
        },
        "sourcing": {"only": {"kind": "single", "supplier": "sup"}},
        "disruptions": {
            "outage": {
                "target": {"node": "sup"},
                "timing": {"kind": "scheduled", "start_day": 20, "duration_days": 10},
                "effect": {"closed": True},
            }
        },
    }


def test_scripted_outage_gives_hand_computed_tts_ttr_and_loss():
    """By hand: the last pre-outage orders (days 18, 19) arrive on days 20, 21, so stock lasts
    through day 22; days 23–31 have no stock (P = 0, 10 units backordered each day); the orders
    queued during the outage (days 20–29) and day 30's are made at 30.0 and arrive at 32.0,
    clearing the backlog of 90 before day 32's demand. So TTS = 23 − 20 = 3, TTR = 32 − 20 = 12,
    performance loss = 9 demand-days, unmet units = 90, nadir = 0."""
    sc = scenario_from_dict(scripted_outage())
    r = run_replication(sc, "only")
    a = r.sites["dc"]
    p = np.where(a["demand"] > 0, a["met"] / a["demand"], 1.0)
    assert list(np.nonzero(p < 1)[0]) == list(range(23, 32))
    assert a["backlog_end"][31] == 90 and a["backlog_end"][32] == 0
    rows = episode_rows(r, sc)
    assert len(rows) == 1
    row = rows[0]
    assert row["tts_days"] == 3 and row["tts_censored"] == 0
    assert row["ttr_days"] == 12 and row["ttr_censored"] == 0
    assert row["performance_loss"] == 9.0
    assert row["unmet_units"] == 90.0
    assert row["nadir"] == 0.0


def test_replication_figures_by_hand():
    sc = scenario_from_dict(scripted_outage())
    r = run_replication(sc, "only")
    f = replication_figures(r, sc)
    assert f["fill_rate"] == pytest.approx(1 - 90 / 600)
    assert f["cycle_service_level"] == pytest.approx(1 - 9 / 60)
    assert f["unmet_demand"] == 90 and f["lost_sales"] == 0
    assert f["hhi_supplier"] == 1.0 and f["effective_sources"] == 1.0
    assert f["hhi_chokepoint"] == 1.0  # every unit passed no chokepoint: one category
    # Purchase 5/unit, freight 1/unit on the ordered units; holding 100·0.365/365 = 0.1 per
    # unit-day of average stock.
    assert f["cost_purchase"] == pytest.approx(5 * r.sites["dc"]["orders"].sum())
    assert f["cost_holding"] == pytest.approx(0.1 * r.sites["dc"]["on_hand_avg"].sum())
    # Per unit delivered: the purchase and freight *of the units delivered* (6 a unit), plus the
    # window's holding, pipeline and other costs per unit.
    delivered = f["units_delivered"]
    assert f["landed_cost_per_unit"] == pytest.approx(6.0)
    others = f["cost_holding"] + f["cost_pipeline"] + f["cost_shortage"] + f["cost_ordering"]
    assert f["cost_per_unit"] == pytest.approx(6.0 + (others + f["cost_reservation"]) / delivered)
    parts = [k for k in f if k.startswith("cost_per_unit_")]
    assert sum(f[k] for k in parts) == pytest.approx(f["cost_per_unit"])


def test_lost_sales_version_counts_lost_units():
    sc = scenario_from_dict(scripted_outage(unmet="lost"))
    r = run_replication(sc, "only")
    f = replication_figures(r, sc)
    assert f["lost_sales"] == 90 and f["backorders"] == 0


def test_hhi_values():
    assert hhi({"a": 1}) == 1.0
    assert hhi({"a": 1, "b": 1}) == 0.5
    assert hhi({"a": 3, "b": 1}) == pytest.approx(0.625)
    assert math.isnan(hhi({}))
