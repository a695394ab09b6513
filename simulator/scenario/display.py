"""How a scenario shows itself in a notebook: what it is about in a few lines (counts by kind
and mode, the policies, the disruptions), not a dump of every field."""

from __future__ import annotations

import html
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .schema import Scenario

esc = html.escape


def _counts(counter: Counter) -> str:
    return ", ".join(f"{n} {esc(str(k)).replace('_', ' ')}" for k, n in counter.items())


def _disruption(sc: Scenario, did: str) -> str:
    d = sc.disruptions[did]
    t = d.timing
    if t.kind == "scheduled":
        when = f"day {t.start_day:g} for {t.duration_days:g} days"
        if sc.start_date is not None:
            when += f" (from {sc.day_to_date(t.start_day).astype('datetime64[D]')})"
    else:
        when = f"random, every {t.mean_up_days:g} days on average"
    effects = d.effect.model_dump(exclude_none=True, exclude_defaults=True)
    what = ", ".join(f"{k}: {v}" for k, v in effects.items())
    return f"<li><b>{esc(did)}</b>: {esc(d.target.describe())}, {esc(when)}; {esc(what)}</li>"


def scenario_html(sc: Scenario) -> str:
    """The summary as an HTML fragment (every string escaped)."""
    kinds = Counter(str(n.kind) for n in sc.nodes.values())
    modes = Counter(str(leg.mode) for leg in sc.legs.values())
    policies = ", ".join(
        f"{esc(k)} ({esc(str(p.kind))})" + (" — baseline" if k == sc.baseline_policy else "")
        for k, p in sc.sourcing.items()
    )
    shown = list(sc.disruptions)[:6]
    more = len(sc.disruptions) - len(shown)
    start = f", day 0 = {sc.start_date.isoformat()}" if sc.start_date else ""
    return (
        "<div class='diversim-scenario'>"
        f"<p><b>Scenario {esc(sc.name)}</b> — {sc.horizon_days} days (warm-up "
        f"{sc.warmup_days}){esc(start)}, {sc.replications} replications, seed {sc.seed}</p>"
        + (f"<p>{esc(sc.description)}</p>" if sc.description else "")
        + "<ul>"
        f"<li>nodes: {_counts(kinds)}</li>"
        f"<li>legs: {_counts(modes) or 'none'}</li>"
        f"<li>policies: {policies}</li>"
        f"<li>disruptions: {len(sc.disruptions) or 'none'}<ul>"
        + "".join(_disruption(sc, d) for d in shown)
        + (f"<li>… and {more} more</li>" if more else "")
        + "</ul></li></ul></div>"
    )
