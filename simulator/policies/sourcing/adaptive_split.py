"""``adaptive_split``: shares re-normalised over the suppliers whose supply path is usable."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field

from ...scenario.references import check_shares
from ...scenario.types import NonNegative, OrderRole
from .allocation import ShareTracker
from .base import Allocation, DetectionDelay, SourcingSpec, StatusView
from .split import FixedSplit, Shares, share_fields


class AdaptiveSplit(SourcingSpec):
    """Shares re-normalised over suppliers whose supply path is usable, after a detection delay."""

    order: ClassVar[int] = 30
    kind: Literal["adaptive_split"]
    shares: Shares
    detection_delay_days: DetectionDelay = 0.0
    delay_trigger_days: NonNegative | None = Field(
        None,
        description="also treat a supplier's path as down while its best open route is expected "
        "to take more than this many days longer than usual (a detour, extra_days); "
        "omit to react to closures only",
    )
    move_queued_orders: bool = False

    @classmethod
    def supplier_fields(cls, raw: Mapping[str, Any]) -> list[tuple[str, Any]]:
        return share_fields(raw)

    @classmethod
    def check(cls, refs, path: str, raw: Mapping[str, Any]):
        return check_shares(refs, f"{path}.shares", raw.get("shares"))

    @property
    def delay_trigger(self) -> float | None:
        return self.delay_trigger_days

    def runtime(self, status: StatusView) -> AdaptiveSplitRuntime:
        return AdaptiveSplitRuntime(self, status)


class AdaptiveSplitRuntime(FixedSplit):
    """Shares re-normalised over suppliers whose path to the site is not (detected) down.

    When the usable set changes, cumulative tracking restarts, so a recovered supplier does not
    get a catch-up burst. With every supplier down, orders follow the nominal shares (and queue).
    """

    def __init__(self, spec: AdaptiveSplit, status: StatusView):
        super().__init__(spec, status, spec.shares)
        self.detection_delay = spec.detection_delay_days
        self.move_queued_orders = spec.move_queued_orders
        self._usable: dict[str, tuple[str, ...]] = {}

    def allocate(self, site: str, qty: int, now: float) -> Allocation:
        usable = tuple(
            s
            for s in self.suppliers
            if not self.status.observed_down(s, site, now, self.detection_delay)
        ) or tuple(self.suppliers)
        tracker = self.trackers.setdefault(site, ShareTracker())
        if self._usable.get(site) != usable:
            tracker.reset()
            self._usable[site] = usable
        shares = {s: self.shares[s] for s in usable}
        return [(s, q, OrderRole.REGULAR) for s, q in tracker.allocate(qty, shares).items()]


SPEC = AdaptiveSplit
