"""Sweep designs: full grid, explicit points, Latin hypercube samples (scipy.stats.qmc).

A design is a list of points; each point maps parameter paths to values. Linked parameters
(several paths that must move together, such as shares that must still sum to 1) form one axis.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from ..errors import UsageError

Point = dict[str, Any]


@dataclass(frozen=True)
class Axis:
    """One grid axis: one path, or several linked paths, and the values they take together."""

    paths: tuple[str, ...]
    values: tuple[tuple[Any, ...], ...]


def grid(axes: list[Axis]) -> list[Point]:
    """Every combination of the axes' values (the last axis varies fastest)."""
    if not axes:
        raise UsageError("a grid needs at least one parameter")
    points = []
    for combo in itertools.product(*(a.values for a in axes)):
        point: Point = {}
        for axis, vals in zip(axes, combo, strict=True):
            point.update(zip(axis.paths, vals, strict=True))
        points.append(point)
    return points


def latin_hypercube(
    ranges: dict[str, tuple[float, float]],
    samples: int,
    seed: int,
    integer: frozenset[str] = frozenset(),
) -> list[Point]:
    """``samples`` points spread over the ranges by a scrambled Latin hypercube (seeded)."""
    from scipy.stats import qmc

    if samples < 1:
        raise UsageError("an LHS design needs at least one sample")
    if not ranges:
        raise UsageError("an LHS design needs at least one range")
    for path, (lo, hi) in ranges.items():
        if not (math.isfinite(lo) and math.isfinite(hi)) or hi < lo:
            raise UsageError(f"--lhs {path}: the range must be LOW:HIGH with LOW <= HIGH")
    paths = list(ranges)
    unit = qmc.LatinHypercube(d=len(paths), seed=seed).random(samples)
    lows = [ranges[p][0] for p in paths]
    highs = [ranges[p][1] for p in paths]
    scaled = (
        qmc.scale(unit, lows, highs)
        if any(h > lo for lo, h in zip(lows, highs, strict=True))
        else unit * 0 + lows
    )
    points = []
    for row in scaled:
        pt: Point = {}
        for p, v in zip(paths, row, strict=True):
            pt[p] = int(np.rint(v)) if p in integer else float(v)
        points.append(pt)
    return points


def parse_value(text: str) -> Any:
    """A command-line value as YAML would read it (3 → int, 0.5 → float, true → bool)."""
    return yaml.safe_load(text) if text.strip() else text


def parse_grid_option(option: str) -> Axis:
    """``PATH=V1,V2,...`` or linked ``P1,P2=a:b,c:d`` (values of linked paths joined by ':')."""
    if "=" not in option:
        raise UsageError(
            f"--grid '{option}': write PATH=V1,V2,... (e.g. "
            "disruptions.suez.timing.duration_days=3,6,12)"
        )
    lhs, rhs = option.split("=", 1)
    paths = tuple(p.strip() for p in lhs.split(",") if p.strip())
    raw = [v for v in rhs.split(",") if v.strip()]
    if not paths or not raw:
        raise UsageError(f"--grid '{option}': need a path and at least one value")
    values = []
    for v in raw:
        parts = v.split(":") if len(paths) > 1 else [v]
        if len(parts) != len(paths):
            raise UsageError(
                f"--grid '{option}': value '{v}' must give {len(paths)} values "
                "joined by ':' (one per linked path)"
            )
        values.append(tuple(parse_value(x) for x in parts))
    return Axis(paths, tuple(values))


def parse_lhs_option(option: str) -> tuple[str, tuple[float, float]]:
    """``PATH=LOW:HIGH``."""
    try:
        path, rng = option.split("=", 1)
        lo, hi = (float(x) for x in rng.split(":"))
    except ValueError:
        raise UsageError(f"--lhs '{option}': write PATH=LOW:HIGH") from None
    return path.strip(), (lo, hi)


def load_design(path: Path, seed: int) -> tuple[list[Point], dict[str, Any]]:
    """Read a design file; return its points and its run options (replications, seed, …).

    ::

        design: grid                     # grid | points | lhs
        parameters:                      # grid: one entry per axis
          - path: disruptions.suez.timing.duration_days
            values: [3, 6, 12]
          - paths: [sourcing.div.shares.cn, sourcing.div.shares.vn]   # linked
            values: [[0.5, 0.5], [0.7, 0.3]]
        points:                          # points: each a mapping path -> value
          - {nodes.dc.inventory.order_up_to_days_of_cover: 30}
        lhs: {samples: 20, ranges: {PATH: [LOW, HIGH]}, integer: [PATH]}
        replications: 10                 # optional run options
    """
    try:
        spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"design file '{path}' not found") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"{path}: malformed YAML: {exc}") from None
    if not isinstance(spec, dict):
        raise UsageError(f"{path}: a design file must be a mapping with 'design:'")
    kind = spec.get("design", "grid")
    options = {k: spec[k] for k in ("replications", "seed", "policies") if k in spec}
    if kind == "grid":
        axes = []
        for i, entry in enumerate(spec.get("parameters") or []):
            if not isinstance(entry, dict) or "values" not in entry:
                raise UsageError(f"{path}: parameters.{i} needs 'path' (or 'paths') and 'values'")
            paths = tuple(entry["paths"]) if "paths" in entry else (entry.get("path"),)
            if any(not isinstance(p, str) for p in paths):
                raise UsageError(f"{path}: parameters.{i}.path must be a dotted path")
            vals = []
            for v in entry["values"]:
                v = tuple(v) if len(paths) > 1 else (v,)
                if len(v) != len(paths):
                    raise UsageError(
                        f"{path}: parameters.{i}.values: each value must list "
                        f"{len(paths)} items (one per linked path)"
                    )
                vals.append(v)
            axes.append(Axis(paths, tuple(vals)))
        return grid(axes), options
    if kind == "points":
        pts = spec.get("points")
        if not isinstance(pts, list) or not all(isinstance(p, dict) for p in pts) or not pts:
            raise UsageError(f"{path}: 'points' must be a non-empty list of path: value mappings")
        return [dict(p) for p in pts], options
    if kind == "lhs":
        lhs = spec.get("lhs") or {}
        ranges = {k: (float(v[0]), float(v[1])) for k, v in (lhs.get("ranges") or {}).items()}
        return latin_hypercube(
            ranges,
            int(lhs.get("samples", 10)),
            int(spec.get("seed", seed)),
            frozenset(lhs.get("integer") or []),
        ), options
    raise UsageError(f"{path}: design must be grid, points or lhs (got '{kind}')")
