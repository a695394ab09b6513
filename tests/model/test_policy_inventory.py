"""A sourcing policy may bring its own inventory policy per site (e.g. leaner stock when
diversified); everything else, demand included, stays common to all policies."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import ScenarioError, run_replication, scenario_from_dict


def with_lean_split(data: dict, site: str = "dc") -> dict:
    data["sourcing"]["lean_split"] = {
        "kind": "split",
        "shares": {"cn": 0.5, "vn": 0.5},
        "inventory": {site: {"kind": "base_stock", "order_up_to": 1500}},
    }
    return data


def test_override_applies_to_its_policy_only(tiny_data):
    sc = scenario_from_dict(with_lean_split(tiny_data))
    lean = run_replication(sc, "lean_split", replication=1)
    split = run_replication(sc, "split", replication=1)
    # Initial stock is each policy's own order-up-to level: 1500 vs 45 days × 40/day = 1800.
    assert lean.balance["initial_on_hand"] == 1500
    assert split.balance["initial_on_hand"] == 1800
    # Inventory position after each daily review is S for the policy in force.
    a = lean.sites["dc"]
    position = a["on_hand_end"] + a["on_order_end"] - a["backlog_end"]
    assert position[30:].max() <= 1500
    np.testing.assert_array_equal(lean.sites["dc"]["demand"], split.sites["dc"]["demand"])
    assert [e.start for e in lean.episodes] == [e.start for e in split.episodes]


def test_override_must_name_a_site(tiny_data):
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(with_lean_split(tiny_data, site="dcc"))
    msg = str(err.value)
    assert "sourcing.lean_split.inventory.dcc" in msg and "did you mean 'dc'" in msg


def test_override_must_name_a_site_not_another_node(tiny_data):
    with pytest.raises(ScenarioError, match="'suez' is a chokepoint, not a site"):
        scenario_from_dict(with_lean_split(tiny_data, site="suez"))
