"""Typed trace events of one replication, for tests and explanations.

Pass ``trace=callback`` to :class:`~simulator.model.replication.ReplicationModel` (or
``run_replication``) and the callback receives every event below as it happens, in simulation
order. Without a callback nothing is built, so the hot loop pays one ``is None`` test per event.
Times are in days; quantities in units of the product.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..scenario.types import OrderRole


@dataclass(frozen=True, slots=True)
class TraceEvent:
    """Base of every trace event: when it happened (days)."""

    time: float


@dataclass(frozen=True, slots=True)
class OrderAllocated(TraceEvent):
    """A site's order of ``units`` split by the sourcing policy: (supplier, units, role) parts."""

    site: str
    units: int
    parts: tuple[tuple[str, int, OrderRole], ...]


@dataclass(frozen=True, slots=True)
class OrderPlaced(TraceEvent):
    """One part of an allocation placed with a supplier, at ``unit_price`` (currency/unit)."""

    order: int
    site: str
    supplier: str
    units: int
    role: OrderRole
    unit_price: float


@dataclass(frozen=True, slots=True)
class OrdersWithdrawn(TraceEvent):
    """A site's not-yet-started orders taken back from a supplier (to be placed again)."""

    site: str
    supplier: str
    orders: tuple[int, ...]
    units: int


@dataclass(frozen=True, slots=True)
class ShipmentDispatched(TraceEvent):
    """A finished order leaves its supplier on ``route`` (leg ids)."""

    shipment: int
    order: int
    site: str
    supplier: str
    units: int
    route: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ShipmentHeld(TraceEvent):
    """A shipment starts waiting at ``node`` because its way on is closed."""

    shipment: int
    node: str
    units: int


@dataclass(frozen=True, slots=True)
class ShipmentRerouted(TraceEvent):
    """A shipment at ``node`` switches to ``route`` (leg ids from ``node`` to the site)."""

    shipment: int
    node: str
    route: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ShipmentDelivered(TraceEvent):
    """A shipment reaches its site with ``units`` (after any losses on the way)."""

    shipment: int
    site: str
    supplier: str
    units: int
    legs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Stockout(TraceEvent):
    """Demand at ``site`` not met from stock: ``units`` short (backordered or lost)."""

    site: str
    units: int
    backordered: bool


Trace = Callable[[TraceEvent], None]

__all__ = [
    "OrderAllocated",
    "OrderPlaced",
    "OrdersWithdrawn",
    "ShipmentDelivered",
    "ShipmentDispatched",
    "ShipmentHeld",
    "ShipmentRerouted",
    "Stockout",
    "Trace",
    "TraceEvent",
]
