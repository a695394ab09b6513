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
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import UsageError
from .files import write_atomic
from .locations import OutputKind, check_output, remove_stale

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
