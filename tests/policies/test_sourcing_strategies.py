"""Sourcing strategies in isolation, against a scripted view of which supply paths are down."""

from __future__ import annotations

import pytest

from simulator.policies.sourcing import make_sourcing
from simulator.policies.sourcing.adaptive_split import AdaptiveSplit, AdaptiveSplitRuntime
from simulator.policies.sourcing.primary_backup import PrimaryBackup, PrimaryBackupRuntime
from simulator.policies.sourcing.single import Single, SingleSource
from simulator.policies.sourcing.split import FixedSplit, Split
from simulator.scenario.types import OrderRole

BACKUP, REGULAR = OrderRole.BACKUP, OrderRole.REGULAR


class Status:
    """Down periods per (supplier, site): ``down[(s, site)] = since``; observed after the delay."""

    def __init__(self) -> None:
        self.down: dict[tuple[str, str], float] = {}

    def observed_down(self, supplier: str, site: str, now: float, delay: float) -> bool:
        since = self.down.get((supplier, site))
        return since is not None and now - since >= delay - 1e-12


def test_make_sourcing_builds_the_matching_strategy():
    st = Status()
    assert isinstance(make_sourcing(Single(kind="single", supplier="A"), st), SingleSource)
    assert isinstance(make_sourcing(Split(kind="split", shares={"A": 1.0}), st), FixedSplit)
    adaptive = AdaptiveSplit(kind="adaptive_split", shares={"A": 1.0})
    assert isinstance(make_sourcing(adaptive, st), AdaptiveSplitRuntime)
    pb = PrimaryBackup(kind="primary_backup", primary="A", backups=["B"])
    assert isinstance(make_sourcing(pb, st), PrimaryBackupRuntime)


def test_single_sends_everything_to_its_supplier_even_when_down():
    st = Status()
    pol = make_sourcing(Single(kind="single", supplier="A"), st)
    st.down[("A", "D")] = 0.0
    assert pol.allocate("D", 7, 5.0) == [("A", 7, REGULAR)]
    assert pol.allocate("D", 0, 5.0) == []
    assert pol.suppliers == ("A",) and pol.warm_suppliers == {"A"}
    assert not pol.moves_orders_from("A")


def test_split_keeps_one_tracker_per_site():
    pol = make_sourcing(Split(kind="split", shares={"A": 0.5, "B": 0.5, "C": 0.0}), Status())
    assert pol.suppliers == ("A", "B")
    assert pol.allocate("D1", 1, 0) == [("A", 1, REGULAR)]
    assert pol.allocate("D2", 1, 0) == [("A", 1, REGULAR)]  # D2's own history
    assert pol.allocate("D1", 1, 0) == [("B", 1, REGULAR)]


def test_adaptive_split_drops_a_down_supplier_after_the_delay_and_restarts_tracking():
    st = Status()
    spec = AdaptiveSplit(
        kind="adaptive_split", shares={"A": 0.5, "B": 0.25, "C": 0.25}, detection_delay_days=2
    )
    pol = make_sourcing(spec, st)
    assert pol.allocate("D", 8, 0.0) == [("A", 4, REGULAR), ("B", 2, REGULAR), ("C", 2, REGULAR)]
    st.down[("A", "D")] = 10.0
    # Not yet detected: nominal shares.
    assert dict((s, q) for s, q, _ in pol.allocate("D", 8, 11.9)) == {"A": 4, "B": 2, "C": 2}
    # Detected: re-normalised over B and C (0.5 / 0.5), tracking restarted.
    assert dict((s, q) for s, q, _ in pol.allocate("D", 6, 12.0)) == {"B": 3, "C": 3}
    assert dict((s, q) for s, q, _ in pol.allocate("D", 1, 13.0)) == {"B": 1}
    # Every supplier down: orders follow the nominal shares.
    st.down[("B", "D")] = st.down[("C", "D")] = 12.0
    assert dict((s, q) for s, q, _ in pol.allocate("D", 8, 20.0)) == {"A": 4, "B": 2, "C": 2}
    # A recovers (seen at once): back to A 0.5 / B 0.25 / C 0.25 from a fresh start.
    del st.down[("A", "D")], st.down[("B", "D")], st.down[("C", "D")]
    assert dict((s, q) for s, q, _ in pol.allocate("D", 4, 21.0)) == {"A": 2, "B": 1, "C": 1}
    assert pol.detection_delay == 2 and pol.moves_orders_from("A") is False


def test_adaptive_split_moves_queued_orders_only_when_asked():
    spec = AdaptiveSplit(
        kind="adaptive_split", shares={"A": 0.5, "B": 0.5}, move_queued_orders=True
    )
    pol = make_sourcing(spec, Status())
    assert pol.moves_orders_from("A") and pol.moves_orders_from("B")


def test_primary_backup_uses_the_backups_with_a_premium_only_while_the_primary_is_down():
    st = Status()
    spec = PrimaryBackup(
        kind="primary_backup",
        primary="A",
        backups=["B", "C"],
        detection_delay_days=3,
        backup_premium=0.15,
    )
    pol = make_sourcing(spec, st)
    assert pol.premium == 0.15 and pol.detection_delay == 3
    assert pol.suppliers == ("A", "B", "C") and pol.warm_suppliers == {"A"}
    assert pol.moves_orders_from("A") and not pol.moves_orders_from("B")
    assert pol.allocate("D", 10, 0.0) == [("A", 10, REGULAR)]
    st.down[("A", "D")] = 5.0
    assert pol.allocate("D", 10, 7.9) == [("A", 10, REGULAR)]
    assert pol.allocate("D", 10, 8.0) == [("B", 5, BACKUP), ("C", 5, BACKUP)]
    st.down[("C", "D")] = 4.0  # a backup that is down too is skipped
    assert pol.allocate("D", 4, 9.0) == [("B", 4, BACKUP)]
    st.down[("B", "D")] = 4.0  # no backup usable: stay with the primary
    assert pol.allocate("D", 4, 9.0) == [("A", 4, REGULAR)]
    st.down.clear()  # the primary recovers: orders return at once
    assert pol.allocate("D", 10, 30.0) == [("A", 10, REGULAR)]


def test_primary_backup_is_per_site():
    st = Status()
    pol = make_sourcing(PrimaryBackup(kind="primary_backup", primary="A", backups=["B"]), st)
    st.down[("A", "D1")] = 0.0  # only D1's path from A is down
    assert pol.allocate("D1", 3, 1.0) == [("B", 3, BACKUP)]
    assert pol.allocate("D2", 3, 1.0) == [("A", 3, REGULAR)]


@pytest.mark.parametrize("move", [True, False])
def test_primary_backup_move_flag(move):
    spec = PrimaryBackup(kind="primary_backup", primary="A", backups=["B"], move_queued_orders=move)
    assert make_sourcing(spec, Status()).moves_orders_from("A") is move
