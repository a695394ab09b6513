"""Global sensitivity of one figure to scenario parameters (Morris screening or Sobol indices).

Parameters are dotted scenario paths with a range (the sweep's path syntax, ``PATH=LOW:HIGH``).
SALib draws the design (Morris trajectories, or Saltelli's scheme for Sobol indices without
second order); every design point runs as a sweep point (:func:`simulator.experiment.sweep.sweep`:
common random numbers, local processes or Dask, resumable, a progress bar); the figure's mean over
the replications of each point and policy goes to :mod:`simulator.analysis.sensitivity`.

A parameter whose value in the scenario is a whole number (a count of days, an order-up-to level
in units) is rounded to a whole number when set; the indices are computed on the design as drawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.sensitivity import morris_indices, problem, sobol_indices
from ..errors import UsageError
from ..scenario.schema import Scenario
from .common import check_policies
from .parameters import scenario_data
from .sweep import PointStore, sweep

#: Morris grid levels.
LEVELS = 4


class Method(StrEnum):
    MORRIS = "morris"
    SOBOL = "sobol"


@dataclass
class SensitivityResult:
    """The indices per policy × parameter, and the design with the figure's mean per point."""

    scenario: Scenario
    method: Method
    figure: str
    policies: list[str]
    bounds: dict[str, tuple[float, float]]
    indices: pd.DataFrame  # policy, parameter, low, high, method, figure, the indices
    design: pd.DataFrame  # point, parameter values, then the figure's mean per policy
    replications: int
    wall_seconds: float = 0.0
    computed_points: int = 0
    notes: list[str] = field(default_factory=list)


def _value_at(data: dict, path: str) -> Any:
    here: Any = data
    for seg in path.split("."):
        if isinstance(here, list) and seg.isdigit() and int(seg) < len(here):
            here = here[int(seg)]
        elif isinstance(here, dict) and seg in here:
            here = here[seg]
        else:
            return None
    return here


def _salib():
    try:
        from SALib.sample import morris, sobol
    except ImportError:
        raise UsageError(
            "diversim sensitivity needs SALib, in the 'sensitivity' extra: "
            "pip install 'diversim[sensitivity]' (or pip install SALib)"
        ) from None
    return morris, sobol


def sensitivity(
    scenario: Scenario,
    bounds: dict[str, tuple[float, float]],
    method: Method | str = Method.MORRIS,
    figure: str = "fill_rate",
    policies: list[str] | None = None,
    samples: int | None = None,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    store: PointStore | None = None,
    force: bool = False,
    progress: bool = False,
) -> SensitivityResult:
    """Sensitivity indices of ``figure`` to each parameter of ``bounds`` (``{path: (low,
    high)}``), per policy (default: the baseline policy). ``samples``: Morris trajectories
    (default 10) or the Sobol base sample N (a power of 2, default 64)."""
    sc = scenario
    try:
        method = Method(method)
    except ValueError:
        raise UsageError(f"--method '{method}': use morris or sobol") from None
    if not bounds:
        raise UsageError("give at least one --param PATH=LOW:HIGH")
    for path, (lo, hi) in bounds.items():
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise UsageError(f"--param {path}={lo:g}:{hi:g}: need LOW < HIGH")
    names = check_policies(sc, policies or [sc.baseline_policy])
    seed = sc.seed if seed is None else int(seed)
    morris_s, sobol_s = _salib()
    prob = problem(bounds)
    if method is Method.MORRIS:
        n = int(samples or 10)
        if n < 2:
            raise UsageError("--samples: Morris needs at least 2 trajectories")
        x = morris_s.sample(prob, n, num_levels=LEVELS, seed=seed)
    else:
        n = int(samples or 64)
        if n < 2 or n & (n - 1):
            raise UsageError(f"--samples {n}: Sobol needs a power of 2 (e.g. 32, 64, 128)")
        x = sobol_s.sample(prob, n, calc_second_order=False, seed=seed)
    data = scenario_data(sc)
    whole = [
        isinstance(_value_at(data, p), int) and not isinstance(_value_at(data, p), bool)
        for p in bounds
    ]
    points = [
        {
            p: (round(float(v)) if w else float(v))
            for p, v, w in zip(bounds, row, whole, strict=True)
        }
        for row in x
    ]
    res = sweep(
        sc,
        points=points,
        replications=replications,
        seed=seed,
        executor=executor,
        jobs=jobs,
        scheduler=scheduler,
        policies=names,
        store=store,
        force=force,
        progress=progress,
    )
    rows = res.rows
    if figure not in rows.columns:
        known = ", ".join(
            c
            for c in rows.columns
            if c not in ("scenario", "policy", "point", "seed", "replication", *bounds)
        )
        raise UsageError(f"--figure '{figure}': not a figure of a replication (figures: {known})")
    means = rows.groupby(["point", "policy"], sort=True)[figure].mean().unstack("policy")
    design = pd.DataFrame(points)
    design.insert(0, "point", range(len(points)))
    for p in names:
        design[f"{figure}:{p}"] = means[p].to_numpy(float)
    frames, notes = [], []
    for p in names:
        y = means[p].to_numpy(float)
        if not np.isfinite(y).all():
            raise UsageError(f"--figure '{figure}' is undefined at some design points for {p}")
        if np.ptp(y) == 0:
            notes.append(f"{p}: {figure} is the same at every design point; no parameter matters")
        idx = (
            morris_indices(prob, x, y, LEVELS, seed)
            if method is Method.MORRIS
            else sobol_indices(prob, y, seed)
        )
        idx.insert(0, "policy", p)
        idx.insert(2, "low", [bounds[q][0] for q in idx["parameter"]])
        idx.insert(3, "high", [bounds[q][1] for q in idx["parameter"]])
        idx.insert(4, "method", method.value)
        idx.insert(5, "figure", figure)
        frames.append(idx)
    return SensitivityResult(
        sc,
        method,
        figure,
        names,
        dict(bounds),
        pd.concat(frames, ignore_index=True),
        design,
        int(rows["replication"].nunique()),
        res.wall_seconds,
        res.computed_points,
        notes,
    )
