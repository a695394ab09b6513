"""A periodic-review site that skips the days on which nothing is decided.

Demand is drawn before the run, so between two changes from outside (a receipt, a loss, an extra
order, a boost, stranding) the inventory position falls by a known cumulative sum: the first review
that orders is one binary search away. :class:`FastSite` schedules an event for that review only,
and moves its levels forward in one step whenever something touches it. The daily ledger is
rebuilt at the end from the few change points it logged and the demand arrays, with the same
floating-point sums as :class:`~simulator.model.site.SiteRuntime`, which handles every arrival and
every review as an event; both give identical numbers (tests/model/test_fast_site.py).

Levels in units, times in days. Backorder mode keeps the net stock N = on hand − backlog (a
backlog only exists while on hand is 0); lost-sales mode keeps on hand, which demand takes down to
0 and no further. At one instant a review sees every change of that instant and no demand of it
(:mod:`~simulator.model.timing`).
"""

from __future__ import annotations

import functools
import itertools
from bisect import bisect_left, bisect_right
from heapq import heappush
from typing import TYPE_CHECKING

import numpy as np

from .site import SiteRuntime

if TYPE_CHECKING:
    from ..policies.inventory import InventoryPolicy
    from ..scenario.schema import SiteNode
    from .replication import ReplicationModel


@functools.lru_cache(maxsize=64)
def review_times(period: float, days: int) -> tuple[float, ...]:
    """Review times (days) before ``days`` as SimPy reaches them: by repeated addition of the
    period (shared, read-only, by every replication with the same period and horizon)."""
    reviews, r = [], 0.0
    while r < days:
        reviews.append(r)
        r += period
    return tuple(reviews)


def fast_site_fits(policy: InventoryPolicy, trace: object, review_expedite: bool) -> bool:
    """Whether a site can skip days: periodic review, no trace to feed per arrival, and no
    expediting that looks at the levels at every review."""
    return policy.review_period_days > 0 and trace is None and not review_expedite


