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
        """Split ``qty`` units over the suppliers with a positive share: ``{supplier: units}``
        (suppliers given no unit left out)."""
        names = [s for s, w in shares.items() if w > 0]
        if qty <= 0 or not names:
            return {}
        if len(names) == 1:
            (only,) = names
            self.cumulative[only] = self.cumulative.get(only, 0) + qty
            self.total += qty
            return {only: qty}
        weights = [shares[s] for s in names]
        weight = sum(weights)
        new_total = self.total + qty
        cumulative = self.cumulative
        gap = [
            max(0.0, w / weight * new_total - cumulative.get(s, 0))
            for s, w in zip(names, weights, strict=True)
        ]
        gap_sum = sum(gap)
        if gap_sum <= 0:
            gap = [w / weight for w in weights]
            gap_sum = 1.0
        exact = [g * qty / gap_sum for g in gap]
        alloc = [math.floor(e + 1e-9) for e in exact]
        left = qty - sum(alloc)
        if left > 0:
            # Largest remainders first; ties to the supplier listed first (max returns the
            # first of equal maxima).
            rest = [e - a for e, a in zip(exact, alloc, strict=True)]
            if left == 1:
                alloc[max(range(len(names)), key=rest.__getitem__)] += 1
            else:
                for i in sorted(range(len(names)), key=lambda i: (-rest[i], i))[:left]:
                    alloc[i] += 1
        out = {}
        for s, q in zip(names, alloc, strict=True):
            cumulative[s] = cumulative.get(s, 0) + q
            if q > 0:
                out[s] = q
        self.total = new_total
        return out
