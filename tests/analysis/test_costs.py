"""Cost figures (DESIGN §4): per-unit figures attributed to the units delivered, pipeline holding,
the backorder penalty, and undefined figures."""

from __future__ import annotations

import math

import pytest
from test_metrics import scripted_outage

from simulator import run_replication, scenario_from_dict
from simulator.analysis.metrics import replication_figures


def figures(data: dict, policy: str = "only") -> dict:
    sc = scenario_from_dict(data)
    return replication_figures(run_replication(sc, policy), sc)


def no_outage(**kw) -> dict:
    data = scripted_outage(**kw)
    data["disruptions"] = {}
    return data


def test_landed_cost_is_unchanged_by_a_closure_in_the_last_days():
    """A supplier closure over the last 30 days: orders placed then are paid for but not
    delivered in the window. Wave 1 divided that spending by the units delivered (+40% in one
    case); attributed to the units delivered, the landed cost stays 5 + 1 = 6 a unit."""
    data = no_outage()
    data["horizon_days"], data["warmup_days"] = 200, 20
    plain = figures(data)
    data["disruptions"] = {
        "late": {
            "target": {"node": "sup"},
            "timing": {"kind": "scheduled", "start_day": 170, "duration_days": 30},
            "effect": {"closed": True},
        }
    }
    late = figures(data)
    assert plain["landed_cost_per_unit"] == pytest.approx(6.0)
    assert late["landed_cost_per_unit"] == pytest.approx(6.0)
    assert late["cost_purchase"] > 5 * late["units_delivered"]  # the spending did happen


def test_pipeline_cost_is_units_times_days_in_transit_times_rate():
    """10 units a day, each shipment 2 days on the road, no outage: on every day of the window
    20 units are on their way, at 100 × 0.365 / 365 = 0.1 per unit-day."""
    data = no_outage()
    data["horizon_days"], data["warmup_days"] = 100, 10
    f = figures(data)
    assert f["cost_pipeline"] == pytest.approx(20 * 90 * 0.1)
    assert f["cost_per_unit_pipeline"] == pytest.approx(f["cost_pipeline"] / f["units_delivered"])


def test_a_backorder_penalty_per_unit_day_adds_to_the_shortage_cost():
    data = scripted_outage(shortage_penalty_per_unit=2, backorder_penalty_per_unit_day=0.5)
    f = figures(data)
    sc = scenario_from_dict(data)
    r = run_replication(sc, "only")
    backlog_days = r.sites["dc"]["backlog_avg"].sum()
    assert f["cost_shortage"] == pytest.approx(2 * 90 + 0.5 * backlog_days)
    assert backlog_days > 0


def test_per_unit_figures_are_undefined_when_nothing_is_delivered():
    data = scripted_outage()
    data["disruptions"]["outage"]["timing"] = {
        "kind": "scheduled",
        "start_day": 0,
        "duration_days": 60,
    }
    f = figures(data)
    assert f["units_delivered"] == 0
    assert math.isnan(f["cost_per_unit"]) and math.isnan(f["landed_cost_per_unit"])
