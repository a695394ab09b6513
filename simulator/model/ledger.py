"""Per-site daily series, filled as the run goes (plain numpy arrays, no pandas in the loop).

Day *d* is [d, d+1). End-of-day values are taken just before anything happens at d+1, so a
receipt at exactly d+1 counts for day d+1. Time averages integrate the piecewise-constant levels.
"""

from __future__ import annotations

import math

import numpy as np

SERIES = (
    "demand",  # units demanded on day d
    "met",  # units of day-d demand met from stock when demanded
    "backordered",  # units of day-d demand backordered
    "lost",  # units of day-d demand lost
    "receipts",  # units received on day d
    "destroyed",  # on-hand units destroyed on day d
    "orders",  # units ordered on day d
    "on_hand_end",  # on hand at the end of day d
    "backlog_end",  # backordered units outstanding at the end of day d
    "on_order_end",  # units on order at the end of day d
    "on_hand_avg",  # time-average on hand during day d
    "backlog_avg",  # time-average backlog during day d
)


def day_of(t: float, days: int) -> int:
    """The day index of time ``t`` (days) in a horizon of ``days`` days, the last day for t at
    the horizon."""
    d = math.floor(t)
    return d if d < days else days - 1


def days_of(times, days: int) -> np.ndarray:
    """:func:`day_of` of every time in ``times`` (days, >= 0)."""
    return np.minimum(np.floor(np.asarray(times, dtype=float)).astype(np.int64), days - 1)


class SiteLedger:
    """The daily record of one site over ``days`` days."""

    __slots__ = ("_t", "arrays", "days")

    def __init__(self, days: int):
        self.days = days
        self.arrays = {name: np.zeros(days, dtype=float) for name in SERIES}
        self._t = 0.0

    def advance(self, t: float, on_hand: float, backlog: float, on_order: float) -> None:
        """Integrate the current levels up to time ``t`` (call before every change of level)."""
        last = self._t
        if t <= last:
            return
        a = self.arrays
        day = int(last)
        while last < t:
            if day >= self.days:
                break
            boundary = day + 1.0
            step_end = t if t < boundary else boundary
            dt = step_end - last
            a["on_hand_avg"][day] += on_hand * dt
            a["backlog_avg"][day] += backlog * dt
            if step_end == boundary:
                a["on_hand_end"][day] = on_hand
                a["backlog_end"][day] = backlog
                a["on_order_end"][day] = on_order
            last = step_end
            day += 1
        self._t = t

    def day_of(self, t: float) -> int:
        """The day index of time ``t`` (days), the last day for t at the horizon."""
        return day_of(t, self.days)

    def days_of(self, times) -> np.ndarray:
        """:meth:`day_of` of every time in ``times`` (days, >= 0)."""
        return days_of(times, self.days)
