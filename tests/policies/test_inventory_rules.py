"""Inventory rules: order quantities against the inventory position, levels in units or days."""

from __future__ import annotations

import pytest

from simulator.policies.inventory import (
    BaseStock,
    BaseStockRule,
    SsPolicy,
    SsRule,
    initial_on_hand,
    make_inventory_rule,
)


def test_base_stock_orders_up_to_s_at_every_review():
    rule = make_inventory_rule(BaseStock(kind="base_stock", order_up_to=50), 3.0)
    assert rule == BaseStockRule(order_up_to=50, review_period_days=1.0)
    assert [rule.order_quantity(p) for p in (50, 49, 0, -20, 60)] == [0, 1, 50, 70, 0]


def test_s_S_orders_only_at_or_below_the_reorder_point():
    spec = SsPolicy(kind="s_S", reorder_point=20, order_up_to=60, review_period_days=0)
    rule = make_inventory_rule(spec, 3.0)
    assert rule == SsRule(reorder_point=20, order_up_to=60, review_period_days=0)
    assert [rule.order_quantity(p) for p in (21, 20, 5, -10)] == [0, 40, 55, 70]


@pytest.mark.parametrize(
    ("days", "mean", "units"),
    [(10, 4.0, 40), (2.5, 3.0, 8), (1.0, 2.49, 2), (0, 7.0, 0)],  # rounded to the nearest unit
)
def test_days_of_cover_convert_with_mean_demand(days, mean, units):
    rule = make_inventory_rule(
        BaseStock(kind="base_stock", order_up_to_days_of_cover=days, review_period_days=7), mean
    )
    assert rule.order_up_to == units and rule.review_period_days == 7
    ss = make_inventory_rule(
        SsPolicy(kind="s_S", reorder_point_days_of_cover=days, order_up_to_days_of_cover=2 * days),
        mean,
    )
    assert ss.reorder_point == units
    assert ss.order_up_to == int(2 * days * mean + 0.5)


def test_initial_on_hand_defaults_to_the_order_up_to_level():
    spec = BaseStock(kind="base_stock", order_up_to=30)
    assert initial_on_hand(spec, make_inventory_rule(spec, 1.0)) == 30
    given = BaseStock(kind="base_stock", order_up_to=30, initial_on_hand=12.6)
    assert initial_on_hand(given, make_inventory_rule(given, 1.0)) == 13
    ss = SsPolicy(kind="s_S", reorder_point=5, order_up_to=25)
    assert initial_on_hand(ss, make_inventory_rule(ss, 1.0)) == 25


def test_levels_are_whole_units():
    rule = make_inventory_rule(BaseStock(kind="base_stock", order_up_to_days_of_cover=3), 1.7)
    assert rule.order_up_to == 5 and isinstance(rule.order_up_to, int)
    assert isinstance(rule.order_quantity(2), int)
