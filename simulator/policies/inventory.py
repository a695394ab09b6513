"""Inventory policies at a site: their scenario specs and the rules that size orders.

Inventory position = on hand + on order − backorders (units). Levels given as days of cover are
converted with the mean demand per day and rounded to the nearest unit. Each kind is a spec (what
the scenario file says) with a ``rule`` method that turns it into a rule in units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, model_validator

from ..scenario.types import NonNegative, Positive, Spec, one_of


def _level(units: float | None, days: float | None, mean_per_day: float) -> int:
    value = units if units is not None else days * mean_per_day
    return math.floor(value + 0.5)


# --------------------------------------------------------------------------- rules (units)


@dataclass(frozen=True)
class BaseStockRule:
    """Order up to S (units) at every review."""

    order_up_to: int
    review_period_days: float

    def order_quantity(self, position: float) -> int:
        """Units to order at a review with inventory ``position`` (units)."""
        return max(0, int(self.order_up_to - position))

    @property
    def trigger_level(self) -> int:
        """The highest whole-unit inventory position at which a review orders."""
        return math.ceil(self.order_up_to) - 1

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
        """Units to order at a review with inventory ``position`` (units)."""
        if position <= self.reorder_point:
            return max(0, int(self.order_up_to - position))
        return 0

    @property
    def trigger_level(self) -> int:
        """The highest whole-unit inventory position at which a review orders."""
        return min(math.floor(self.reorder_point), math.ceil(self.order_up_to) - 1)

    @property
    def initial_on_hand(self) -> int:
        return self.order_up_to


@dataclass(frozen=True)
class RQRule:
    """At a review with position <= r, order the fewest multiples of Q (units) that bring the
    position above r."""

    reorder_point: int
    order_quantity_units: int
    review_period_days: float

    def order_quantity(self, position: float) -> int:
        """Units to order at a review with inventory ``position`` (units)."""
        if position > self.reorder_point:
            return 0
        q = self.order_quantity_units
        return q * (int((self.reorder_point - position) // q) + 1)

    @property
    def trigger_level(self) -> int:
        """The highest whole-unit inventory position at which a review orders."""
        return math.floor(self.reorder_point)

    @property
    def initial_on_hand(self) -> int:
        return self.reorder_point + self.order_quantity_units


InventoryRule = BaseStockRule | SsRule | RQRule


# --------------------------------------------------------------------------- specs

# What each level field takes (shown by `diversim schema`; the loader's fix for a wrong value).
_UNITS = "a number of units >= 0"
_DAYS_OF_COVER = "a number of days of mean demand >= 0"
_REVIEW = "a number of days >= 0; 0 for continuous review"
_INITIAL = "a number of units >= 0, or omit it to start at the order-up-to level"


class BaseStock(Spec):
    """Order up to S every ``review_period_days`` (0 = continuous review)."""

    kind: Literal["base_stock"]
    order_up_to: NonNegative | None = Field(None, description=_UNITS)
    order_up_to_days_of_cover: NonNegative | None = Field(None, description=_DAYS_OF_COVER)
    review_period_days: NonNegative = Field(1.0, description=_REVIEW)
    initial_on_hand: NonNegative | None = Field(None, description=_INITIAL)

    @model_validator(mode="after")
    def _levels(self) -> BaseStock:
        one_of(self, "order_up_to", "order_up_to_days_of_cover")
        return self

    def rule(self, mean_per_day: float) -> BaseStockRule:
        """This policy in units, for mean demand ``mean_per_day`` (units/day)."""
        return BaseStockRule(
            _level(self.order_up_to, self.order_up_to_days_of_cover, mean_per_day),
            self.review_period_days,
        )


class SsPolicy(Spec):
    """Reorder point s, order-up-to S: at a review with position <= s, order S − position."""

    kind: Literal["s_S"]
    reorder_point: NonNegative | None = Field(None, description=_UNITS)
    reorder_point_days_of_cover: NonNegative | None = Field(None, description=_DAYS_OF_COVER)
    order_up_to: NonNegative | None = Field(None, description=_UNITS)
    order_up_to_days_of_cover: NonNegative | None = Field(None, description=_DAYS_OF_COVER)
    review_period_days: NonNegative = Field(1.0, description=_REVIEW)
    initial_on_hand: NonNegative | None = Field(None, description=_INITIAL)

    @model_validator(mode="after")
    def _levels(self) -> SsPolicy:
        one_of(self, "reorder_point", "reorder_point_days_of_cover")
        one_of(self, "order_up_to", "order_up_to_days_of_cover")
        return self

    def rule(self, mean_per_day: float) -> SsRule:
        """This policy in units, for mean demand ``mean_per_day`` (units/day)."""
        return SsRule(
            _level(self.reorder_point, self.reorder_point_days_of_cover, mean_per_day),
            _level(self.order_up_to, self.order_up_to_days_of_cover, mean_per_day),
            self.review_period_days,
        )


class RQPolicy(Spec):
    """Reorder point r, order quantity Q: at a review with position <= r, order enough
    multiples of Q to bring the position above r (the EOQ policy with Q = EOQ)."""

    kind: Literal["r_Q"]
    reorder_point: NonNegative | None = Field(None, description="r, units")
    reorder_point_days_of_cover: NonNegative | None = Field(None, description="r, days of demand")
    order_quantity: Positive | None = Field(None, description="Q, units per order")
    order_quantity_days_of_cover: Positive | None = Field(
        None, description="Q, days of mean demand per order"
    )
    review_period_days: NonNegative = Field(
        1.0, description="days between reviews; 0 = continuous review (after every demand)"
    )
    initial_on_hand: NonNegative | None = Field(None, description="units at t=0; default r + Q")

    @model_validator(mode="after")
    def _levels(self) -> RQPolicy:
        one_of(self, "reorder_point", "reorder_point_days_of_cover")
        one_of(self, "order_quantity", "order_quantity_days_of_cover")
        return self

    def rule(self, mean_per_day: float) -> RQRule:
        """This policy in units, for mean demand ``mean_per_day`` (units/day)."""
        q = _level(self.order_quantity, self.order_quantity_days_of_cover, mean_per_day)
        return RQRule(
            _level(self.reorder_point, self.reorder_point_days_of_cover, mean_per_day),
            max(1, q),
            self.review_period_days,
        )


InventoryPolicy = Annotated[BaseStock | SsPolicy | RQPolicy, Field(discriminator="kind")]


def make_inventory_rule(
    spec: BaseStock | SsPolicy | RQPolicy, mean_per_day: float
) -> InventoryRule:
    """Turn a scenario's inventory policy into a rule in units."""
    return spec.rule(mean_per_day)


def initial_on_hand(spec: BaseStock | SsPolicy | RQPolicy, rule: InventoryRule) -> int:
    """Units on hand at t = 0: the policy's ``initial_on_hand`` or its order-up-to level."""
    if spec.initial_on_hand is not None:
        return math.floor(spec.initial_on_hand + 0.5)
    return rule.initial_on_hand
