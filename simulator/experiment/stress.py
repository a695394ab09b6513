"""The n−1 stress test: every element fails alone, for each duration, under every policy.

For each element of the chosen kinds (:mod:`.failures`) and each duration, the element fails
(closed, or the effect given) from a start day — a fixed day (default: the end of the warm-up)
or each of a few start days drawn at random — with no other disruption unless they are kept.
One more case, nothing failing, is the baseline every case is paired with: each replication of
each case sees the same demand and calendar as that replication of the baseline (common random
numbers), so the failure's lost units are a paired difference. The figures per element ×
duration × policy come from :func:`simulator.analysis.stress.summarize_stress`.

Finished cases are kept in a :class:`~simulator.experiment.sweep.PointStore` (case index = point),
so an interrupted stress test rerun with the same settings computes only what is missing.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.stress import summarize_stress
from ..errors import UsageError
from ..scenario.schema import Scenario
from .cases import CaseRunner
from .common import check_policies, progress_bar
from .executors import default_jobs
from .failures import (
    Element,
    ElementKind,
    Failure,
    baseline_scenario,
    elements,
    own_mean_duration,
    try_failure_scenario,
)
from .parameters import scenario_data
from .sweep import PointStore


@dataclass
class StressResult:
    """The stress test's tables (pandas DataFrames); written by
    :func:`simulator.output.stress_folder.write_stress`."""

    scenario: Scenario
    seed: int
    policies: list[str]
    durations: list[float]
    starts: list[float]
    effect: dict[str, Any]
    cases: pd.DataFrame  # case, element, kind, duration_days, start_day (case 0: baseline)
    rows: pd.DataFrame  # case × policy × replication: figures (see cases.failure_row)
    table: pd.DataFrame  # element × duration × policy: figures with intervals, rank, flags
    skipped: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0
    computed: int = 0


def parse_durations(text: str | list[float] | None) -> list[float]:
    """``30,90`` → [30.0, 90.0] (default [30, 90]); each must be > 0."""
    if text is None:
        return [30.0, 90.0]
    raw = text.split(",") if isinstance(text, str) else list(text)
    try:
        out = [float(x) for x in raw if str(x).strip()]
    except ValueError:
        raise UsageError(
            f"--duration '{text}': write days separated by commas, e.g. 30,90"
        ) from None
    if not out or any(not (d > 0 and math.isfinite(d)) for d in out):
        raise UsageError(f"--duration '{text}': every duration must be a number of days > 0")
    return list(dict.fromkeys(out))


def start_days(
    sc: Scenario, durations: list[float], start_day: float | None, random_starts: int, seed: int
) -> list[float]:
    """The start days of every failure: ``start_day`` (default: the end of the warm-up), or
    ``random_starts`` whole days drawn uniformly (seeded) so the longest failure and its
    recovery hold fit inside the horizon."""
    last = sc.horizon_days - max(durations) - sc.recovery_hold_days
    if random_starts:
        if start_day is not None:
            raise UsageError("give either --start-day or --random-starts, not both")
        if last <= sc.warmup_days:
            raise UsageError(
                f"--random-starts: the horizon ({sc.horizon_days} days) leaves no room after the "
                f"warm-up ({sc.warmup_days}) for a {max(durations):g}-day failure and its "
                f"{sc.recovery_hold_days}-day recovery hold; shorten --duration"
            )
        rng = np.random.default_rng([seed, 0x57E55])
        days = rng.integers(sc.warmup_days, int(last) + 1, size=int(random_starts))
        return [float(d) for d in sorted(days)]
    s = float(sc.warmup_days if start_day is None else start_day)
    if not (sc.warmup_days <= s < sc.horizon_days):
        raise UsageError(
            f"--start-day {s:g}: must be inside the scored window [{sc.warmup_days}, "
            f"{sc.horizon_days}) (warm-up to horizon)"
        )
    return [s]


def stress_test(
    scenario: Scenario,
    kinds: list[ElementKind],
    durations: list[float] | None = None,
    effect: dict[str, Any] | None = None,
    start_day: float | None = None,
    random_starts: int = 0,
    keep_disruptions: bool = False,
    policies: list[str] | None = None,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    store: PointStore | None = None,
    force: bool = False,
    progress: bool = False,
    only: list[Element] | None = None,
) -> StressResult:
    """Fail every element of ``kinds`` (or just ``only``) alone, for each duration; return the
    tables. ``effect`` defaults to closed."""
    sc = scenario
    names = check_policies(sc, policies)
    durations = parse_durations(durations)
    effect = dict(effect or {"closed": True})
    reps = int(replications or sc.replications)
    if reps < 2:
        raise UsageError("--replications must be at least 2 for intervals")
    seed = sc.seed if seed is None else int(seed)
    jobs = default_jobs() if jobs is None else int(jobs)
    starts = start_days(sc, durations, start_day, random_starts, seed)
    chosen = list(only) if only else elements(sc, kinds)
    if not chosen:
        raise UsageError(
            f"the scenario has no elements of the kinds {', '.join(k.value for k in kinds)}"
        )

    # Build and validate every case before any simulation starts.
    cases: dict[int, Scenario] = {0: baseline_scenario(sc, keep_disruptions)}
    meta: list[dict] = [
        {"case": 0, "element": "(none)", "kind": "", "duration_days": 0.0, "start_day": math.nan}
    ]
    skipped: list[str] = []
    for el in chosen:
        probe, why = try_failure_scenario(
            sc, Failure((el,), starts[0], durations[0]), effect, keep_disruptions
        )
        if probe is None:
            skipped.append(f"{el.label}: {why}")
            continue
        for d in durations:
            for s in starts:
                i = len(meta)
                case_sc, why = try_failure_scenario(
                    sc, Failure((el,), s, d), effect, keep_disruptions
                )
                if case_sc is None:  # pragma: no cover - the probe already validated the effect
                    skipped.append(f"{el.label} for {d:g} days: {why}")
                    continue
                cases[i] = case_sc
                meta.append(
                    {
                        "case": i,
                        "element": el.label,
                        "kind": el.kind.value,
                        "duration_days": d,
                        "start_day": s,
                        "own_duration_days": own_mean_duration(sc, el),
                    }
                )
    if len(meta) == 1:
        raise UsageError(
            "no element can take the effect " + json.dumps(effect) + ": " + "; ".join(skipped[:3])
        )
    if store is not None:
        blob = json.dumps(
            {
                "scenario": scenario_data(sc),
                "cases": meta,
                "effect": effect,
                "keep": keep_disruptions,
                "policies": names,
                "replications": reps,
                "seed": seed,
            },
            sort_keys=True,
            default=str,
        )
        store.prepare(hashlib.sha256(blob.encode()).hexdigest(), meta, force)
    bar = progress_bar(0, progress, f"{sc.name} stress")
    runner = CaseRunner(names, reps, seed, jobs, executor, scheduler, store, bar)
    started = time.perf_counter()
    try:
        runner.run(cases)
    finally:
        bar.close()
    wall = time.perf_counter() - started
    rows = pd.DataFrame([r for i in sorted(cases) for r in runner.rows(i)])
    case_table = pd.DataFrame(meta)
    table = summarize_stress(rows, case_table, names, unit_value=sc.product.unit_value)
    return StressResult(
        sc,
        seed,
        names,
        durations,
        starts,
        effect,
        case_table,
        rows,
        table,
        skipped,
        wall,
        runner.computed,
    )
