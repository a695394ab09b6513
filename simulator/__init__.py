"""diversim: a supply-chain diversification simulator.

Scenario (YAML) → network → model (SimPy) → policies → experiment → analysis → output → CLI.

The public API is imported lazily, so ``diversim validate`` (and worker processes) do not pay for
pandas, scipy or matplotlib until they are needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Problem": "simulator.errors",
    "ScenarioError": "simulator.errors",
    "UsageError": "simulator.errors",
    "Scenario": "simulator.scenario",
    "load_scenario": "simulator.scenario",
    "scenario_from_dict": "simulator.scenario",
    "ReplicationResult": "simulator.model",
    "run_replication": "simulator.model",
    "RunResult": "simulator.experiment.runner",
    "run": "simulator.experiment.runner",
    "SweepResult": "simulator.experiment.sweep",
    "sweep": "simulator.experiment.sweep",
}

__all__ = [  # noqa: RUF022 - grouped by layer, as _EXPORTS
    "__version__",
    "Problem",
    "ScenarioError",
    "UsageError",
    "Scenario",
    "load_scenario",
    "scenario_from_dict",
    "ReplicationResult",
    "run_replication",
    "RunResult",
    "run",
    "SweepResult",
    "sweep",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    if not name.startswith("_"):
        try:
            return importlib.import_module(f"{__name__}.{name}")  # e.g. simulator.errors
        except ModuleNotFoundError:
            pass
    raise AttributeError(f"module 'simulator' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # pragma: no cover
    from .errors import Problem, ScenarioError, UsageError
    from .experiment.runner import RunResult, run
    from .experiment.sweep import SweepResult, sweep
    from .model import ReplicationResult, run_replication
    from .scenario import Scenario, load_scenario, scenario_from_dict
