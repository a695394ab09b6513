"""Whether each supplier's supply path to each site is usable, and since when it is not.

A path is usable when the supplier is not closed and at least one route from it to the site is
open (a candidate route, or a detour found on the live graph). A policy's triggers
(:class:`~simulator.policies.sourcing.triggers.Triggers`) also count it as unusable while its best
open route is too slow (``delay_days``), too thin (``capacity_below``) or too dear
(``cost_above``). Policies see a path as down only once it has been unusable for their detection
delay, and as recovered at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..network.graph import Route

if TYPE_CHECKING:
    from ..policies.sourcing.triggers import Triggers
    from .replication import ReplicationModel

EPS = 1e-9


class SupplyStatus:
    """Usability of the (supplier, site) pairs a policy uses, re-evaluated at every change."""

    def __init__(
        self,
        model: ReplicationModel,
        pairs: list[tuple[str, str]],
        triggers: Triggers | None = None,
    ):
        self.model = model
        self.pairs = pairs
        self.triggers = triggers
        self.down_since: dict[tuple[str, str], float | None] = {p: None for p in pairs}

    def usable(self, supplier: str, site: str) -> bool:
        """Whether the path can serve now: open, and no trigger holds."""
        model = self.model
        if model.node_state[supplier].closed:
            return False
        desk = model.desk
        if desk.switch and desk.warned:
            # Warned paths count as down at once (on_warning: switch).
            if supplier in desk.warned:
                return False
            route = model.transport.best_open(supplier, site, avoid=desk.warned)
        else:
            route = model.transport.best_open(supplier, site)
        if route is None:
            return False
        t = self.triggers
        if t is None:
            return True
        if t.delay_days is not None and self.expected_delay(supplier, site, route) > (
            t.delay_days + EPS
        ):
            return False
        if t.capacity_below is not None and self.capacity_ratio(supplier, route) < (
            t.capacity_below - EPS
        ):
            return False
        return not (
            t.cost_above is not None
            and self.cost_ratio(supplier, site, route) > 1.0 + t.cost_above + EPS
        )

    def expected_delay(self, supplier: str, site: str, route: Route) -> float:
        """Days by which ``route`` is now expected to be slower than the usual best route."""
        model = self.model
        usual = model.network.routes(supplier, site)[0].mean_days
        extra = model.node_state[supplier].extra_days
        extra += sum(model.leg_state[lid].extra_days for lid in route.legs)
        extra += sum(model.node_state[nid].extra_days for nid in route.nodes[1:-1])
        return route.mean_days + extra - usual

    def capacity_ratio(self, supplier: str, route: Route) -> float:
        """Lowest capacity factor in force on the supplier or an element of ``route`` that has a
        capacity (1 when none is cut)."""
        model = self.model
        ratio = 1.0
        if model.scenario.suppliers[supplier].capacity_per_day is not None:
            ratio = model.node_state[supplier].capacity_factor
        for lid in route.legs:
            st = model.leg_state[lid]
            if st.capacity_per_day is not None:
                ratio = min(ratio, st.capacity_factor)
        for nid in route.nodes[1:-1]:
            st = model.node_state[nid]
            if st.capacity_per_day is not None:
                ratio = min(ratio, st.capacity_factor)
        return ratio

    def landed_cost(self, supplier: str, site: str, route: Route, normal: bool = False) -> float:
        """Price plus freight per unit (currency) by ``route``, with the cost factors in force
        (``normal``: without them)."""
        model = self.model
        legs = model.scenario.legs
        price = model.scenario.suppliers[supplier].unit_price
        if normal:
            return price + route.cost_per_unit
        cost = price * model.node_state[supplier].cost_factor
        for lid in route.legs:
            to = legs[lid].to_node
            factor = model.leg_state[lid].cost_factor
            if to != site:
                factor *= model.node_state[to].cost_factor
            cost += legs[lid].cost_per_unit * factor
        return cost

    def cost_ratio(self, supplier: str, site: str, route: Route) -> float:
        """Landed cost per unit by ``route`` now ÷ by the usual best route in normal times."""
        usual = self.model.network.routes(supplier, site)[0]
        normal = self.landed_cost(supplier, site, usual, normal=True)
        now = self.landed_cost(supplier, site, route)
        if normal <= 0:
            return 1.0 if now <= 0 else float("inf")
        return now / normal

    def update(self, now: float) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """Re-evaluate every pair; return the pairs that just went down and those that just
        recovered."""
        went_down, recovered = [], []
        for pair in self.pairs:
            ok = self.usable(*pair)
            if ok:
                if self.down_since[pair] is not None:
                    recovered.append(pair)
                self.down_since[pair] = None
            elif self.down_since[pair] is None:
                self.down_since[pair] = now
                went_down.append(pair)
        return went_down, recovered

    def detected_now(self, supplier: str, site: str, now: float, delay: float) -> None:
        """Count a path that just went down as detected at once (a warning announced it)."""
        if self.down_since.get((supplier, site)) == now:
            self.down_since[(supplier, site)] = now - delay

    def observed_down(self, supplier: str, site: str, now: float, delay: float) -> bool:
        """Whether the path has been unusable for at least ``delay`` days at ``now``."""
        since = self.down_since.get((supplier, site))
        return since is not None and now - since >= delay - 1e-12
