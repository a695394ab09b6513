"""Whether each supplier's supply path to each site is usable, and since when it is not.

A path is usable when the supplier is not closed and at least one candidate route from it to the
site has no closed leg or node. With a delay trigger (a policy's ``delay_trigger_days``), a path
whose best open route is expected to take more than that many days longer than its usual best
route (a detour round a closure, ``extra_days`` on the way or at the supplier) also counts as
unusable. Policies see a path as down only once it has been unusable for their detection delay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .replication import ReplicationModel


class SupplyStatus:
    def __init__(
        self,
        model: ReplicationModel,
        pairs: list[tuple[str, str]],
        delay_trigger: float | None = None,
    ):
        self.model = model
        self.pairs = pairs
        self.delay_trigger = delay_trigger
        self.down_since: dict[tuple[str, str], float | None] = {p: None for p in pairs}

    def usable(self, supplier: str, site: str) -> bool:
        model = self.model
        if model.node_state[supplier].closed:
            return False
        route = model.transport.best_open(supplier, site)
        if route is None:
            return False
        if self.delay_trigger is None:
            return True
        return self.expected_delay(supplier, site, route) <= self.delay_trigger + 1e-9

    def expected_delay(self, supplier: str, site: str, route) -> float:
        """Days by which ``route`` is now expected to be slower than the usual best route."""
        model = self.model
        usual = model.network.routes(supplier, site)[0].mean_days
        extra = model.node_state[supplier].extra_days
        extra += sum(model.leg_state[lid].extra_days for lid in route.legs)
        extra += sum(model.node_state[nid].extra_days for nid in route.nodes[1:-1])
        return route.mean_days + extra - usual

    def update(self, now: float) -> list[tuple[str, str]]:
        """Re-evaluate every pair; return the pairs that just went down."""
        went_down = []
        for pair in self.pairs:
            ok = self.usable(*pair)
            if ok:
                self.down_since[pair] = None
            elif self.down_since[pair] is None:
                self.down_since[pair] = now
                went_down.append(pair)
        return went_down

    def observed_down(self, supplier: str, site: str, now: float, delay: float) -> bool:
        since = self.down_since.get((supplier, site))
        return since is not None and now - since >= delay - 1e-12
