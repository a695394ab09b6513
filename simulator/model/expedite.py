"""Expediting: emergency orders shipped by a faster mode at its freight cost (DESIGN §7).

An expedited order goes to the policy's supplier that can get units to the site soonest (mean
production lead time plus the mean days of its fastest open route, or of its fastest open route
with an air leg), jumps that supplier's queue, and travels by that route. Its freight is booked as
``expedite`` cost, not as ordinary transport. Triggered by a warning (``on_warning.expedite``) or,
at a review, by a projected shortage (``when_backlog_above``, ``when_cover_below_days``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..network.graph import Route
from ..scenario.types import ExpediteVia, Mode, Routing

if TYPE_CHECKING:
    from .replication import ReplicationModel


class Expediter:
    """The expedite settings of one policy in one replication."""

    def __init__(self, model: ReplicationModel):
        self.model = model
        self.spec = model.scenario.sourcing[model.policy].expedite
        self.last: dict[str, float] = {}

    def at_review(self, site_id: str) -> None:
        """Expedite if the site's backlog or cover crosses the policy's thresholds."""
        spec = self.spec
        if spec is None or (spec.when_backlog_above is None and spec.when_cover_below_days is None):
            return
        site = self.model.sites[site_id]
        short = spec.when_backlog_above is not None and site.backlog_units > spec.when_backlog_above
        low = (
            spec.when_cover_below_days is not None
            and site.on_hand < spec.when_cover_below_days * site.mean_demand
        )
        if short or low:
            self.expedite(site_id, reason="shortage")

    def expedite(self, site_id: str, reason: str) -> int:
        """Place one expedited order for a site now (if allowed); return its units."""
        spec, model = self.spec, self.model
        if spec is None:
            return 0
        now = model.env.now
        last = self.last.get(site_id)
        if last is not None and now - last < spec.min_interval_days - 1e-9:
            return 0
        choice = self._source(site_id)
        if choice is None:
            return 0
        supplier, route, days = choice
        site = model.sites[site_id]
        site.refresh()
        if spec.units is not None:
            units = math.ceil(spec.units - 1e-9)
        else:
            need = site.backlog_units + site.mean_demand * days - site.on_hand
            units = max(0, math.ceil(need - 1e-9))
        if units <= 0:
            return 0
        self.last[site_id] = now
        site.ordered_more(units)
        model.place_expedited(site_id, supplier, units, route)
        return units

    def _source(self, site_id: str) -> tuple[str, Route, float] | None:
        """(supplier, route, mean days to the site) of the quickest usable supplier."""
        model = self.model
        best = None
        for sid in model.sourcing.suppliers:
            if model.node_state[sid].closed:
                continue
            route = self.route(sid, site_id)
            if route is None:
                continue
            days = model.scenario.suppliers[sid].lead_time_days.mean + route.mean_days
            if best is None or days < best[2]:
                best = (sid, route, days)
        return best

    def route(self, origin: str, site_id: str) -> Route | None:
        """The fastest open route (with an air leg for ``via: air``) avoiding warned elements."""
        model = self.model
        legs = model.scenario.legs
        avoid = model.desk.warned
        for r in model.network.routes(origin, site_id, rule=Routing.FASTEST):
            if self.spec.via is ExpediteVia.AIR and not any(
                legs[lid].mode == Mode.AIR for lid in r.legs
            ):
                continue
            if avoid and (avoid.intersection(r.legs) or avoid.intersection(r.nodes[1:-1])):
                continue
            if model.transport.open_from(r, 0):
                return r
        return None
