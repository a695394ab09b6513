"""Scenario files: schema, distributions, loading and validation.

The names below are imported lazily, so the low modules of this package (:mod:`.types`,
:mod:`.distributions`, :mod:`.references`) can be used by policy kinds without loading the
whole schema and loader first.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "Scenario": ".schema",
    "deep_merge": ".overlays",
    "load_scenario": ".loader",
    "scenario_from_dict": ".loader",
}

__all__ = ["Scenario", "deep_merge", "load_scenario", "scenario_from_dict"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:  # pragma: no cover
    from .loader import load_scenario, scenario_from_dict
    from .overlays import deep_merge
    from .schema import Scenario
