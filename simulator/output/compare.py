"""``diversim compare``: the headline figures of several results folders side by side, numbers
written for people (percentages, thousands separators), and what differs between the runs.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from ..errors import UsageError
from .sweep_folder import is_sweep_folder

#: Figures shown as percentages (their values are fractions).
PERCENT = frozenset({"fill_rate", "cycle_service_level", "stockout_any", "fill_rate_during"})
#: Manifest entries that must agree for a comparison of like with like, and their names.
SETTINGS = (
    ("scenario", "scenario"),
    ("scenario_hash", "scenario contents"),
    ("horizon_days", "horizon (days)"),
    ("warmup_days", "warm-up (days)"),
    ("replications", "replications"),
    ("root_seed", "seed"),
)


def human(value: float, figure: str = "") -> str:
    """A number as a person reads it: 97.3% for a fill rate, 35,110 for a cost, 0.412 for an
    index; '–' for a missing value."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(v):
        return "–"
    if figure in PERCENT:
        return f"{100 * v:.1f}%"
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:,.1f}"
    if a >= 1 or a == 0:
        return f"{v:.2f}"
    return f"{v:.3g}"


def run_labels(folders: list[Path]) -> list[str]:
    """A distinct label per folder: its name, or more of its path where names repeat."""
    labels = [f.name for f in folders]
    if len(set(labels)) == len(labels):
        return labels
    return [str(f) for f in folders]


def load_comparison(folders: list[Path]) -> pd.DataFrame:
    """The per-replication summary rows of several results folders, the folder's label in
    ``run``; a clear :class:`UsageError` for a missing folder, a sweep folder or one that is no
    results folder."""
    frames = []
    for folder, label in zip(folders, run_labels(folders), strict=True):
        f = folder / "summary.csv"
        if is_sweep_folder(folder):
            raise UsageError(
                f"'{folder}' is a sweep folder; compare takes results folders of `diversim run` "
                f"(see its sweep report: diversim report {folder})"
            )
        if not f.exists():
            raise UsageError(
                f"'{folder}' is not a results folder (no summary.csv); run `diversim run` first"
            )
        s = pd.read_csv(f, dtype={"policy": str, "figure": str, "scope": str})
        if "scope" not in s.columns:
            raise UsageError(f"{f}: not a run's summary (no scope column); rerun `diversim run`")
        s = s[s["scope"] == "replication"].copy()
        s["run"] = label
        frames.append(s)
    return pd.concat(frames, ignore_index=True)


def differences(folders: list[Path]) -> list[str]:
    """One line per setting in which the runs' manifests differ (scenario, its contents,
    horizon, replications, seed), e.g. ``scenario: a = red_sea_crisis, b = typhoon_season``."""
    manifests = []
    for f in folders:
        try:
            manifests.append(json.loads((f / "manifest.json").read_text(encoding="utf-8")))
        except (OSError, ValueError):
            manifests.append({})
    labels = run_labels(folders)
    out = []
    for key, name in SETTINGS:
        values = [m.get(key) for m in manifests]
        if len({json.dumps(v, default=str) for v in values}) > 1:
            shown = ", ".join(
                f"{lab} = {'?' if v is None else (str(v)[:12] if key == 'scenario_hash' else v)}"
                for lab, v in zip(labels, values, strict=True)
            )
            out.append(f"{name}: {shown}")
    if "scenario" in {line.split(":")[0] for line in out}:
        out = [line for line in out if not line.startswith("scenario contents")]
    return out


def comparison_table(allf: pd.DataFrame) -> pd.DataFrame:
    """Figure × policy rows, one column per run: 'mean [low, high]' in :func:`human` numbers."""
    cells = allf.apply(
        lambda r: (
            f"{human(r['mean'], r['figure'])} "
            f"[{human(r['ci_low'], r['figure'])}, {human(r['ci_high'], r['figure'])}]"
        ),
        axis=1,
    )
    return (
        allf.assign(value=cells)
        .pivot_table(
            index=["figure", "policy"], columns="run", values="value", aggfunc="first", sort=False
        )
        .rename_axis(columns=None)
        .fillna("–")
    )
