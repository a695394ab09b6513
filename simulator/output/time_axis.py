"""The time axis of the time-series plots: simulated days, or calendar dates when the scenario
has a ``start_date`` (day 0). The model counts days either way; only the ticks change."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..scenario.schema import Scenario


def month_ticks(start: date, days: float, max_ticks: int = 12) -> list[tuple[float, str]]:
    """(day number, label) at the first of every month (every 2nd, 3rd, 6th or 12th month when
    there would be more than ``max_ticks``) from ``start`` over ``days`` days; a label shows the
    year at January and at the first tick ("Jan 2024", "Feb", …)."""
    firsts = []
    y, m = start.year, start.month
    while True:
        d = date(y, m, 1)
        offset = (d - start).days
        if offset > days:
            break
        if offset >= 0:
            firsts.append(d)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    step = next((s for s in (1, 2, 3, 6, 12) if len(firsts) / s <= max_ticks), 12)
    chosen = [d for d in firsts if (d.month - 1) % step == 0] or firsts[:1]
    out = []
    for i, d in enumerate(chosen):
        label = d.strftime("%b %Y") if i == 0 or d.month == 1 else d.strftime("%b")
        out.append((float((d - start).days), label))
    return out


def day_axis(ax: Axes, scenario: Scenario | None, horizon: float) -> None:
    """Label the x axis: 'simulated day', or month ticks and 'date (day 0 = …)' with a
    ``start_date``."""
    start = getattr(scenario, "start_date", None)
    if start is None:
        ax.set_xlabel("simulated day")
        return
    ticks = month_ticks(start, horizon)
    ax.set_xticks([t for t, _ in ticks], [label for _, label in ticks])
    ax.set_xlabel(f"date (day 0 = {start.day} {start:%b %Y})")
