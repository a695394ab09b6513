"""The folder of a sweep: its resumable store of finished points, then its tables and plots.

``<out>/design.json`` records the sweep's fingerprint (scenario, design, policies, replications,
seed) and its points; ``<out>/points/point-NNNNN.csv`` holds each finished point's rows, written
atomically as soon as the point is done, so an interrupted sweep rerun with the same settings
computes only what is missing. :func:`write_sweep` adds ``sweep.csv``, ``summary.csv``,
``points.csv`` and the plots.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import UsageError
from .files import write_atomic
from .locations import OutputKind, check_output, remove_stale
from .style import policy_colors

if TYPE_CHECKING:
    from ..experiment.designs import Point
    from ..experiment.sweep import SweepResult


#: pandas 3 reads floats back exactly by default (and deprecates the option); pandas 2 needs it.
_EXACT_FLOATS = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}


class SweepStore:
    """Finished design points kept in ``folder`` (an :class:`~simulator.experiment.sweep.PointStore`
    for :func:`simulator.experiment.sweep.sweep`)."""

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder)
        self.points = self.folder / "points"

    def _path(self, i: int) -> Path:
        return self.points / f"point-{i:05d}.csv"

    def prepare(self, fingerprint: str, design: list[Point], force: bool) -> None:
        check_output(self.folder, force, OutputKind.SWEEP)
        meta = self.folder / "design.json"
        remove_stale(self.points)  # temp files of points being written when a run was killed
        remove_stale(self.folder)
        if meta.exists():
            try:
                old = json.loads(meta.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                old = {}
            if not isinstance(old, dict):
                old = {}
            if old.get("fingerprint") != fingerprint:
                if not force:
                    raise UsageError(
                        f"'{self.folder}' holds a sweep with other settings (scenario, design, "
                        "policies, replications or seed); use --force to start it afresh or "
                        "--out elsewhere"
                    )
                for f in self.points.glob("point-*.csv"):
                    f.unlink()
        self.points.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"fingerprint": fingerprint, "points": design}, indent=2, default=str)
        write_atomic(meta, text)

    def load(self, i: int) -> list[dict] | None:
        path = self._path(i)
        if not path.exists():
            return None
        return pd.read_csv(path, **_EXACT_FLOATS).to_dict("records")

    def save(self, i: int, rows: list[dict]) -> None:
        write_atomic(self._path(i), pd.DataFrame(rows))


def write_sweep(result: SweepResult, out: str | os.PathLike, report: bool = True) -> Path:
    """Write sweep.csv, summary.csv, points.csv (each atomically) and, with ``report``, the
    sweep plots into ``out``; return the folder."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "sweep.csv", result.rows)
    write_atomic(out / "summary.csv", result.summary)
    write_atomic(out / "points.csv", result.points)
    if report:
        from .sweep_plots import plot_sweep

        plot_sweep(result, out)
    return out


# --------------------------------------------------------------------------- reading it back


@dataclass
class SweepData:
    """A sweep folder's tables, read back for ``diversim plot`` and ``diversim report`` (the
    attributes :func:`.sweep_plots.plot_sweep` reads, as on a :class:`SweepResult`)."""

    folder: Path
    summary: pd.DataFrame  # point × policy × figure: n, mean, sd, se, ci_low, ci_high
    points: pd.DataFrame  # point, then one column per parameter path
    parameters: list[str]
    policies: list[str]

    @property
    def name(self) -> str:
        return self.folder.resolve().name

    @property
    def colors(self) -> dict[str, str]:
        return policy_colors(self.policies)

    @property
    def replications(self) -> int | None:
        n = self.summary.loc[self.summary["figure"] == "fill_rate", "n"]
        return int(n.max()) if len(n) else None


def is_sweep_folder(folder: str | os.PathLike) -> bool:
    """True when ``folder`` was written by ``diversim sweep`` (it has design.json or
    points.csv, and no manifest.json of a run)."""
    f = Path(folder)
    return not (f / "manifest.json").exists() and (
        (f / "design.json").exists() or (f / "points.csv").exists()
    )


def load_sweep(folder: str | os.PathLike) -> SweepData:
    """Read a sweep folder's summary.csv and points.csv; a clear :class:`UsageError` when the
    sweep has not finished (no summary.csv yet) or a table is not a sweep's."""
    folder = Path(folder)
    summary_path, points_path = folder / "summary.csv", folder / "points.csv"
    if not summary_path.exists() or not points_path.exists():
        raise UsageError(
            f"'{folder}' is a sweep folder without summary.csv/points.csv: the sweep has not "
            "finished; rerun the same `diversim sweep` command (it resumes from the stored "
            "points) to write them"
        )
    text = {"policy": str, "figure": str, "scope": str, "interval": str}
    summary = pd.read_csv(summary_path, dtype=text)
    points = pd.read_csv(points_path)
    missing = {"point", "policy", "figure", "mean"} - set(summary.columns)
    if missing or "point" not in points.columns:
        raise UsageError(
            f"{summary_path}: not a sweep summary (missing column(s) "
            f"{', '.join(sorted(missing or {'point'}))}); rewrite it with `diversim sweep`"
        )
    parameters = [c for c in points.columns if c != "point"]
    policies = list(dict.fromkeys(summary["policy"]))
    return SweepData(folder, summary, points, parameters, policies)
