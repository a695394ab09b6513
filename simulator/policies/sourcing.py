"""Sourcing policies: which supplier(s) get each order a site places.

Each policy is a small strategy object built from the scenario's spec. Policies that react to
disruptions see a supplier's path to a site as *down* only once it has been continuously unusable
for ``detection_delay_days`` (see :class:`~simulator.model.supply_status.SupplyStatus`); they see
a recovery at once.
"""

from __future__ import annotations

from typing import Protocol

from ..scenario.schema import AdaptiveSplit, PrimaryBackup, Single, SourcingPolicy, Split
from .allocation import ShareTracker

REGULAR = "regular"
BACKUP = "backup"

Allocation = list[tuple[str, int, str]]  # (supplier id, units, role)


class StatusView(Protocol):
    def observed_down(self, supplier: str, site: str, now: float, delay: float) -> bool: ...


class SourcingRuntime:
    """Base class: a policy's suppliers and its reaction to detected outages."""

    detection_delay: float = 0.0
    move_queued_orders: bool = False
    premium: float = 0.0

    def __init__(self, status: StatusView):
        self.status = status

    @property
    def suppliers(self) -> list[str]:
        """Every supplier the policy may order from (pays their reservation fees)."""
        raise NotImplementedError

    @property
    def warm_suppliers(self) -> set[str]:
        """Suppliers already producing for this policy at t = 0 (no ramp-up needed)."""
        return set(self.suppliers)

    def allocate(self, site: str, qty: int, now: float) -> Allocation:
        raise NotImplementedError

    def moves_orders_from(self, supplier: str) -> bool:
        """Whether queued orders at ``supplier`` move elsewhere once its outage is detected."""
        return self.move_queued_orders


class SingleSource(SourcingRuntime):
    def __init__(self, spec: Single, status: StatusView):
        super().__init__(status)
        self.supplier = spec.supplier

    @property
    def suppliers(self) -> list[str]:
        return [self.supplier]

    def allocate(self, site: str, qty: int, now: float) -> Allocation:
        return [(self.supplier, qty, REGULAR)] if qty > 0 else []


class FixedSplit(SourcingRuntime):
    def __init__(self, spec: Split, status: StatusView):
        super().__init__(status)
        self.shares = dict(spec.shares)
        self.trackers: dict[str, ShareTracker] = {}

    @property
    def suppliers(self) -> list[str]:
        return [s for s, w in self.shares.items() if w > 0]

    def allocate(self, site: str, qty: int, now: float) -> Allocation:
        tracker = self.trackers.setdefault(site, ShareTracker())
        return [(s, q, REGULAR) for s, q in tracker.allocate(qty, self.shares).items()]


class AdaptiveSplitRuntime(FixedSplit):
    """Shares re-normalised over suppliers whose path to the site is not (detected) down.

    When the usable set changes, cumulative tracking restarts, so a recovered supplier does not
    get a catch-up burst. With every supplier down, orders follow the nominal shares (and queue).
    """

    def __init__(self, spec: AdaptiveSplit, status: StatusView):
        super().__init__(Split(kind="split", shares=spec.shares), status)
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
        return [(s, q, REGULAR) for s, q in tracker.allocate(qty, shares).items()]


class PrimaryBackupRuntime(SourcingRuntime):
    """Orders go to the primary; to the backups (equal shares, premium) while it is down."""

    def __init__(self, spec: PrimaryBackup, status: StatusView):
        super().__init__(status)
        self.primary = spec.primary
        self.backups = list(spec.backups)
        self.detection_delay = spec.detection_delay_days
        self.move_queued_orders = spec.move_queued_orders
        self.premium = spec.backup_premium
        self.trackers: dict[str, ShareTracker] = {}

    @property
    def suppliers(self) -> list[str]:
        return [self.primary, *self.backups]

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
            return [(self.primary, qty, REGULAR)]
        usable = [b for b in self.backups if not self.status.observed_down(b, site, now, delay)]
        if not usable:
            return [(self.primary, qty, REGULAR)]
        tracker = self.trackers.setdefault(site, ShareTracker())
        shares = {b: 1.0 for b in usable}
        return [(s, q, BACKUP) for s, q in tracker.allocate(qty, shares).items()]


def make_sourcing(spec: SourcingPolicy, status: StatusView) -> SourcingRuntime:
    """Build the runtime strategy for a scenario's sourcing policy."""
    if isinstance(spec, Single):
        return SingleSource(spec, status)
    if isinstance(spec, Split):
        return FixedSplit(spec, status)
    if isinstance(spec, AdaptiveSplit):
        return AdaptiveSplitRuntime(spec, status)
    if isinstance(spec, PrimaryBackup):
        return PrimaryBackupRuntime(spec, status)
    raise TypeError(f"unknown sourcing policy {spec!r}")  # pragma: no cover
