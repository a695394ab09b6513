"""Mutable runtime state of nodes and legs under the disruptions active at the moment."""

from __future__ import annotations

from dataclasses import dataclass, field

from .calendar import Episode


@dataclass(slots=True)
class ElementState:
    """Combined effect of the episodes active on one node or leg.

    Effects combine: closed if any episode closes it; capacity and cost factors multiply; extra
    days add. ``free_at`` is the time (days) the element's capacity is next free (a fluid server).
    """

    capacity_per_day: float | None = None
    active: list[Episode] = field(default_factory=list)
    closed: bool = False
    capacity_factor: float = 1.0
    extra_days: float = 0.0
    cost_factor: float = 1.0
    free_at: float = 0.0

    def recompute(self) -> None:
        closed, cap, extra, cost = False, 1.0, 0.0, 1.0
        for ep in self.active:
            e = ep.effect
            closed = closed or e.closed
            if e.capacity_factor is not None:
                cap *= e.capacity_factor
            if e.extra_days is not None:
                extra += e.extra_days
            if e.cost_factor is not None:
                cost *= e.cost_factor
        self.closed = closed or cap == 0.0
        self.capacity_factor, self.extra_days, self.cost_factor = cap, extra, cost

    def occupy(self, now: float, units: float) -> float:
        """Reserve capacity for ``units``; return the time the last of them is through."""
        if self.capacity_per_day is None:
            return now
        start = max(now, self.free_at)
        self.free_at = start + units / (self.capacity_per_day * self.capacity_factor)
        return self.free_at
