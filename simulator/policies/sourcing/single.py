"""``single``: every order to one supplier."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import model_validator

from ...scenario.references import supplier_ref
from ...scenario.types import OrderRole
from .base import Allocation, SourcingRuntime, SourcingSpec, StatusView, SupplierId
from .triggers import refuse_reactions


class Single(SourcingSpec):
    """Every order to one supplier."""

    order: ClassVar[int] = 10
    kind: Literal["single"]
    supplier: SupplierId

    @model_validator(mode="before")
    @classmethod
    def _reacts_to_nothing(cls, data: Any) -> Any:
        return refuse_reactions(data, "single")

    @classmethod
    def supplier_fields(cls, raw: Mapping[str, Any]) -> list[tuple[str, Any]]:
        return [("supplier", raw.get("supplier"))]

    @classmethod
    def check(cls, refs, path: str, raw: Mapping[str, Any]):
        return supplier_ref(refs, f"{path}.supplier", raw.get("supplier"))

    def runtime(self, status: StatusView) -> SingleSource:
        return SingleSource(self, status)


class SingleSource(SourcingRuntime):
    def __init__(self, spec: Single, status: StatusView):
        super().__init__(spec, status)
        self.supplier = spec.supplier

    def allocate(self, site: str, qty: int, now: float) -> Allocation:
        return [(self.supplier, qty, OrderRole.REGULAR)] if qty > 0 else []


SPEC = Single
