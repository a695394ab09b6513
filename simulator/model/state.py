"""Mutable runtime state of nodes and legs under the disruptions active at the moment."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import simpy

from .calendar import Episode
from .timing import timeout_or

EPS = 1e-9
SNAP = 1e-9  # days: an event computed this close to a whole day lands on it


def snapped(now: float, delay: float) -> float:
    """``delay`` adjusted so that ``now + delay`` is a whole day when it is within SNAP of one.

    Rates in units/day give completion times such as 11.999999999999998 for an order due at
    day 12; without the snap it would be booked a day early.
    """
    end = now + delay
    whole = round(end)
    if end != whole and abs(end - whole) < SNAP:
        return max(0.0, whole - now)
    return delay


@dataclass(slots=True)
class ElementState:
    """Combined effect of the episodes active on one node or leg.

    Effects combine: closed if any episode closes it; capacity and cost factors multiply; extra
    days add. An element with a capacity gets a :class:`FluidServer`.
    """

    capacity_per_day: float | None = None
    active: list[Episode] = field(default_factory=list)
    closed: bool = False
    capacity_factor: float = 1.0
    extra_days: float = 0.0
    cost_factor: float = 1.0
    server: FluidServer | None = None

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


class FluidServer:
    """First-come-first-served passage of units at ``capacity × capacity_factor`` units/day.

    The rate follows the element's disruption state as it changes (a port cut to 25% and restored
    speeds up again at once); while the element is closed nothing passes. ``request(units)``
    returns an event that fires when the last of those units is through.
    """

    def __init__(self, env: simpy.Environment, state: ElementState):
        self.env = env
        self.state = state
        self.queue: deque[list] = deque()  # [units still to pass, event to fire]
        self._wake = env.event()
        self._wake.callbacks.append(self._on_wake)
        self.changed = env.event()

    def request(self, units: float) -> simpy.Event:
        done = self.env.event()
        self.queue.append([float(units), done])
        if not self._wake.triggered:
            self._wake.succeed()
        return done

    def notify(self) -> None:
        old, self.changed = self.changed, self.env.event()
        old.succeed()

    # The passage loop runs on callbacks, not as a SimPy process: it waits where a process would
    # (for work, for a reopening, for the end of a passage or a change) and resumes at the same
    # turn of SimPy's queue, as the supplier's production loop does.
    def _on_wake(self, _event: object) -> None:
        self._next()

    def _next(self) -> None:
        env, state = self.env, self.state
        while True:
            if not self.queue:
                self._wake = wake = env.event()
                wake.callbacks.append(self._on_wake)
                return
            head = self.queue[0]
            if head[0] <= EPS:
                self.queue.popleft()
                head[1].succeed()
                continue
            if state.closed:
                self.changed.callbacks.append(self._on_wake)
                return
            rate = state.capacity_per_day * state.capacity_factor
            self._wait(head, env.now, rate, snapped(env.now, head[0] / rate))
            return

    def _wait(self, head: list, t0: float, rate: float, dt: float) -> None:
        """Wait for the head's passage of ``dt`` days or a change of state, whichever SimPy
        processes first; resume one queue turn later (what ``yield timeout | changed`` does)."""
        changed = self.changed
        timeout_or(self.env, dt, changed, lambda: self._passed(head, t0, rate, changed))

    def _passed(self, head: list, t0: float, rate: float, changed: simpy.Event) -> None:
        if changed.triggered:
            head[0] -= (self.env.now - t0) * rate
        else:
            head[0] = 0.0
        self._next()
