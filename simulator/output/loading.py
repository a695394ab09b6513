"""Reading a results folder: its tables, the scenario as run (typed), the manifest and verdict.

Plots and the report are drawn from a folder's files alone, so ``diversim plot`` and ``diversim
report`` can redraw any folder that ``diversim run`` wrote.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..errors import ScenarioError, UsageError
from ..scenario import Scenario, scenario_from_dict
from ..scenario.schema import Scheduled, Target
from .style import policy_colors

# Columns read as text whatever they look like (a policy called "1" stays "1").
_TEXT_COLUMNS = {
    c: str
    for c in (
        "policy",
        "scope",
        "figure",
        "baseline",
        "disruption",
        "site",
        "leg",
        "target",
        "scenario",
        "interval",
        "run",
        "kind",
        "matches",
        "comparison",
    )
}
_TABLES = (
    "summary",
    "replications",
    "episodes",
    "paired",
    "timeseries",
    "leg_flows",
    "decision",
    "warning_value",
)
SCENARIO_FILE = "scenario.resolved.yaml"


@dataclass(frozen=True)
class ScheduledDisruption:
    """A scheduled disruption as drawn on the time plots: [start, end) in simulated days."""

    id: str
    start: float
    end: float
    target: Target
    description: str | None = None


@dataclass
class ResultsData:
    """Everything the plots and the report need, read from one results folder.

    Tables that are missing from an older folder are empty DataFrames; only ``summary.csv`` is
    required. ``scenario`` is the scenario as run, validated; it is None when the folder has no
    ``scenario.resolved.yaml`` or when that file no longer validates (``scenario_note`` then
    says why, and the plots and report are drawn without it).
    """

    folder: Path
    summary: pd.DataFrame
    replications: pd.DataFrame
    episodes: pd.DataFrame
    paired: pd.DataFrame
    timeseries: pd.DataFrame
    leg_flows: pd.DataFrame
    decision: pd.DataFrame
    warning_value: pd.DataFrame
    scenario: Scenario | None
    scenario_text: str
    manifest: dict[str, Any]
    verdict: list[str]
    policies: list[str] = field(default_factory=list)
    baseline: str | None = None
    colors: dict[str, str] = field(default_factory=dict)
    scenario_note: str = ""

    @property
    def name(self) -> str:
        own = self.scenario.name if self.scenario is not None else None
        return str(self.manifest.get("scenario") or own or self.folder.name)

    @property
    def description(self) -> str | None:
        return self.scenario.description if self.scenario is not None else None

    @property
    def currency(self) -> str:
        return str(self.scenario.currency or "") if self.scenario is not None else ""

    @property
    def recovery_threshold(self) -> float:
        if self.scenario is None:
            return float(Scenario.model_fields["recovery_threshold"].default)
        return float(self.scenario.recovery_threshold)

    @property
    def warmup_days(self) -> float:
        own = self.scenario.warmup_days if self.scenario is not None else 0
        return float(self.manifest.get("warmup_days", own) or 0)

    @property
    def n_replications(self) -> int | None:
        n = self.manifest.get("replications")
        if n is None and not self.replications.empty:
            n = self.replications["replication"].nunique()
        return None if n is None else int(n)

    @property
    def scheduled(self) -> list[ScheduledDisruption]:
        """Scheduled disruptions in start order."""
        if self.scenario is None:
            return []
        out = [
            ScheduledDisruption(
                did,
                float(d.timing.start_day),
                float(d.timing.start_day + d.timing.duration_days),
                d.target,
                d.description,
            )
            for did, d in self.scenario.disruptions.items()
            if isinstance(d.timing, Scheduled)
        ]
        return sorted(out, key=lambda s: (s.start, s.id))

    def summary_rows(self, scope: str = "replication") -> pd.DataFrame:
        s = self.summary
        return s[s["scope"] == scope] if "scope" in s else s.iloc[0:0]


def _read_table(folder: Path, name: str) -> pd.DataFrame:
    path = folder / f"{name}.csv"
    if not path.exists():
        return pd.DataFrame()
    try:
        df = pd.read_csv(path, dtype=_TEXT_COLUMNS, keep_default_na=True)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    return df


def _read_scenario(path: Path) -> tuple[Scenario | None, str, str]:
    """(scenario, its text, a note when it does not validate) from scenario.resolved.yaml."""
    if not path.exists():
        return None, "", ""
    text = path.read_text(encoding="utf-8")
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise UsageError(f"'{path}' is not valid YAML: {exc}") from None
    if loaded is None:
        return None, text, ""
    try:
        return scenario_from_dict(loaded), text, ""
    except ScenarioError as exc:
        first = exc.problems[0] if exc.problems else "?"
        more = f" (and {len(exc.problems) - 1} more problems)" if len(exc.problems) > 1 else ""
        note = (
            f"{SCENARIO_FILE} does not validate as a scenario of this version: {first}{more}; "
            "drawn without it (no route map, no disruption shading)"
        )
        return None, text, note


def load_results(folder: str | os.PathLike) -> ResultsData:
    """Read a results folder; a missing folder or one without ``summary.csv`` is a UsageError."""
    folder = Path(folder)
    if not folder.exists():
        raise UsageError(f"results folder '{folder}' does not exist")
    if not folder.is_dir():
        raise UsageError(
            f"'{folder}' is not a folder; give a results folder made by `diversim run`"
        )
    if not (folder / "summary.csv").exists():
        raise UsageError(
            f"'{folder}' is not a results folder (no summary.csv); make one with `diversim run`"
        )
    tables = {name: _read_table(folder, name) for name in _TABLES}
    if tables["summary"].empty:
        raise UsageError(f"'{folder}/summary.csv' is empty; re-run `diversim run`")
    scenario, scenario_text, note = _read_scenario(folder / SCENARIO_FILE)
    manifest: dict[str, Any] = {}
    m_path = folder / "manifest.json"
    if m_path.exists():
        try:
            loaded = json.loads(m_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise UsageError(f"'{m_path}' is not valid JSON: {exc}") from None
        manifest = loaded if isinstance(loaded, dict) else {}
    v_path = folder / "verdict.txt"
    verdict = (
        [ln for ln in v_path.read_text(encoding="utf-8").splitlines() if ln.strip()]
        if v_path.exists()
        else []
    )
    seen = list(dict.fromkeys(tables["summary"]["policy"].astype(str)))
    policies = [str(p) for p in manifest.get("policies") or [] if str(p) in seen]
    policies += [p for p in seen if p not in policies]
    baseline = manifest.get("baseline")
    if baseline is None and not tables["paired"].empty and "baseline" in tables["paired"]:
        baseline = str(tables["paired"]["baseline"].iloc[0])
    return ResultsData(
        folder=folder,
        **tables,
        scenario=scenario,
        scenario_text=scenario_text,
        manifest=manifest,
        verdict=verdict,
        policies=policies,
        baseline=None if baseline is None else str(baseline),
        colors=policy_colors(policies),
        scenario_note=note,
    )
