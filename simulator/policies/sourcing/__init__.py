"""Sourcing policies: which supplier(s) get each order a site places.

Every kind is one module of this package (``single``, ``split``, ``adaptive_split``,
``primary_backup``) defining ``SPEC``: its scenario spec (a :class:`.base.SourcingSpec`), which
names its suppliers, checks its cross-references and builds its runtime strategy. The kinds are
found here, so the schema's union (:data:`SourcingPolicy`), the cross-checks and the model all
read this one registry; adding a kind means adding its module.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from typing import Annotated, Union

from pydantic import Field

from .base import Allocation, SourcingRuntime, SourcingSpec, StatusView

_NOT_KINDS = {"base", "allocation", "triggers", "reactions"}


def _discover() -> dict[str, type[SourcingSpec]]:
    specs = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name in _NOT_KINDS:
            continue
        spec = importlib.import_module(f"{__name__}.{info.name}").SPEC
        specs.append(spec)
    specs.sort(key=lambda s: (s.order, s.__name__))
    return {s.model_fields["kind"].annotation.__args__[0]: s for s in specs}


#: kind name (as written in scenario files) → spec class, in schema order.
SOURCING_KINDS: dict[str, type[SourcingSpec]] = _discover()

#: The ``sourcing`` entry of a scenario file: one of the registered kinds, by ``kind``.
SourcingPolicy = Annotated[
    Union[tuple(SOURCING_KINDS.values())],  # noqa: UP007 - built from the registry
    Field(discriminator="kind"),
]


def kind_of(raw: object) -> type[SourcingSpec] | None:
    """The registered kind a raw policy mapping names, or None (not a mapping, unknown kind)."""
    kind = raw.get("kind") if isinstance(raw, Mapping) else None
    return SOURCING_KINDS.get(kind) if isinstance(kind, str) else None


def make_sourcing(spec: SourcingSpec, status: StatusView) -> SourcingRuntime:
    """Build the runtime strategy for a scenario's sourcing policy."""
    return spec.runtime(status)


__all__ = [
    "SOURCING_KINDS",
    "Allocation",
    "SourcingPolicy",
    "SourcingRuntime",
    "SourcingSpec",
    "StatusView",
    "kind_of",
    "make_sourcing",
]
