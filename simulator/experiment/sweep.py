"""Parameter sweeps: design points × policies × replications, resumable, on any executor.

Every task's numbers depend only on (root seed, replication) and the point's scenario, so results
are identical whatever the executor, worker count and completion order. Random streams do not
depend on the point either: all points share common random numbers, which makes differences
between neighbouring points (and the heatmaps drawn from them) far less noisy.

With a :class:`PointStore` (the CLI passes one kept in the output folder), each design point's
rows are stored as soon as all its tasks are done; an interrupted sweep run again with the same
arguments computes only the missing points. This module does no file I/O itself.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from ..analysis.figures import SWEEP_FIGURES
from ..analysis.statistics import summarize
from ..errors import UsageError
from ..scenario.schema import Scenario
from .common import check_policies, progress_bar, settings_fingerprint
from .designs import Axis, Point, grid, latin_hypercube
from .executors import default_jobs, run_tasks
from .parameters import apply_parameters
from .tasks import TaskKey


class PointStore(Protocol):
    """Where a sweep keeps its finished design points, so that a rerun resumes.

    :class:`simulator.output.sweep_folder.SweepStore` keeps them in a folder; rows come back
    from :meth:`load` exactly as they would be read from the stored tables.
    """

    def prepare(self, fingerprint: str, design: list[Point], force: bool) -> None:
        """Get ready for the sweep identified by ``fingerprint`` (its settings) over
        ``design``; points stored for other settings are discarded with ``force`` and are a
        UsageError without it."""

    def load(self, i: int) -> list[dict] | None:
        """The stored rows of point ``i``, or None if it has not been finished."""

    def save(self, i: int, rows: list[dict]) -> None:
        """Keep the rows of the finished point ``i`` (all its policies × replications)."""


@dataclass
class SweepResult:
    """Tidy tables of a sweep (pandas DataFrames); writing them is
    :func:`simulator.output.sweep_folder.write_sweep` (``simulator.write_sweep``)."""

    scenario: Scenario
    seed: int
    policies: list[str]
    parameters: list[str]
    points: pd.DataFrame  # point, then one column per parameter path
    rows: pd.DataFrame  # point × policy × replication, with parameter values and figures
    summary: pd.DataFrame  # point × policy × figure: n, mean, sd, se, ci_low, ci_high
    wall_seconds: float
    computed_points: int


def _fingerprint(
    sc: Scenario, points: list[Point], policies: list[str], reps: int, seed: int
) -> str:
    return settings_fingerprint(sc, points=points, policies=policies, replications=reps, seed=seed)


def _design_points(grid_spec, points, lhs, samples, seed) -> list[Point]:
    given = sum(x is not None for x in (grid_spec, points, lhs))
    if given != 1:
        raise UsageError("give exactly one design: grid=..., points=... or lhs=...")
    if grid_spec is not None:
        axes = (
            grid_spec
            if isinstance(grid_spec, list)
            else [
                Axis(
                    tuple(k) if isinstance(k, tuple) else (k,),
                    tuple(tuple(v) if isinstance(k, tuple) else (v,) for v in vals),
                )
                for k, vals in grid_spec.items()
            ]
        )
        return grid(axes)
    if points is not None:
        if not points:
            raise UsageError("points=... is empty")
        return [dict(p) for p in points]
    ranges = {k: (float(v[0]), float(v[1])) for k, v in lhs.items()}
    return latin_hypercube(ranges, int(samples or 10), seed)


def sweep(
    scenario: Scenario,
    grid: dict | list[Axis] | None = None,
    points: list[Point] | None = None,
    lhs: dict[str, tuple[float, float]] | None = None,
    samples: int | None = None,
    replications: int | None = None,
    seed: int | None = None,
    executor: str = "local",
    jobs: int | None = None,
    scheduler: str | None = None,
    policies: list[str] | None = None,
    store: PointStore | None = None,
    force: bool = False,
    progress: bool = False,
) -> SweepResult:
    """Run every design point × policy × replication; return tidy tables.

    ``grid``: ``{path: [values]}`` (a tuple of paths as key, with tuples as values, links
    parameters); ``points``: a list of ``{path: value}``; ``lhs``: ``{path: (low, high)}`` with
    ``samples``. ``store``: where finished points are kept, so a rerun resumes (``force``
    discards points stored for other settings); the caller chooses where, this module does no
    file I/O.
    """
    sc = scenario
    seed = sc.seed if seed is None else int(seed)
    reps = int(replications or sc.replications)
    jobs = default_jobs() if jobs is None else int(jobs)
    names = check_policies(sc, policies)
    design = _design_points(grid, points, lhs, samples, seed)
    # Build and validate every point's scenario before any simulation starts.
    scenarios = {
        i: apply_parameters(sc, pt, label=f"sweep point {i}") for i, pt in enumerate(design)
    }
    params = list(dict.fromkeys(k for pt in design for k in pt))

    done_rows: dict[int, list[dict]] = {}
    if store is not None:
        store.prepare(_fingerprint(sc, design, names, reps, seed), design, force)
        for i in range(len(design)):
            stored = store.load(i)
            if stored is not None:
                done_rows[i] = stored
    todo = [i for i in range(len(design)) if i not in done_rows]
    if store is not None and done_rows:
        print(
            f"resuming: {len(done_rows)} of {len(design)} points already done, "
            f"{len(todo)} to compute",
            file=sys.stderr,
        )
    keys = [TaskKey(p, r, i) for i in todo for p in names for r in range(reps)]
    pending: dict[int, list[dict]] = defaultdict(list)
    per_point = len(names) * reps
    started = time.perf_counter()
    bar = progress_bar(len(keys), progress, f"{sc.name} sweep")
    try:
        for out in run_tasks(
            {i: scenarios[i] for i in todo}, keys, seed, jobs, executor, scheduler
        ):
            i = out.key.point
            pending[i].append({"point": i, **design[i], **out.row(sc.name, seed)})
            bar.update(1)
            if len(pending[i]) == per_point:
                rows = _sorted_rows(pending.pop(i), names)
                if store is not None:
                    store.save(i, rows)
                done_rows[i] = rows
    finally:
        bar.close()
    wall = time.perf_counter() - started
    if store is not None:
        # Resumed or not, the tables come from the stored points, so both give the same bytes.
        done_rows = {i: store.load(i) for i in done_rows}
    all_rows = [r for i in sorted(done_rows) for r in _sorted_rows(done_rows[i], names)]
    table = pd.DataFrame(all_rows)
    summary = _summary(table, params, names)
    point_table = pd.DataFrame([{"point": i, **pt} for i, pt in enumerate(design)])
    return SweepResult(sc, seed, names, params, point_table, table, summary, wall, len(todo))


def _sorted_rows(rows: list[dict], names: list[str]) -> list[dict]:
    order = {p: k for k, p in enumerate(names)}
    return sorted(rows, key=lambda r: (order[r["policy"]], int(r["replication"])))


def _summary(table: pd.DataFrame, params: list[str], names: list[str]) -> pd.DataFrame:
    frames = []
    for point, g in table.groupby("point", sort=True):
        s = summarize(g, [f for f in SWEEP_FIGURES if f in g.columns])
        s.insert(0, "point", point)
        for k, p in enumerate(params):
            s.insert(1 + k, p, g[p].iloc[0] if p in g.columns else None)
        frames.append(s)
    out = pd.concat(frames, ignore_index=True)
    order = {p: k for k, p in enumerate(names)}
    return out.sort_values(
        ["point", "policy"], key=lambda c: c.map(order) if c.name == "policy" else c, kind="stable"
    ).reset_index(drop=True)
