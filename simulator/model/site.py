"""A site: on-hand stock, backorders, demand arrivals and reviews that place orders.

:class:`SiteRuntime` handles every demand arrival and every review as a SimPy event; the
day-skipping :class:`~simulator.model.fast_site.FastSite` gives the same numbers with an event only
for the reviews that order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..policies.inventory import InventoryPolicy, InventoryRule, initial_on_hand
from ..scenario.schema import SiteNode
from ..scenario.types import Unmet
from . import trace as tr
from .ledger import SiteLedger
from .timing import DEMAND, REVIEW, At

if TYPE_CHECKING:
    from .replication import ReplicationModel


class SiteRuntime:
    """Inventory state of one site. Levels in units; inventory position = on hand + on order −
    backorders."""

    def __init__(
        self,
        model: ReplicationModel,
        sid: str,
        spec: SiteNode,
        days: int,
        inventory: InventoryPolicy | None = None,
    ):
        self.model = model
        self.env = model.env
        self.id = sid
        self.spec = spec
        policy = inventory or spec.inventory  # a sourcing policy may bring its own
        self.rule: InventoryRule = policy.rule(spec.demand.mean_per_day)
        self.backorders = spec.unmet == Unmet.BACKORDER
        self.on_hand = initial_on_hand(policy, self.rule)
        self.initial_on_hand = self.on_hand
        self.on_order = 0
        self.backlog_units = 0  # backordered units outstanding (units are alike: no queue needed)
        self.ledger = SiteLedger(days)
        self.met_total = 0  # units handed to customers (on the day or from backlog)
        self.destroyed_total = 0
        self.continuous = self.rule.review_period_days == 0
        # Stranded pipeline: units held at a closure for more than this many days are left out
        # of the inventory position (None: they always count as on order).
        self.stranded_after = spec.stranded_after_days
        self.stranded_units = 0
        self.mean_demand = spec.demand.mean_per_day  # units/day
        # Units added to every stock level while an early warning is active (extra cover).
        self.boost = 0
        # Same-instant order of the reviews of different sites (set by the model, see timing).
        self.review_priority = REVIEW

    def start(self, times: np.ndarray, quantities: np.ndarray) -> None:
        """Start the site's processes: reviews and demand arrivals at ``times`` (days)."""
        env = self.env
        # Continuous review also reviews once at t = 0 (stock may start below s).
        env.process(self.initial_review() if self.continuous else self.review_process())
        env.process(self.demand_process(times, quantities))

    def refresh(self) -> None:
        """Bring ``on_hand`` and ``backlog_units`` up to now (they always are here)."""

    @property
    def position(self) -> int:
        """Inventory position (units): on hand + on order − backorders − stranded units."""
        return self.on_hand + self.on_order - self.backlog_units - self.stranded_units

    def _advance(self) -> None:
        """Integrate the levels up to now (call before every change of level)."""
        self.ledger.advance(self.env.now, self.on_hand, self.backlog_units, self.on_order)

    # ---------------------------------------------------------------- processes
    def demand_process(self, times: np.ndarray, quantities: np.ndarray):
        """SimPy process: demand of ``quantities`` units arriving at ``times`` (days)."""
        env = self.env
        for t, q in zip(times.tolist(), quantities.tolist(), strict=True):
            if t > env.now:
                yield At(env, t - env.now, DEMAND)
            self.on_demand(int(q))

    def initial_review(self):
        """SimPy process: the one review at t = 0 of a continuous-review site."""
        self.review()
        yield self.env.timeout(0)

    def review_process(self):
        """SimPy process: a review every ``review_period_days`` from the start of day 0."""
        env, period = self.env, self.rule.review_period_days
        while True:
            self.review()
            yield At(env, period, self.review_priority)

    # ---------------------------------------------------------------- events
    def on_demand(self, qty: int) -> None:
        """``qty`` units demanded now: met from stock, the rest backordered or lost."""
        self._advance()
        a = self.ledger.arrays
        day = self.ledger.day_of(self.env.now)
        a["demand"][day] += qty
        met = qty if qty <= self.on_hand else self.on_hand
        self.on_hand -= met
        self.met_total += met
        a["met"][day] += met
        short = qty - met
        if short:
            if self.model.trace is not None:
                self.model.trace(tr.Stockout(self.env.now, self.id, short, self.backorders))
            if self.backorders:
                self.backlog_units += short
                a["backordered"][day] += short
            else:
                a["lost"][day] += short
        if self.continuous:
            self.review()

    def review(self) -> None:
        """Order up to the policy's level against the inventory position (units)."""
        self.model.expediter.at_review(self.id)
        qty = self.rule.order_quantity(self.position - self.boost)
        if qty > 0:
            self._advance()
            self.on_order += qty
            self.ledger.arrays["orders"][self.ledger.day_of(self.env.now)] += qty
            placed = self.model.place_orders(self.id, qty)
            if placed != qty:
                self.ordered_more(placed - qty)

    def ordered_more(self, units: int) -> None:
        """``units`` more were ordered than asked for (minimum order quantities, multiples)."""
        self._advance()
        self.on_order += units
        self.ledger.arrays["orders"][self.ledger.day_of(self.env.now)] += units

    def receive(self, qty: int) -> None:
        """``qty`` units arrive: on order becomes on hand; backorders are served first."""
        self._advance()
        self.on_order -= qty
        self.on_hand += qty
        self.ledger.arrays["receipts"][self.ledger.day_of(self.env.now)] += qty
        # Backorders are served as stock arrives, before new demand.
        give = min(self.backlog_units, self.on_hand)
        self.on_hand -= give
        self.backlog_units -= give
        self.met_total += give

    def set_boost(self, units: int) -> None:
        """Raise every stock level by ``units`` (an early warning's extra cover; 0 = normal);
        a continuous-review site re-orders at once, a periodic one at its next review."""
        if units != self.boost:
            self.boost = units
            if units > 0 and self.continuous:
                self.review()

    def strand(self, qty: int) -> None:
        """``qty`` units on order are stranded (negative: no longer); a continuous-review site
        re-orders around them at once, a periodic one at its next review."""
        self.stranded_units += qty
        if qty > 0 and self.continuous:
            self.review()

    def lose_in_transit(self, qty: int) -> None:
        """Units on order that were destroyed on the way and will never arrive."""
        self._advance()
        self.on_order -= qty

    def destroy(self, fraction: float) -> int:
        """Destroy ``fraction`` of on-hand stock (rounded down to whole units)."""
        self._advance()
        gone = int(self.on_hand * fraction + 1e-9)
        self.on_hand -= gone
        self.destroyed_total += gone
        self.ledger.arrays["destroyed"][self.ledger.day_of(self.env.now)] += gone
        return gone

    def finish(self, horizon: float) -> None:
        """Close the ledger at ``horizon`` (days)."""
        self.ledger.advance(horizon, self.on_hand, self.backlog_units, self.on_order)
