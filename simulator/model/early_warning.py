"""Early warnings (预警) of disruptions and the policy's reactions to them (DESIGN §7).

The warnings of a replication are drawn before the run, like the disruption calendar, from their
own streams ("warning", disruption id) and ("false_alarm", disruption id): every policy of a
replication sees the same warnings, and a scenario without warnings draws nothing new, so its
numbers are those it had before warnings existed.

A warning is *active* from its issue until the episode it announces ends (a false alarm: until
its lead time has passed). While a warning relevant to a site is active, the policy's
``on_warning`` reactions hold: extra cover (stock levels raised by N days of mean demand), a
switch (the warned supply paths count as down at once), re-routing (shipments avoid the warned
elements) and expediting (an emergency order when the warning is issued).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from .calendar import YEAR_DAYS, Episode, resolve_target

if TYPE_CHECKING:
    from ..scenario.schema import Scenario
    from .randomness import Streams
    from .replication import ReplicationModel


class WarningUse(StrEnum):
    """Which warnings a policy reacts to (the value of warning compares these)."""

    ALL = "all"
    NONE = "none"  # the same policy ignoring every warning
    TRUE_ONLY = "true_only"  # ignoring false alarms (what they cost)


@dataclass(frozen=True)
class Warning:
    """One warning: issued at ``issued`` (days), active until ``until``."""

    disruption: str
    index: int
    issued: float
    until: float
    nodes: tuple[str, ...]
    legs: tuple[str, ...]
    episode: int | None  # index of the episode it announces; None for a false alarm
    lead_days: float

    @property
    def false_alarm(self) -> bool:
        return self.episode is None

    @property
    def elements(self) -> frozenset[str]:
        return frozenset((*self.nodes, *self.legs))


def draw_warnings(
    sc: Scenario, streams: Streams, episodes: list[Episode], horizon: float | None = None
) -> list[Warning]:
    """Every warning issued before ``horizon``: forecasts of episodes and false alarms."""
    horizon = sc.horizon_days if horizon is None else horizon
    out: list[Warning] = []
    for did, d in sc.disruptions.items():
        w = d.warning
        if w is None:
            continue
        rng = streams.generator("warning", did)
        lead = w.lead_days.sampler(rng)
        k = 0
        for ep in (e for e in episodes if e.disruption == did):
            # Two draws per episode whatever the outcome, so one episode's warning never shifts
            # another's.
            forecast, days = rng.random() < w.probability, max(0.0, lead())
            if ep.began_before_start or not forecast:
                continue
            issued = max(0.0, ep.start - days)
            if issued < horizon:
                out.append(Warning(did, k, issued, ep.end, ep.nodes, ep.legs, ep.index, days))
                k += 1
        if w.false_alarms_per_year > 0:
            nodes, legs = resolve_target(sc, d)
            fa = streams.generator("false_alarm", did)
            fa_lead = w.lead_days.sampler(fa)
            t = 0.0
            mean_gap = YEAR_DAYS / w.false_alarms_per_year
            while True:
                t += fa.exponential(mean_gap)
                if t >= horizon:
                    break
                days = max(0.0, fa_lead())
                out.append(Warning(did, k, t, t + days, nodes, legs, None, days))
                k += 1
    out.sort(key=lambda w: (w.issued, w.disruption, w.index))
    return out


class WarningDesk:
    """Carries out the policy's ``on_warning`` reactions in one replication."""

    def __init__(self, model: ReplicationModel, warnings: list[Warning], use: WarningUse):
        self.model = model
        spec = model.scenario.sourcing[model.policy]
        self.reactions = spec.on_warning
        if use is WarningUse.NONE or self.reactions is None:
            warnings = []
        elif use is WarningUse.TRUE_ONLY:
            warnings = [w for w in warnings if not w.false_alarm]
        self.warnings = warnings
        self.active: list[Warning] = []
        #: Elements under an active warning (nodes and legs), for switch and re-routing.
        self.warned: frozenset[str] = frozenset()
        self.reroute = bool(self.reactions and self.reactions.reroute)
        self.switch = bool(self.reactions and self.reactions.switch)

    def relevant(self, w: Warning, site: str) -> bool:
        """Whether a warning concerns a site under this policy (its supplier or a route)."""
        return bool(w.elements & self.model.touches[site])

    def process(self):
        """SimPy process: issue and expire the warnings at their times."""
        env = self.model.env
        changes = [(w.issued, 1, k, w) for k, w in enumerate(self.warnings)]
        changes += [(w.until, 0, k, w) for k, w in enumerate(self.warnings)]
        changes.sort(key=lambda c: (c[0], -c[1], c[2]))
        days = self.model.days
        for t, issue, _, w in changes:
            if t >= days:
                return
            if t > env.now:
                yield env.timeout(t - env.now)
            if issue:
                self.active.append(w)
            else:
                self.active.remove(w)
            self._refresh(w, issued=bool(issue))

    def _refresh(self, w: Warning, issued: bool) -> None:
        model = self.model
        self.warned = frozenset().union(*(a.elements for a in self.active))
        cover = self.reactions.extra_cover_days or 0.0
        for sid, site in model.sites.items():
            on = any(self.relevant(a, sid) for a in self.active)
            site.set_boost(math.floor(cover * site.mean_demand + 0.5) if on and cover else 0)
            if issued and self.reactions.expedite and self.relevant(w, sid):
                model.expediter.expedite(sid, reason="warning")
        if self.switch:
            model.update_supply_status(warned=True)
