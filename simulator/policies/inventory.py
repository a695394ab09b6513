"""Inventory policies at a site: how much to order at a review, given the inventory position.

Inventory position = on hand + on order − backorders (units). Levels given as days of cover are
converted with the mean demand per day and rounded to the nearest unit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..scenario.schema import BaseStock, InventoryPolicy, SsPolicy


def _level(units: float | None, days: float | None, mean_per_day: float) -> int:
    value = units if units is not None else days * mean_per_day
    return math.floor(value + 0.5)


@dataclass(frozen=True)
class BaseStockRule:
    """Order up to S (units) at every review."""

    order_up_to: int
    review_period_days: float

    def order_quantity(self, position: float) -> int:
        return max(0, int(self.order_up_to - position))

    @property
    def initial_on_hand(self) -> int:
        return self.order_up_to


@dataclass(frozen=True)
class SsRule:
    """At a review with position <= s, order up to S (units)."""

    reorder_point: int
    order_up_to: int
    review_period_days: float

    def order_quantity(self, position: float) -> int:
        if position <= self.reorder_point:
            return max(0, int(self.order_up_to - position))
        return 0

    @property
    def initial_on_hand(self) -> int:
        return self.order_up_to


InventoryRule = BaseStockRule | SsRule


def make_inventory_rule(spec: InventoryPolicy, mean_per_day: float) -> InventoryRule:
    """Turn a scenario's inventory policy into a rule in units."""
    if isinstance(spec, BaseStock):
        return BaseStockRule(
            _level(spec.order_up_to, spec.order_up_to_days_of_cover, mean_per_day),
            spec.review_period_days,
        )
    assert isinstance(spec, SsPolicy)
    return SsRule(
        _level(spec.reorder_point, spec.reorder_point_days_of_cover, mean_per_day),
        _level(spec.order_up_to, spec.order_up_to_days_of_cover, mean_per_day),
        spec.review_period_days,
    )


def initial_on_hand(spec: InventoryPolicy, rule: InventoryRule) -> int:
    """Units on hand at t = 0: the policy's ``initial_on_hand`` or its order-up-to level."""
    if spec.initial_on_hand is not None:
        return math.floor(spec.initial_on_hand + 0.5)
    return rule.initial_on_hand
