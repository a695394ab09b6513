"""Scenario files: schema, distributions, loading and validation."""

from .loader import deep_merge, load_scenario, scenario_from_dict
from .schema import Scenario

__all__ = ["Scenario", "deep_merge", "load_scenario", "scenario_from_dict"]