class FastSite(SiteRuntime):
    """The same site as :class:`SiteRuntime`, with an event only for the reviews that order."""

    def __init__(
        self,
        model: ReplicationModel,
        sid: str,
        spec: SiteNode,
        days: int,
        inventory: InventoryPolicy | None = None,
    ):
        super().__init__(model, sid, spec, days, inventory)
        self.days = days
        self.trigger = self.rule.trigger_level  # a review orders iff position − boost <= this
        self.level = self.on_hand  # net stock (backorders) or on hand (lost sales), units
        self.k = 0  # demand arrivals accounted for
        # The change log: from (t, k) on, the level was ``level`` and on order ``on_order``:
        # (t, k, level, on_order) tuples.
        # In backorder mode a receipt logs without accounting the arrivals before it first (no
        # clamp at 0, so the order of the two does not matter): its k may lag, and the ledger
        # moves such an entry to the arrivals before its time.
        self._log: list[tuple[float, int, int, int]] = [(0.0, 0, self.level, 0)]
        # Units ordered and received: times in days and units, written into the ledger at the end
        # (lists: appending to them and converting once costs less than typed arrays).
        self._ordered_t: list[float] = []
        self._ordered_q: list[int] = []
        self._received_t: list[float] = []
        self._received_q: list[int] = []
        # The ordering review scheduled: its wake-up's number and the review's, or None.
        self._pending: int | None = None
        self._pending_m = -1
        self._wakes = 0  # wake-ups scheduled so far (a stale one is not the pending one)
        self._wake_fn = self._on_wake  # bound once, not at every wake-up scheduled

    # ---------------------------------------------------------------- start
    def start(self, times: np.ndarray, quantities: np.ndarray) -> None:
        """Take the demand arrivals at ``times`` (days) and do the review at t = 0."""
        self._times_np, self._qty_np = times, quantities
        self._times: list[float] = times.tolist()
        cum = np.zeros(len(quantities) + 1, dtype=np.int64)
        np.cumsum(quantities, out=cum[1:])
        self._cum_np = cum  # cumulative demand (units) before arrival k
        self._cum: list[int] = cum.tolist()
        self._reviews = review_times(float(self.rule.review_period_days), self.days)
        self._next_m = 0  # the first review not done yet
        self.env.process(self._first_review())

    def _first_review(self):
        """SimPy process: the review at t = 0, run where SiteRuntime runs its own."""
        self._review(0)
        yield from ()

    # ---------------------------------------------------------------- catching up
    def _sync(self) -> None:
        """Account for the demand arrivals before now."""
        k = self.k
        j = bisect_left(self._times, self.env.now, k)
        if j > k:
            taken = self._cum[j] - self._cum[k]
            if self.backorders:
                self.level -= taken
            else:
                self.level = self.level - taken if taken < self.level else 0
            self.k = j

    def _mark(self) -> None:
        """Log the levels after a change made now."""
        self._log.append((self.env.now, self.k, self.level, self.on_order))

    def refresh(self) -> None:
        """Bring ``on_hand`` and ``backlog_units`` up to now."""
        self._sync()
        level = self.level
        self.on_hand = level if level > 0 else 0
        self.backlog_units = -level if level < 0 else 0

    @property
    def position(self) -> int:
        """Inventory position (units) now: on hand + on order − backorders − stranded units."""
        self._sync()
        return self.level + self.on_order - self.stranded_units

    # ---------------------------------------------------------------- the next ordering review
    def _plan(self, m: int | None = None) -> None:
        """Schedule the first review that will order if nothing else changes (or none); ``m``:
        the first review still to come, when the caller knows it (a review just done)."""
        reviews = self._reviews
        if m is None:
            # Reviews skipped so far ordered nothing; the one due now (if any) is still to come.
            m = max(self._next_m, bisect_left(reviews, self.env.now, self._next_m))
        # Order iff level − (demand since) + on_order − stranded − boost <= trigger.
        slack = self.on_order - self.stranded_units - self.boost - self.trigger
        if not self.backorders and slack > 0:
            m = len(reviews)  # lost sales: on hand cannot fall below 0, so never
        else:
            cum, k = self._cum, self.k
            target = cum[k] + self.level + slack  # cumulative demand that triggers an order
            if target > cum[k]:
                j = bisect_left(cum, target, k + 1)
                # None, or the first review after that arrival (and not before m).
                m = len(reviews) if j >= len(cum) else bisect_right(reviews, self._times[j - 1], m)
        if m >= len(reviews):
            if self._pending is not None:
                self._pending = None
            return
        if self._pending is not None and self._pending_m == m:
            return
        self._wakes = wake = self._wakes + 1
        env = self.env  # call_at(env, reviews[m], self._on_wake, wake, priority), inlined
        heappush(
            env._queue, (reviews[m], self.review_priority, next(env._eid), self._wake_fn, wake)
        )
        self._pending, self._pending_m = wake, m

    def _on_wake(self, wake: int) -> None:
        if wake != self._pending:
            return  # re-planned since
        self._pending = None
        self._review(self._pending_m)

    def _review(self, m: int) -> None:
        """Review number ``m`` (now): order up to the policy's level."""
        self._next_m = m + 1
        qty = self.rule.order_quantity(self.position - self.boost)
        if qty > 0:
            self.on_order += qty
            placed = self.model.place_orders(self.id, qty)
            # Rounding to minimum quantities or multiples only adds; one log entry for the
            # instant is enough (the ledger reads the last one of an instant).
            self.on_order += placed - qty
            self._ordered_t.append(self.env.now)
            self._ordered_q.append(placed)
            self._mark()
        self._plan(m + 1)  # review m is at now, so m + 1 is the first still to come

    # ---------------------------------------------------------------- changes from outside
    def ordered_more(self, units: int) -> None:
        """``units`` more were ordered than asked for (minimum order quantities, multiples)."""
        self._sync()
        self.on_order += units
        self._mark()
        self._ordered_t.append(self.env.now)
        self._ordered_q.append(units)
        self._plan()

    def receive(self, qty: int) -> None:
        """``qty`` units arrive: on order becomes on hand; backorders are served first."""
        self.on_order -= qty
        self._received_t.append(self.env.now)
        self._received_q.append(qty)
        if self.backorders:
            # The position (and so the next ordering review) is unchanged, and the arrivals
            # before now can be accounted later (see _log).
            self.level += qty
            self._mark()
            return
        # In lost sales, more on hand changes how far demand can take the level.
        self._sync()
        self.level += qty
        self._mark()
        self._plan()

    def lose_in_transit(self, qty: int) -> None:
        """Units on order that were destroyed on the way and will never arrive."""
        self._sync()
        self.on_order -= qty
        self._mark()
        self._plan()

    def destroy(self, fraction: float) -> int:
        """Destroy ``fraction`` of on-hand stock (rounded down to whole units)."""
        self._sync()
        on_hand = self.level if self.level > 0 else 0
        gone = int(on_hand * fraction + 1e-9)
        self.level -= gone
        self.destroyed_total += gone
        self._mark()
        self.ledger.arrays["destroyed"][self.ledger.day_of(self.env.now)] += gone
        self._plan()
        return gone

    def strand(self, qty: int) -> None:
        """``qty`` units on order are stranded (negative: no longer)."""
        self._sync()
        self.stranded_units += qty
        self._plan()

    def set_boost(self, units: int) -> None:
        """Raise every stock level by ``units`` (0 = normal), from the next review on."""
        if units != self.boost:
            self._sync()
            self.boost = units
            self._plan()

    # ---------------------------------------------------------------- the ledger
    def finish(self, horizon: float) -> None:
        """Account for the last arrivals and write the daily ledger up to ``horizon`` (days)."""
        self._sync()
        self.refresh()
        self._write_ledger()

    def _write_ledger(self) -> None:
        days, a = self.days, self.ledger.arrays
        times, qty = self._times_np, self._qty_np.astype(np.int64)
        cum = self._cum_np
        # Read as doubles in one pass (the counts of units are whole numbers far below 2**53,
        # so exact), then the counts as integers.
        flat = itertools.chain.from_iterable(self._log)
        log = np.fromiter(flat, dtype=float, count=4 * len(self._log)).reshape(-1, 4)
        log_t = log[:, 0].copy()
        log_k, log_level, log_on_order = log[:, 1:].T.astype(np.int64)
        # Arrivals before each entry; every entry but a backorder-mode receipt's (which does
        # not account them first: see _log) logged that number itself.
        k_true = np.searchsorted(times, log_t, side="left")
        if self.backorders:
            log_level -= cum[k_true] - cum[log_k]  # take them now, as _sync would have
        log_k = k_true
        # Entries logged at or before each arrival (an entry comes before the arrivals of its
        # instant).
        logs_before = np.searchsorted(log_t, times, side="right")
        for name, flow_t, flow_q in (
            ("orders", self._ordered_t, self._ordered_q),
            ("receipts", self._received_t, self._received_q),
        ):
            if flow_t:
                flow_day = self.ledger.days_of(flow_t)
                weights = np.asarray(flow_q, dtype=float)
                a[name] += np.bincount(flow_day, weights=weights, minlength=days)[:days]

        # Each arrival under the last change logged at or before it.
        seg = logs_before - 1
        before = log_level[seg] - (cum[:-1] - cum[log_k[seg]])
        if self.backorders:
            met = np.minimum(np.maximum(before, 0), qty)
            after = before - qty
        else:
            before = np.maximum(before, 0)
            met = np.minimum(qty, before)
            after = before - met
        short = qty - met
        day = self.ledger.days_of(times)
        a["demand"][:] = np.bincount(day, weights=qty, minlength=days)[:days]
        a["met"][:] = np.bincount(day, weights=met, minlength=days)[:days]
        shortfall = np.bincount(day, weights=short, minlength=days)[:days]
        a["backordered" if self.backorders else "lost"][:] = shortfall
        if self.backorders:
            self.met_total = int(cum[-1]) - self.backlog_units
        else:
            self.met_total = int(met.sum())

        # Change points in time order: log entries (before the arrivals of their instant),
        # arrivals, and day boundaries (before any event at their time). Each is placed by
        # counting the others before it; between two points the level is constant, and an
        # interval of length 0 adds nothing to a sum.
        nl = int(np.searchsorted(log_t, days, side="left"))
        na = int(np.searchsorted(times, days, side="left"))
        lt, tt = log_t[:nl], times[:na]
        bounds = np.arange(1, days + 1, dtype=float)
        log_day, arr_day = np.floor(lt).astype(np.int64), day[:na]  # boundaries before each
        pos_log = np.arange(nl) + log_k[:nl] + log_day
        pos_arr = np.arange(na) + logs_before[:na] + arr_day
        # Entries and arrivals before each boundary: those of the days before it.
        logs_by_bound = np.cumsum(np.bincount(log_day, minlength=days)[:days])
        arrivals_by_bound = np.cumsum(np.bincount(arr_day, minlength=days)[:days])
        pos_bound = np.arange(days) + logs_by_bound + arrivals_by_bound
        size = nl + na + days
        points = np.empty(size)
        points[pos_log], points[pos_arr], points[pos_bound] = lt, tt, bounds
        # The level after each point; a boundary keeps the level of the point before it.
        level = np.empty(size, dtype=np.int64)
        level[pos_log], level[pos_arr] = log_level[:nl], after[:na]
        source = np.arange(size)
        source[pos_bound] = 0
        np.maximum.accumulate(source, out=source)
        level = level[source]
        dt = points[1:] - points[:-1]
        lv = level[:-1]
        pday = np.floor(points[:-1]).astype(np.int64)
        on_hand = np.maximum(lv, 0)
        # bincount adds in array order, as the event-by-event ledger does: the same sums.
        a["on_hand_avg"] += np.bincount(pday, weights=on_hand * dt, minlength=days)[:days]
        if self.backorders:
            backlog = np.maximum(-lv, 0) * dt
            a["backlog_avg"] += np.bincount(pday, weights=backlog, minlength=days)[:days]
        # End of day d: the level over the interval that ends at d + 1.
        end_level = level[pos_bound]
        a["on_hand_end"][:] = np.maximum(end_level, 0)
        a["backlog_end"][:] = np.maximum(-end_level, 0)
        last_change = logs_by_bound - 1  # the last entry before the end of each day
        a["on_order_end"][:] = log_on_order[last_change]
