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

from ..errors import UsageError, shorten

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


def parse_value(text: str, flag: str = "--set", option: str | None = None) -> Any:
    """A command-line value as YAML would read it (3 → int, 0.5 → float, true → bool), under the
    scenario files' limits (no tags, bounded nesting); a bad value raises UsageError naming
    ``flag`` and the ``option`` it came from."""
    from ..scenario.source import parse_value as parse_yaml

    if not text.strip():
        return text
    try:
        return parse_yaml(text)
    except ValueError as exc:
        shown = shorten(option if option is not None else text, 80)
        raise UsageError(f"{flag} '{shown}': {exc}") from None


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
        values.append(tuple(parse_value(x, "--grid", option) for x in parts))
    return Axis(paths, tuple(values))


def parse_lhs_option(option: str) -> tuple[str, tuple[float, float]]:
    """``PATH=LOW:HIGH``."""
    try:
        path, rng = option.split("=", 1)
        lo, hi = (float(x) for x in rng.split(":"))
    except ValueError:
        raise UsageError(f"--lhs '{shorten(option)}': write PATH=LOW:HIGH") from None
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi < lo:
        raise UsageError(
            f"--lhs '{shorten(option)}': LOW and HIGH must be finite numbers with LOW <= HIGH"
        )
    return path.strip(), (lo, hi)


def load_design(path: Path, seed: int) -> tuple[list[Point], dict[str, Any]]:
    """Read a design file (see :func:`_design`); a value of the wrong kind is a UsageError."""
    try:
        return _design(path, seed)
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as exc:
        raise UsageError(
            f"{shorten(path, 200)}: a value of the design has the wrong form ({shorten(exc)}); "
            "see `diversim sweep --help` and docs for the design file format"
        ) from None


def _design(path: Path, seed: int) -> tuple[list[Point], dict[str, Any]]:
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
    from ..scenario.source import read_yaml_file

    spec = read_yaml_file(Path(path))
    if not isinstance(spec, dict):
        raise UsageError(f"{path}: a design file must be a mapping with 'design:'")
    kind = spec.get("design", "grid")
    options = {k: spec[k] for k in ("replications", "seed", "policies") if k in spec}
    for key, low, high in (("replications", 1, 1_000_000), ("seed", 0, 2**63 - 1)):
        v = options.get(key)
        if v is not None and (
            isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high
        ):
            raise UsageError(f"{path}: {key} must be a whole number from {low} to {high}")
    pol = options.get("policies")
    if pol is not None and (not isinstance(pol, list) or not all(isinstance(x, str) for x in pol)):
        raise UsageError(f"{path}: policies must be a list of policy names")
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
