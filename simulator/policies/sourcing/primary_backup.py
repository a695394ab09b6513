"""``primary_backup`` (contingent sourcing): the primary, and backups once it is down."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from ...errors import Problem
from ...scenario.references import supplier_ref
from ...scenario.types import NonNegative, OrderRole
from .allocation import ShareTracker
from .base import (
    Allocation,
    DetectionDelay,
    SourcingRuntime,
    SourcingSpec,
    StatusView,
    SupplierId,
)
from .triggers import Triggers, check_triggers, moved_delay_trigger


class PrimaryBackup(SourcingSpec):
    """Contingent sourcing: the primary, and backups once it has been down past the delay."""

    order: ClassVar[int] = 40
    kind: Literal["primary_backup"]
    primary: SupplierId
    backups: list[SupplierId] = Field(
        min_length=1, description="a list of supplier ids, e.g. backups: [vn_hochiminh]"
    )
    detection_delay_days: DetectionDelay = 0.0
    triggers: Triggers | None = Field(
        None,
        description="what besides closure counts a supplier's path as down: delay_days, "
        "capacity_below, cost_above (any one, held for detection_delay_days); omit to react "
        "to closures only",
    )
    backup_premium: NonNegative = Field(
        0.0, description="price surcharge at backups: a fraction >= 0, e.g. 0.15 for +15%"
    )
    move_queued_orders: bool = True

    @classmethod
    def supplier_fields(cls, raw: Mapping[str, Any]) -> list[tuple[str, Any]]:
        out: list[tuple[str, Any]] = [("primary", raw.get("primary"))]
        backups = raw.get("backups")
        if isinstance(backups, list):
            out += [(f"backups.{i}", b) for i, b in enumerate(backups)]
        return out

    @classmethod
    def check(cls, refs, path: str, raw: Mapping[str, Any]) -> list[Problem]:
        primary = raw.get("primary")
        out = supplier_ref(refs, f"{path}.primary", primary)
        backups = raw.get("backups")
        if not isinstance(backups, list):
            return out
        seen: set[str] = set()
        for i, b in enumerate(backups):
            out += supplier_ref(refs, f"{path}.backups.{i}", b)
            if isinstance(b, str) and b == primary:
                out.append(
                    Problem(
                        f"{path}.backups.{i}",
                        f"'{b}' is the primary and cannot also be its backup",
                        "name a different supplier",
                    )
                )
            elif isinstance(b, str) and b in seen:
                out.append(
                    Problem(
                        f"{path}.backups.{i}",
                        f"backup '{b}' is listed twice",
                        "list each backup once",
                    )
                )
            if isinstance(b, str):
                seen.add(b)
        suppliers = [s for _, s in cls.supplier_fields(raw)]
        return out + check_triggers(refs, path, raw, suppliers)

    @property
    def path_triggers(self) -> Triggers | None:
        return self.triggers

    @model_validator(mode="before")
    @classmethod
    def _old_spelling(cls, data: Any) -> Any:
        return moved_delay_trigger(data)

    def runtime(self, status: StatusView) -> PrimaryBackupRuntime:
        return PrimaryBackupRuntime(self, status)


class PrimaryBackupRuntime(SourcingRuntime):
    """Orders go to the primary; to the backups (equal shares, premium) while it is down."""

    def __init__(self, spec: PrimaryBackup, status: StatusView):
        super().__init__(spec, status)
        self.primary = spec.primary
        self.backups = list(spec.backups)
        self.detection_delay = spec.detection_delay_days
        self.move_queued_orders = spec.move_queued_orders
        self.premium = spec.backup_premium
        self.trackers: dict[str, ShareTracker] = {}

    @property
    def warm_suppliers(self) -> set[str]:
        return {self.primary}

    def moves_orders_from(self, supplier: str) -> bool:
        return self.move_queued_orders and supplier == self.primary

    def allocate(self, site: str, qty: int, now: float) -> Allocation:
        if qty <= 0:
            return []
        delay = self.detection_delay
        if not self.status.observed_down(self.primary, site, now, delay):
            return [(self.primary, qty, OrderRole.REGULAR)]
        usable = [b for b in self.backups if not self.status.observed_down(b, site, now, delay)]
        if not usable:
            return [(self.primary, qty, OrderRole.REGULAR)]
        tracker = self.trackers.setdefault(site, ShareTracker())
        shares = {b: 1.0 for b in usable}
        return [(s, q, OrderRole.BACKUP) for s, q in tracker.allocate(qty, shares).items()]


SPEC = PrimaryBackup
