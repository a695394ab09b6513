"""diversim: a supply-chain diversification simulator.

Scenario (YAML) → network → model (SimPy) → policies → experiment → analysis → output → CLI.

The public API is imported lazily, so ``diversim validate`` (and worker processes) do not pay for
pandas, scipy or matplotlib until they are needed.
"""

from __future__ import annotations

import importlib
import os
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
    "write_run": "simulator.output.results_folder",
    "write_sweep": "simulator.output.sweep_folder",
    # Weak points: the n−1 stress test, the worst-case search and global sensitivity.
    "ElementKind": "simulator.experiment.failures",
    "stress_test": "simulator.experiment.stress",
    "Budget": "simulator.experiment.worst_case",
    "worst_case": "simulator.experiment.worst_case",
    "sensitivity": "simulator.experiment.sensitivity",
    "write_stress": "simulator.output.stress_folder",
    "write_worst_case": "simulator.output.worst_case_folder",
    "write_sensitivity": "simulator.output.sensitivity_folder",
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
    "write_run",
    "write_sweep",
    "ElementKind",
    "stress_test",
    "Budget",
    "worst_case",
    "sensitivity",
    "write_stress",
    "write_worst_case",
    "write_sensitivity",
]


def sweep(
    scenario: Scenario,
    *args: Any,
    store: str | os.PathLike | PointStore | None = None,
    **kwargs: Any,
) -> SweepResult:
    """Run a parameter sweep (:func:`simulator.experiment.sweep.sweep`, same arguments).

    ``store`` may be a folder: finished points are kept in ``store/points`` (with the sweep's
    settings in ``store/design.json``), so a rerun resumes; ``write_sweep`` adds the tables.
    """
    from .experiment.sweep import sweep as run_sweep

    if isinstance(store, str | os.PathLike):
        from .output.sweep_folder import SweepStore

        store = SweepStore(store)
    return run_sweep(scenario, *args, store=store, **kwargs)


#: Names whose first use also loads the notebook helpers (``result.plot``).
_WITH_PLOTS = frozenset({"RunResult", "run"})


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        if name in _WITH_PLOTS:
            importlib.import_module("simulator.output.notebook")  # registers result.plot
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
    from .experiment.failures import ElementKind
    from .experiment.runner import RunResult, run
    from .experiment.sensitivity import sensitivity
    from .experiment.stress import stress_test
    from .experiment.sweep import PointStore, SweepResult
    from .experiment.worst_case import Budget, worst_case
    from .model import ReplicationResult, run_replication
    from .output.results_folder import write_run
    from .output.sensitivity_folder import write_sensitivity
    from .output.stress_folder import write_stress
    from .output.sweep_folder import write_sweep
    from .output.worst_case_folder import write_worst_case
    from .scenario import Scenario, load_scenario, scenario_from_dict
