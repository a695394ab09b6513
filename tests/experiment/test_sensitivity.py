"""Global sensitivity where one parameter provably dominates and another provably does nothing."""

from __future__ import annotations

import pytest

from simulator.errors import ScenarioError, UsageError
from simulator.experiment.sensitivity import sensitivity
from simulator.scenario.loader import validate_data

# The stock level decides how much of a 20-day closure of the only supplier is covered; the
# holding-cost rate is a price and cannot change a single delivery (common random numbers make
# its effect exactly zero).
STOCK = "nodes.site.inventory.order_up_to"
HOLDING = "product.holding_cost_rate"
BOUNDS = {STOCK: (600.0, 2600.0), HOLDING: (0.1, 0.4)}


@pytest.fixture
def closure(hand4_data):
    hand4_data["disruptions"] = {
        "a_down": {
            "target": {"node": "a"},
            "timing": {"kind": "scheduled", "start_day": 60, "duration_days": 20},
            "effect": {"closed": True},
        }
    }
    return validate_data(hand4_data)


def test_morris_ranks_the_stock_first(closure):
    r = sensitivity(closure, BOUNDS, "morris", policies=["single_a"], samples=4, replications=2)
    t = r.indices.set_index("parameter")
    assert t.loc[HOLDING, "mu_star"] == 0 and t.loc[HOLDING, "sigma"] == 0
    assert t.loc[STOCK, "mu_star"] > 0.05  # the fill rate moves by several points over the range
    assert t.loc[STOCK, "mu_star"] - t.loc[STOCK, "mu_star_conf"] > 0
    assert len(r.design) == 4 * (len(BOUNDS) + 1)


def test_sobol_gives_the_stock_all_the_variance(closure):
    # The model is deterministic here: one replication per point is the figure itself.
    r = sensitivity(closure, BOUNDS, "sobol", policies=["single_a"], samples=16, replications=1)
    t = r.indices.set_index("parameter")
    assert t.loc[HOLDING, "ST"] == 0 and t.loc[HOLDING, "S1"] == 0
    # The fill rate is a function of the stock alone: its true indices are 1; the estimates (16
    # base samples) must hold 1 inside their 95% intervals.
    for index in ("S1", "ST"):
        assert abs(t.loc[STOCK, index] - 1) <= t.loc[STOCK, f"{index}_conf"]
    assert len(r.design) == 16 * (len(BOUNDS) + 2)


def test_whole_number_fields_get_whole_numbers(closure):
    r = sensitivity(closure, {"horizon_days": (150.0, 250.0)}, samples=2, replications=1)
    assert (r.design["horizon_days"] == r.design["horizon_days"].round()).all()


def test_bad_input(closure):
    with pytest.raises(UsageError, match="power of 2"):
        sensitivity(closure, BOUNDS, "sobol", samples=10, replications=2)
    with pytest.raises(UsageError, match="LOW < HIGH"):
        sensitivity(closure, {STOCK: (5.0, 5.0)}, replications=2)
    with pytest.raises(UsageError, match="morris or sobol"):
        sensitivity(closure, BOUNDS, "fast", replications=2)
    with pytest.raises(ScenarioError, match="did you mean"):
        sensitivity(closure, {"nodes.site.inventory.order_upto": (1, 2)}, replications=2)
    with pytest.raises(UsageError, match="--figure"):
        sensitivity(closure, {HOLDING: (0.1, 0.2)}, figure="happiness", samples=2, replications=2)
