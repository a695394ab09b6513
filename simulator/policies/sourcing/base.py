"""What every sourcing-policy kind has: its spec base class and its runtime strategy base class.

A kind is one module of this package holding its spec (what the scenario file says), the
suppliers it names, its cross-checks on raw scenario data and its runtime strategy (which
supplier gets each order). :mod:`simulator.policies.sourcing` finds the kinds and builds the
schema's union from them, so the schema, the checks and the model all read the same registry.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Protocol

from pydantic import Field, model_validator

from ...scenario.types import BelowMinimum, NonNegative, OrderRole, Spec, invalid
from ..inventory import InventoryPolicy
from .reactions import Expedite, OnWarning

if TYPE_CHECKING:
    from ...errors import Problem
    from ...scenario.references import References
    from .triggers import Triggers

Allocation = list[tuple[str, int, OrderRole]]  # (supplier id, units, role)

#: A supplier a policy names (checked against the scenario's nodes by the cross-checks).
SupplierId = Annotated[str, Field(description="the id of a supplier node")]

#: Days a supply path must stay unusable before a reacting policy sees it as down.
DetectionDelay = Annotated[NonNegative, Field(description="a number of days >= 0; 0 for immediate")]


class StatusView(Protocol):
    """What a strategy may ask about supply paths (see :mod:`simulator.model.supply_status`)."""

    def observed_down(self, supplier: str, site: str, now: float, delay: float) -> bool: ...


class SourcingRuntime:
    """A policy's strategy during one replication: which suppliers get each order.

    Policies that react to disruptions see a supplier's path to a site as *down* only once it has
    been continuously unusable for ``detection_delay`` days; they see a recovery at once.
    """

    detection_delay: float = 0.0  # days
    move_queued_orders: bool = False
    premium: float = 0.0  # price surcharge of backup orders, 0.15 = +15%

    def __init__(self, spec: SourcingSpec, status: StatusView):
        self.spec = spec
        self.status = status

    @property
    def suppliers(self) -> tuple[str, ...]:
        """Every supplier the policy may order from (it pays their reservation fees)."""
        return self.spec.suppliers

    @property
    def warm_suppliers(self) -> set[str]:
        """Suppliers already producing for this policy at t = 0 (no ramp-up needed)."""
        return set(self.suppliers)

    def allocate(self, site: str, qty: int, now: float) -> Allocation:
        """Split an order of ``qty`` units placed by ``site`` at time ``now`` (days)."""
        raise NotImplementedError

    def moves_orders_from(self, supplier: str) -> bool:
        """Whether queued orders at ``supplier`` move elsewhere once its outage is detected."""
        return self.move_queued_orders


class SourcingSpec(Spec):
    """Base of every sourcing-policy spec (one subclass per kind, each in its own module)."""

    #: Position of the kind in the schema's union, error listings and docs.
    order: ClassVar[int] = 100

    inventory: dict[str, InventoryPolicy] | None = Field(
        None,
        description="inventory policy per site id to use with this sourcing policy, instead of "
        "the site's own (e.g. leaner stock when sourcing is diversified)",
    )
    order_cost: NonNegative | None = Field(
        None,
        description="fixed cost per order placed with any supplier under this policy, currency; "
        "default: each supplier's own order_cost",
    )
    on_warning: OnWarning | None = Field(
        None, description="what the policy does on an early warning (DESIGN §7)"
    )
    expedite: Expedite | None = Field(
        None,
        description="emergency orders by a faster mode: on a warning (on_warning.expedite) or "
        "on a projected shortage (when_backlog_above, when_cover_below_days)",
    )
    below_minimum: BelowMinimum = Field(
        BelowMinimum.ROUND_UP,
        description="a supplier's part of an order below its min_order_qty: round_up (order the "
        "minimum) or skip (give the units to the order's other suppliers)",
    )

    @classmethod
    def supplier_fields(cls, raw: Mapping[str, Any]) -> list[tuple[str, Any]]:
        """(field path relative to the policy, value) of every supplier the policy may order
        from, read from raw scenario data that may be invalid (values are not checked)."""
        raise NotImplementedError

    @classmethod
    def check(cls, refs: References, path: str, raw: Mapping[str, Any]) -> list[Problem]:
        """Cross-reference problems of one policy of this kind, read from raw data."""
        return []

    @model_validator(mode="after")
    def _expedite_settings(self) -> SourcingSpec:
        warned = self.on_warning is not None and self.on_warning.expedite
        if warned and self.expedite is None:
            raise invalid(
                "on_warning.expedite needs the policy's expedite settings",
                "add expedite: {via: fastest} (or via: air) to the policy",
            )
        return self

    @cached_property
    def suppliers(self) -> tuple[str, ...]:
        """Supplier ids the policy may order from, in a stable order (no duplicates)."""
        found = self.supplier_fields(self.model_dump(mode="json"))
        return tuple(dict.fromkeys(s for _, s in found if isinstance(s, str)))

    @property
    def path_triggers(self) -> Triggers | None:
        """What besides closure counts a supply path as down (None: closures only)."""
        return None

    def runtime(self, status: StatusView) -> SourcingRuntime:
        """The strategy that carries this policy out in one replication."""
        raise NotImplementedError
