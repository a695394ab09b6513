"""Building blocks shared by every scenario spec: the frozen spec base, numeric field types and
the enums that name kinds, modes and rules.

Lower than :mod:`.schema` so that policy kinds (:mod:`simulator.policies`) can define their own
specs on it without importing the whole scenario.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Fraction = Annotated[float, Field(ge=0, le=1)]

MAX_NUMBER = 1e12
"""The largest magnitude of any number in a scenario (the root ``seed`` excepted): far beyond any
real quantity, price or time, and small enough that products and squares of such numbers stay
finite."""
MAX_UNIT_RATE = 100_000.0
"""The highest rate (units/day) of demand that arrives one unit at a time (poisson, rate): each
unit is one simulated event; larger demand is written as kind: daily."""
MAX_HORIZON_DAYS = 36_500
"""The longest simulated horizon (100 years)."""

TAG_FIELDS = ("kind", "dist")
"""The fields that say which variant a mapping is (a node's ``kind``, a distribution's ``dist``)."""


class Spec(BaseModel):
    """Base of every scenario definition: frozen, unknown keys refused, aliases accepted, and
    every number finite (``.inf`` and ``.nan`` are refused)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )


class NodeKind(StrEnum):
    SUPPLIER = "supplier"
    PORT = "port"
    RAIL_HUB = "rail_hub"
    BORDER = "border"
    CHOKEPOINT = "chokepoint"
    SITE = "site"


PASS_THROUGH_KINDS = frozenset(
    {NodeKind.PORT, NodeKind.RAIL_HUB, NodeKind.BORDER, NodeKind.CHOKEPOINT}
)


class Mode(StrEnum):
    SEA = "sea"
    RAIL = "rail"
    ROAD = "road"
    AIR = "air"


class Unmet(StrEnum):
    BACKORDER = "backorder"
    LOST = "lost"


class Routing(StrEnum):
    FASTEST = "fastest"
    CHEAPEST = "cheapest"


class Reroute(StrEnum):
    """A site's rule for shipments whose route is blocked (the ``reroute`` field)."""

    ALWAYS = "always"  # reroute: true — take the best open route from where the shipment is
    WHEN_FASTER = "when_faster"  # only when the detour beats waiting for the reopening
    NEVER = "never"  # reroute: false — keep the route and wait


class TimingKind(StrEnum):
    SCHEDULED = "scheduled"
    RANDOM = "random"


class BelowMinimum(StrEnum):
    """What a policy does with a supplier's part of an order below its ``min_order_qty``."""

    ROUND_UP = "round_up"  # order the minimum from that supplier
    SKIP = "skip"  # give that part to the policy's other suppliers of the order


class ExpediteVia(StrEnum):
    """How an expedited order travels."""

    FASTEST = "fastest"  # the fastest open route, whatever its cost
    AIR = "air"  # the fastest open route that flies (has an air leg)


class OrderRole(StrEnum):
    """Why an order went to its supplier: the policy's regular choice or a contingent backup."""

    REGULAR = "regular"
    BACKUP = "backup"
    EXPEDITE = "expedite"  # an emergency order shipped by the fastest (or an air) route


def invalid(message: str, fix: str) -> PydanticCustomError:
    """The error a spec's validator raises for a broken rule, carrying the fix the user is shown."""
    return PydanticCustomError("value_error", message, {"fix": fix})


def one_of(
    spec: BaseModel,
    units: str,
    days: str,
    required: bool = True,
    meaning: tuple[str, str] = ("units", "days of cover of mean demand"),
) -> None:
    """Refuse a spec that gives both (or, when ``required``, neither) of two alternative fields."""
    given = [getattr(spec, units) is not None, getattr(spec, days) is not None]
    if all(given):
        raise invalid(f"give either {units} or {days}, not both", "keep only one of the two fields")
    if required and not any(given):
        raise invalid(
            f"give {units} ({meaning[0]}) or {days} ({meaning[1]})", "add one of the two fields"
        )
