"""Whether each supplier's supply path to each site is usable, and since when it is not.

A path is usable when the supplier is not closed and at least one candidate route from it to the
site has no closed leg or node. Policies see a path as down only once it has been unusable for
their detection delay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .replication import ReplicationModel


class SupplyStatus:
    def __init__(self, model: ReplicationModel, pairs: list[tuple[str, str]]):
        self.model = model
        self.pairs = pairs
        self.down_since: dict[tuple[str, str], float | None] = {p: None for p in pairs}

    def usable(self, supplier: str, site: str) -> bool:
        if self.model.node_state[supplier].closed:
            return False
        return self.model.transport.best_open(supplier, site) is not None

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
