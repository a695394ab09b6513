"""``split``: fixed shares across suppliers; cumulative units track the shares."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, model_validator

from ...scenario.references import check_shares, number
from ...scenario.types import Fraction, OrderRole
from .allocation import ShareTracker
from .base import Allocation, SourcingRuntime, SourcingSpec, StatusView
from .triggers import refuse_reactions

#: Supplier id → share of the units ordered (the shares sum to 1).
Shares = Annotated[
    dict[
        str,
        Annotated[
            Fraction, Field(description="a share between 0 and 1; a policy's shares sum to 1")
        ],
    ],
    Field(
        description="a mapping of supplier id to share, e.g. shares: {cn_shenzhen: 0.6, "
        "vn_hanoi: 0.4}"
    ),
]


def share_fields(raw: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The suppliers given a share that is not zero (a zero share names no supplier)."""
    shares = raw.get("shares")
    if not isinstance(shares, Mapping):
        return []
    return [(f"shares.{s}", s) for s, share in shares.items() if number(share) is None or share > 0]


class Split(SourcingSpec):
    """Fixed shares (summing to 1); cumulative units track the shares."""

    order: ClassVar[int] = 20
    kind: Literal["split"]
    shares: Shares

    @model_validator(mode="before")
    @classmethod
    def _reacts_to_nothing(cls, data: Any) -> Any:
        return refuse_reactions(data, "split")

    @classmethod
    def supplier_fields(cls, raw: Mapping[str, Any]) -> list[tuple[str, Any]]:
        return share_fields(raw)

    @classmethod
    def check(cls, refs, path: str, raw: Mapping[str, Any]):
        return check_shares(refs, f"{path}.shares", raw.get("shares"))

    def runtime(self, status: StatusView) -> FixedSplit:
        return FixedSplit(self, status, self.shares)


class FixedSplit(SourcingRuntime):
    """Orders split by the fixed shares, per site, so cumulative units track them."""

    def __init__(self, spec: SourcingSpec, status: StatusView, shares: Mapping[str, float]):
        super().__init__(spec, status)
        self.shares = dict(shares)
        self.trackers: dict[str, ShareTracker] = {}

    def allocate(self, site: str, qty: int, now: float) -> Allocation:
        tracker = self.trackers.setdefault(site, ShareTracker())
        return [(s, q, OrderRole.REGULAR) for s, q in tracker.allocate(qty, self.shares).items()]


SPEC = Split
