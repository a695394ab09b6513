"""A supplier: FIFO order queue, capacity (units/day) with ramp-up, then a production lead time."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import deque
from dataclasses import dataclass
from heapq import heappush
from typing import TYPE_CHECKING

from ..scenario.schema import SupplierNode
from ..scenario.types import OrderRole
from .state import ElementState, snapped
from .timing import NORMAL, call_at, timeout_or

if TYPE_CHECKING:
    from .replication import ReplicationModel

EPS = 1e-9


@dataclass(slots=True, eq=False)
class Order:
    """Units a site ordered from one supplier."""

    id: int
    site: str
    supplier: str
    qty: int
    placed_at: float
    role: OrderRole
    unit_price: float
    remaining: float  # units still to produce (the quantity when placed)
    cancelled: bool = False
    route: object = None  # an expedited order's route (network.graph.Route), else None
    lead: float | None = None  # its production lead time (days), once drawn


@dataclass(slots=True, eq=False)
class _Ahead:
    """A production step planned ahead: the order in production, when its step started and
    ends (days), at what full rate (units/day), the change event it watches, whether its
    planned lead-time end still holds (``live``) and whether a wake-up at ``end`` is due for
    the orders queued behind it (``carry_on``)."""

    order: Order
    t0: float
    end: float
    rate: float
    changed: object
    live: bool = True
    carry_on: bool = False


class SupplierRuntime:
    """Produces queued orders one at a time at ``capacity × capacity_factor × ramp`` units/day.

    A closed supplier stops producing; the order in production keeps its progress. With no
    capacity given, production is instantaneous (only the lead time applies). Ramp-up is linear
    from 0 to full capacity over ``ramp_up_days`` after a cold supplier gets an order; a supplier
    goes cold again after ``cooldown_days`` with nothing to do. Reserved capacity (a fraction
    ``reserved`` of the capacity, paid for by a reservation fee) never ramps: the supplier makes
    ``capacity × (reserved + (1 − reserved) × ramp fraction)`` units/day.
    """

    def __init__(
        self,
        model: ReplicationModel,
        sid: str,
        spec: SupplierNode,
        warm: bool,
        reserved: float = 0.0,
        ahead: bool = True,
    ):
        self.model = model
        self.env = model.env
        self.id = sid
        self.spec = spec
        self.state: ElementState = model.node_state[sid]
        self.capacity = spec.capacity_per_day
        self.ramp = spec.ramp_up_days
        self.reserved = reserved  # fraction of capacity kept warm, 0..1
        if reserved >= 1.0:
            self.ramp = 0.0  # all of it reserved: always warm
        self.activated_at = -math.inf if (warm or self.ramp == 0) else None
        self.queue: deque[Order] = deque()
        self.in_lead_time: set[Order] = set()
        # The order being made right now, since when and at what full rate: its progress is only
        # written to ``remaining`` when the production step ends or is interrupted.
        self._making: tuple[Order, float, float] | None = None
        self.idle = True
        self.idle_since = 0.0
        self._waiting = True  # the production loop waits for an order
        self.changed = self.env.event()
        self._lead = spec.lead_time_days.stream(model.streams.generator("production", sid))
        self._spare_lead: float | None = None  # drawn for an order that was then withdrawn
        # Planning ahead (see _plan_ahead), where episodes starting or ending on the supplier
        # forbid it.
        self._ahead_ok = ahead
        self._changes = model.change_times.get(sid, [])
        self._ahead: _Ahead | None = None
        self._lead_over_fn = self._lead_over  # bound once, not at every order

    # ---------------------------------------------------------------- interface
    def place(self, order: Order, urgent: bool = False) -> None:
        """Queue ``order`` (FIFO; ``urgent``: next after the order in production); a cold
        supplier starts its ramp-up now."""
        now = self.env.now
        if self._ahead is not None:
            self._settle()
        if self.ramp > 0 and (
            self.activated_at is None
            or (self.idle and not self.queue and now - self.idle_since > self.spec.cooldown_days)
        ):
            self.activated_at = now
        if self.capacity is None and not self.queue and not self.state.closed:
            # Nothing to make and nothing ahead of it: straight into the lead time.
            self._start_lead(order)
            return
        if urgent:
            self.queue.insert(1 if (self.queue and not self.idle) else 0, order)
        else:
            self.queue.append(order)
        if self._waiting:
            # Start the idle loop at once rather than one queue turn later: nothing else can
            # run at this instant in between that the loop would see.
            self._waiting = False
            self._next_order()
        elif self._ahead is not None and not self._ahead.carry_on:
            # The order in production was planned ahead: carry on with the queue at its end.
            a = self._ahead
            a.carry_on = True
            call_at(self.env, a.end, self._after_ahead_step, a)

    def notify(self) -> None:
        """The supplier's disruption state changed: wake the production loop."""
        self._settle()
        old, self.changed = self.changed, self.env.event()
        old.succeed()

    def withdraw(self, site: str) -> list[Order]:
        """Remove this site's orders whose production has not started; return them."""
        self._settle()
        taken = [o for o in self.queue if o.site == site and not self._started(o)]
        if taken:
            for o in taken:
                o.cancelled = True
            self.queue = deque(o for o in self.queue if not o.cancelled)
            self.notify()
        return taken

    def _started(self, order: Order) -> bool:
        if order.remaining < order.qty - EPS:
            return True
        making = self._making
        return (
            making is not None
            and making[0] is order
            and self._made(making[1], self.env.now, making[2]) > EPS
        )

    def units_in_pipeline(self) -> int:
        """Units ordered here and not yet shipped (queued, in production or in lead time)."""
        self._settle()
        return sum(o.qty for o in self.queue) + sum(o.qty for o in self.in_lead_time)

    # ---------------------------------------------------------------- production
    def _ramp_x(self, t: float) -> float:
        """Days since activation, capped at the ramp length (ramp fraction = x / ramp)."""
        if self.activated_at is None or self.ramp == 0:
            return self.ramp
        return min(max(t - self.activated_at, 0.0), self.ramp)

    def _time_for(self, t: float, units: float, rate: float) -> float:
        """Days needed from ``t`` to make ``units`` at full rate ``rate`` under the ramp."""
        x, r, rho = self._ramp_x(t), self.ramp, self.reserved
        if x >= r:
            return units / rate
        during_ramp = rate * (rho * (r - x) + (1 - rho) * (r * r - x * x) / (2 * r))
        if units > during_ramp:
            return (r - x) + (units - during_ramp) / rate
        if rho == 0:
            return math.sqrt(x * x + 2 * r * units / rate) - x
        # rate · (rho·T + (1 − rho)·((x + T)² − x²) / 2r) = units, solved for T.
        a = (1 - rho) / (2 * r)
        b = rho + (1 - rho) * x / r
        return 2 * (units / rate) / (b + math.sqrt(b * b + 4 * a * units / rate))

    def _made(self, t0: float, t1: float, rate: float) -> float:
        """Units made between ``t0`` and ``t1`` at full rate ``rate`` under the ramp."""
        r, rho = self.ramp, self.reserved
        x0, x1 = self._ramp_x(t0), self._ramp_x(t1)
        ramped = 0.0 if r == 0 else rate * (x1 * x1 - x0 * x0) / (2 * r)
        full = (t1 - t0) - (x1 - x0)
        if rho == 0:
            return ramped + rate * full
        return rate * rho * (x1 - x0) + (1 - rho) * ramped + rate * full

    def destroy(self, fraction: float) -> int:
        """Destroy ``fraction`` (rounded down) of every order made here and not yet shipped (in
        its lead time or waiting to ship); return the units destroyed."""
        self._settle()
        total = 0
        for order in sorted(self.in_lead_time, key=lambda o: o.id):  # a set: fix the order
            gone = int(order.qty * fraction + 1e-9)
            if gone:
                order.qty -= gone
                total += gone
                self.model.order_destroyed(order, gone)
        return total

    # The production loop runs on callbacks, not as a SimPy process: it waits where a process
    # would (for a reopening, for the end of a production step or a change) and resumes at the
    # same place in SimPy's queue. An order reaching an idle supplier starts it at once (a
    # process would start one queue turn later, after the rest of the placing review: nothing
    # it reads changes in between; only the place in the queue of the events it schedules
    # moves earlier, which could reorder them only against an event due at exactly the same
    # time and priority).
    def _next_order(self) -> None:
        """Produce the queue's head order at the current rate (units/day), then the next; go
        idle when the queue is empty."""
        while True:
            if not self.queue:
                self.idle, self.idle_since = True, self.env.now
                self._waiting = True
                return
            self.idle = False
            order = self.queue[0]
            if not self._produce(order):
                return  # waiting: a callback carries on with this order
            self._done(order)

    def _produce(self, order: Order) -> bool:
        """Make ``order``: True when it is made (or cancelled), False when the loop must wait
        (a callback then calls :meth:`_carry_on`)."""
        env = self.env
        while order.remaining > EPS and not order.cancelled:
            if self.state.closed:
                self.changed.callbacks.append(lambda _: self._carry_on(order))
                return False
            if self.capacity is None:
                order.remaining = 0.0
                break
            rate = self.capacity * self.state.capacity_factor
            t0 = env.now
            # With no ramp-up the time is the plain quotient (what _time_for returns then).
            work = (
                order.remaining / rate
                if self.ramp == 0
                else self._time_for(t0, order.remaining, rate)
            )
            dt = snapped(t0, work)
            self._making = (order, t0, rate)
            if not self._plan_ahead(order, t0, rate, dt):
                self._wait_step(order, t0, rate, dt)
            return False
        return True

    # ---------------------------------------------------------------- planning ahead
    # A production step that nothing can interrupt is planned whole when it starts: the order's
    # lead time is drawn then (it is the next order this supplier finishes, so it takes the
    # same draw of the supplier's stream) and one event is scheduled for the end of the lead
    # time, instead of one for the end of the step and one for the end of the lead time. The
    # step's end is only acted on when something looks (``_settle``): then the order has left
    # the queue and is in its lead time, and the supplier is idle since the step's end. A
    # change of the supplier's state before the end (a withdrawal; episodes are known ahead and
    # excluded) falls back to what the event-by-event loop does from that instant on, keeping
    # the drawn lead time for the order.
    def _next_lead(self) -> float:
        """The next production lead time of the supplier's stream (days)."""
        if self._spare_lead is not None:
            lead, self._spare_lead = self._spare_lead, None
            return lead
        return self._lead()

    def _plan_ahead(self, order: Order, t0: float, rate: float, dt: float) -> bool:
        """Plan the step of ``dt`` days that starts now, and the lead time after it, when
        nothing is queued behind the order and no episode starts or ends on the supplier
        before the step ends; return whether it did."""
        if not self._ahead_ok or dt <= 0 or len(self.queue) != 1:
            return False
        end = t0 + dt
        changes = self._changes
        if changes:
            k = bisect_right(changes, t0)
            if k < len(changes) and changes[k] <= end:
                return False
        if order.lead is None:
            order.lead = self._next_lead()
        delay = order.lead + self.state.extra_days
        if delay <= 0:
            return False  # shipped at the step's end: the event-by-event loop does it
        a = _Ahead(order, t0, end, rate, self.changed)
        self._ahead = a
        a.changed.callbacks.append(self._changed_ahead)
        call_at(self.env, end + delay, self._after_ahead_lead, a)
        return True

    def _settle(self) -> None:
        """Once the end of a step planned ahead has come: the order is made, has left the
        queue and is in its lead time; with nothing queued the supplier is idle since then.
        (Nothing to do while no step is planned ahead or before its end.)"""
        a = self._ahead
        if a is None or self.env.now < a.end:
            return
        self._ahead = None
        if a.changed.callbacks is not None:
            a.changed.callbacks.remove(self._changed_ahead)
        self._making = None
        order = a.order
        order.remaining = 0.0
        if self.queue and self.queue[0] is order:
            self.queue.popleft()
        self.in_lead_time.add(order)
        if not self.queue:
            self.idle, self.idle_since = True, a.end
            self._waiting = True

    def _changed_ahead(self, _event: object) -> None:
        """The supplier's state changed during a step planned ahead: carry on as the
        event-by-event loop does when the change comes first (one queue turn later)."""
        a = self._ahead
        if a is None:
            return
        if self.env.now >= a.end:
            self._settle()
            return
        self._ahead = None
        a.live = False
        resume = self.env.event()
        resume.callbacks.append(lambda _: self._step_over(a.order, a.t0, a.rate, a.changed))
        resume.succeed()

    def _after_ahead_step(self, a: _Ahead) -> None:
        """The end of step ``a`` with orders queued behind it, unless a change came first: on
        to the next order."""
        if a.live:
            self._settle()
            self._next_order()

    def _after_ahead_lead(self, a: _Ahead) -> None:
        """The end of the lead time planned with step ``a``, unless a change came first: the
        order ships."""
        if a.live:
            self._settle()
            self._lead_over(a.order)

    def _wait_step(self, order: Order, t0: float, rate: float, dt: float) -> None:
        """Wait for the end of a production step of ``dt`` days or a change of the supplier's
        state, whichever SimPy processes first, then resume one queue turn later at the same
        priority (what ``yield timeout(dt) | changed`` does)."""
        changed = self.changed
        timeout_or(self.env, dt, changed, lambda: self._step_over(order, t0, rate, changed))

    def _step_over(self, order: Order, t0: float, rate: float, changed: object) -> None:
        self._making = None
        if changed.triggered:
            order.remaining -= self._made(t0, self.env.now, rate)
        else:
            order.remaining = 0.0
        self._carry_on(order)

    def _carry_on(self, order: Order) -> None:
        if self._produce(order):
            self._done(order)
            self._next_order()

    def _done(self, order: Order) -> None:
        """``order`` is made (or was cancelled): it leaves the queue and starts its lead time."""
        if self.queue and self.queue[0] is order:
            self.queue.popleft()
        if not order.cancelled:
            self._start_lead(order)
        elif order.lead is not None:
            self._spare_lead = order.lead  # the next order made takes this draw

    def _start_lead(self, order: Order) -> None:
        """A made order starts its production lead time (days); it ships when that ends."""
        self.in_lead_time.add(order)
        if order.lead is None:
            order.lead = self._next_lead()
        delay = order.lead + self.state.extra_days
        if delay > 0:
            env = self.env  # call_at(env, now + delay, self._lead_over, order), inlined
            heappush(
                env._queue, (env.now + delay, NORMAL, next(env._eid), self._lead_over_fn, order)
            )
        else:
            self._lead_over(order)

    def _lead_over(self, order: Order) -> None:
        # A closed supplier ships nothing: goods whose lead time ends during a closure wait at
        # the supplier (still counted there) until it reopens.
        if self.state.closed:
            self.env.process(self._ship_when_open(order))
            return
        self.in_lead_time.discard(order)
        if order.qty > 0:
            self.model.dispatch(order)

    def _ship_when_open(self, order: Order):
        """SimPy process: wait for the supplier to reopen, then ship ``order``."""
        while self.state.closed:
            yield self.changed
        self.in_lead_time.discard(order)
        if order.qty > 0:
            self.model.dispatch(order)
