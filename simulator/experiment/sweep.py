"""Parameter sweeps: design points × policies × replications, resumable, on any executor.

Every task's numbers depend only on (root seed, replication) and the point's scenario, so results
are identical whatever the executor, worker count and completion order. Random streams do not
depend on the point either: all points share common random numbers, which makes differences
between neighbouring points (and the heatmaps drawn from them) far less noisy.

With an output folder, each design point's rows are written (atomically) as soon as all its
tasks are done; an interrupted sweep run again with the same arguments computes only the
missing points.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..analysis.figures import SWEEP_FIGURES
from ..analysis.statistics import summarize
from ..errors import UsageError
from ..scenario.schema import Scenario
from .common import check_policies, progress_bar
from .designs import Axis, Point, grid, latin_hypercube
from .executors import default_jobs, run_tasks
from .parameters import apply_parameters, scenario_data
from .tasks import TaskKey


@dataclass
class SweepResult:
    """Tidy tables of a sweep (pandas DataFrames)."""

    scenario: Scenario
    seed: int
    policies: list[str]
    parameters: list[str]
    points: pd.DataFrame  # point, then one column per parameter path
    rows: pd.DataFrame  # point × policy × replication, with parameter values and figures
    summary: pd.DataFrame  # point × policy × figure: n, mean, sd, se, ci_low, ci_high
    wall_seconds: float
    computed_points: int

    def write(self, out: Path, report: bool = True) -> Path:
        """Write sweep.csv, summary.csv, points.csv (and plots) into ``out`` atomically."""
        from ..output.files import write_atomic

        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        write_atomic(out / "sweep.csv", self.rows)
        write_atomic(out / "summary.csv", self.summary)
        write_atomic(out / "points.csv", self.points)
        if report:
            from ..output.sweep_plots import plot_sweep

            plot_sweep(self, out)
        return out


def _fingerprint(
    sc: Scenario, points: list[Point], policies: list[str], reps: int, seed: int
) -> str:
    blob = json.dumps(
        {
            "scenario": scenario_data(sc),
            "points": points,
            "policies": policies,
            "replications": reps,
            "seed": seed,
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


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
    store: Path | None = None,
    force: bool = False,
    progress: bool = False,
) -> SweepResult:
    """Run every design point × policy × replication; return tidy tables.

    ``grid``: ``{path: [values]}`` (a tuple of paths as key, with tuples as values, links
    parameters); ``points``: a list of ``{path: value}``; ``lhs``: ``{path: (low, high)}`` with
    ``samples``. ``store``: a folder where finished points are kept, so a rerun resumes.
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
    point_dir = None
    if store is not None:
        point_dir = _prepare_store(
            Path(store), _fingerprint(sc, design, names, reps, seed), design, force
        )
        for i in range(len(design)):
            f = point_dir / f"point-{i:05d}.csv"
            if f.exists():
                done_rows[i] = _read_point(f)
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
                if point_dir is not None:
                    _write_point(point_dir, i, rows)
                done_rows[i] = rows
    finally:
        bar.close()
    wall = time.perf_counter() - started
    if point_dir is not None:
        # Resumed or not, the tables come from the stored points, so both give the same bytes.
        done_rows = {i: _read_point(point_dir / f"point-{i:05d}.csv") for i in done_rows}
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


def _read_point(path: Path) -> list[dict]:
    return pd.read_csv(path, float_precision="round_trip").to_dict("records")


def _prepare_store(store: Path, fingerprint: str, design: list[Point], force: bool) -> Path:
    point_dir = store / "points"
    meta = store / "design.json"
    if meta.exists():
        old = json.loads(meta.read_text())
        if old.get("fingerprint") != fingerprint:
            if not force:
                raise UsageError(
                    f"'{store}' holds a sweep with other settings (scenario, design, policies, "
                    "replications or seed); use --force to start it afresh or --out elsewhere"
                )
            for f in point_dir.glob("point-*.csv"):
                f.unlink()
    point_dir.mkdir(parents=True, exist_ok=True)
    from ..output.files import write_atomic

    write_atomic(
        meta, json.dumps({"fingerprint": fingerprint, "points": design}, indent=2, default=str)
    )
    return point_dir


def _write_point(point_dir: Path, i: int, rows: list[dict]) -> None:
    from ..output.files import write_atomic

    write_atomic(point_dir / f"point-{i:05d}.csv", pd.DataFrame(rows))
