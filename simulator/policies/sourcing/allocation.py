"""Integer allocation of an order across suppliers so cumulative units track target shares."""

from __future__ import annotations

import math


class ShareTracker:
    """Keeps cumulative units per supplier close to ``share × cumulative total``.

    Each order's units go first to the suppliers furthest behind their target; ties go to the
    supplier listed first, so allocation is deterministic.
    """

    def __init__(self) -> None:
        self.cumulative: dict[str, int] = {}
        self.total = 0

    def reset(self) -> None:
        self.cumulative.clear()
        self.total = 0

    def allocate(self, qty: int, shares: dict[str, float]) -> dict[str, int]:
        names = [s for s, w in shares.items() if w > 0]
        if qty <= 0 or not names:
            return {}
        weight = sum(shares[s] for s in names)
        new_total = self.total + qty
        gap = {
            s: max(0.0, shares[s] / weight * new_total - self.cumulative.get(s, 0)) for s in names
        }
        gap_sum = sum(gap.values())
        if gap_sum <= 0:
            gap = {s: shares[s] / weight for s in names}
            gap_sum = 1.0
        exact = {s: gap[s] * qty / gap_sum for s in names}
        alloc = {s: math.floor(exact[s] + 1e-9) for s in names}
        left = qty - sum(alloc.values())
        order = sorted(names, key=lambda s: (-(exact[s] - alloc[s]), names.index(s)))
        for s in order[:left]:
            alloc[s] += 1
        for s, q in alloc.items():
            self.cumulative[s] = self.cumulative.get(s, 0) + q
        self.total = new_total
        return {s: q for s, q in alloc.items() if q > 0}
