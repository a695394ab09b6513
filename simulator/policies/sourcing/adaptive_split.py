"""``adaptive_split``: shares re-normalised over the suppliers whose supply path is usable."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from ...scenario.references import check_shares
from ...scenario.types import OrderRole
from .allocation import ShareTracker
from .base import Allocation, DetectionDelay, SourcingSpec, StatusView
from .split import FixedSplit, Shares, share_fields
from .triggers import Triggers, check_triggers, moved_delay_trigger


class AdaptiveSplit(SourcingSpec):
    """Shares re-normalised over suppliers whose supply path is usable, after a detection delay."""

    order: ClassVar[int] = 30
    kind: Literal["adaptive_split"]
    shares: Shares
    detection_delay_days: DetectionDelay = 0.0
    triggers: Triggers | None = Field(
        None,
        description="what besides closure counts a supplier's path as down: delay_days, "
        "capacity_below, cost_above (any one, held for detection_delay_days); omit to react "
        "to closures only",
    )
    move_queued_orders: bool = False

    @classmethod
    def supplier_fields(cls, raw: Mapping[str, Any]) -> list[tuple[str, Any]]:
        return share_fields(raw)

    @classmethod
    def check(cls, refs, path: str, raw: Mapping[str, Any]):
        out = check_shares(refs, f"{path}.shares", raw.get("shares"))
        suppliers = [s for _, s in cls.supplier_fields(raw)]
        return out + check_triggers(refs, path, raw, suppliers)

    @property
    def path_triggers(self) -> Triggers | None:
        return self.triggers

    @model_validator(mode="before")
    @classmethod
    def _old_spelling(cls, data: Any) -> Any:
        return moved_delay_trigger(data)

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
