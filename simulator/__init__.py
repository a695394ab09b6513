"""diversim: a supply-chain diversification simulator.

Scenario (YAML) → network → model (SimPy) → policies → experiment → analysis → output → CLI.
"""

from .errors import Problem, ScenarioError
from .experiment.runner import RunResult, run
from .experiment.sweep import SweepResult, sweep
from .model import ReplicationResult, run_replication
from .scenario import Scenario, load_scenario, scenario_from_dict

__version__ = "0.1.0"

__all__ = [
    "Problem",
    "ReplicationResult",
    "RunResult",
    "SweepResult",
    "Scenario",
    "ScenarioError",
    "__version__",
    "load_scenario",
    "run",
    "run_replication",
    "scenario_from_dict",
    "sweep",
]
