"""The worst plausible disruption: an adversarial search, per policy, within a budget.

The budget (:class:`Budget`) says how many elements may fail together (k), the window of start
days, the longest duration, and optionally a plausibility floor: only combinations whose chance
under the scenario's own random disruptions (:func:`simulator.experiment.failures.
element_probability`, multiplied over the elements, as if independent) is at least the floor;
a floor also caps each combination's duration at the longest one that stays above it.

The search, for each policy, maximises the lost value (unmet demand over the run minus the
no-failure baseline's, × the unit value; a paired difference on common random numbers, so any
two candidates are compared on the same demand and calendar):

1. *screen* — every single element, at its longest duration, from ``starts`` evenly spaced days;
2. *greedy* — grow the worst set one element at a time (up to k), trying the ``beam`` elements
   that screened worst, at the set's best start;
3. *swap* — local search: replace one element of the set by another of the beam while that
   helps (k ≥ 2);
4. *timing* — :func:`scipy.optimize.differential_evolution` over (start day, duration) in whole
   days for the ``refine`` worst sets, each generation evaluated as one batch of tasks.

Everything is seeded (the scenario's seed for the simulations, ``search_seed`` for the
differential evolution), so the same command finds the same candidates in the same order; each
evaluated candidate is kept in a :class:`~simulator.experiment.sweep.PointStore` under its
evaluation index, so an interrupted search rerun with the same settings reuses what it has.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import differential_evolution

from ..analysis.statistics import t_interval
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
    element_probability,
    elements,
    try_failure_scenario,
)
from .parameters import scenario_data
from .sweep import PointStore


@dataclass(frozen=True)
class Budget:
    """What the adversary may do: ``k`` elements failing together, from a start day in
    [``start_low``, ``start_high``], for ``min_duration``–``max_duration`` days, each combination
    at least ``min_probability`` likely under the scenario's own disruptions (0: any)."""

    k: int = 1
    max_duration: float = 60.0
    min_duration: float = 1.0
    start_low: float | None = None
    start_high: float | None = None
    min_probability: float = 0.0

    def window(self, sc: Scenario) -> tuple[int, int]:
        """The whole start days allowed (default: after the warm-up, so the longest failure and
        its recovery hold fit inside the horizon)."""
        lo = sc.warmup_days if self.start_low is None else self.start_low
        hi = (
            sc.horizon_days - self.max_duration - sc.recovery_hold_days
            if self.start_high is None
            else self.start_high
        )
        lo, hi = math.ceil(lo), math.floor(hi)
        if lo < sc.warmup_days or hi >= sc.horizon_days or hi < lo:
            raise UsageError(
                f"--budget: the start window [{lo}, {hi}] must lie inside the scored window "
                f"[{sc.warmup_days}, {sc.horizon_days}) with room for a {self.max_duration:g}-day "
                "failure; set start=LOW:HIGH or a smaller max_duration"
            )
        return lo, hi


_BUDGET_KEYS = ("k", "max_duration", "min_duration", "start", "min_probability")


def parse_budget(text: str) -> Budget:
    """``k=2,max_duration=60,start=100:400,min_probability=0.01`` → a :class:`Budget`."""
    values: dict[str, Any] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or key not in _BUDGET_KEYS:
            raise UsageError(
                f"--budget '{part}': write KEY=VALUE with KEY one of {', '.join(_BUDGET_KEYS)}, "
                "e.g. --budget k=2,max_duration=60"
            )
        try:
            if key == "start":
                lo, hi = value.split(":")
                values["start_low"], values["start_high"] = float(lo), float(hi)
            elif key == "k":
                values["k"] = int(value)
            else:
                values[key] = float(value)
        except ValueError:
            hint = "LOW:HIGH days" if key == "start" else "a number"
            raise UsageError(f"--budget {key}='{value}': write {hint}") from None
    b = Budget(**values)
    if b.k < 1:
        raise UsageError("--budget k must be at least 1 (the number of elements failing together)")
    if not (0 < b.min_duration <= b.max_duration):
        raise UsageError("--budget: need 0 < min_duration <= max_duration (days)")
    if not (0 <= b.min_probability < 1):
        raise UsageError("--budget min_probability must be in [0, 1), e.g. 0.01")
    return b


@dataclass(frozen=True)
class SearchSettings:
    """How hard to search: screening start days, beam width, sets refined and the differential
    evolution's population factor and generations, and its seed."""

    starts: int = 3
    beam: int = 6
    refine: int = 1
    popsize: int = 4
    generations: int = 4
    search_seed: int = 0


@dataclass
class WorstCaseResult:
    """Every candidate evaluated and, per policy, the ``top`` worst found; written by
    :func:`simulator.output.worst_case_folder.write_worst_case`."""

    scenario: Scenario
    seed: int
    budget: Budget
    settings: SearchSettings
    effect: dict[str, Any]
    keep_disruptions: bool
    policies: list[str]
    evaluations: pd.DataFrame  # policy, order, phase, elements, start, duration, loss ± ...
    top: pd.DataFrame  # policy, rank, the same columns
    failures: dict[tuple[str, int], Failure] = field(default_factory=dict)  # (policy, rank)
    wall_seconds: float = 0.0
    computed: int = 0


class _Search:
    """One policy's search state: the cache of evaluated candidates and their scores."""

    def __init__(self, owner: _Shared, policy: str) -> None:
        self.o, self.policy = owner, policy
        self.scores: dict[Failure, dict] = {}
        self.log: list[dict] = []

    def evaluate(self, cands: list[Failure], phase: str) -> list[float]:
        """Lost value (mean) of each candidate, evaluated together in one batch."""
        o = self.o
        todo: dict[int, Scenario] = {}
        ids: list[int] = []
        for f in cands:
            if f in self.scores:
                ids.append(self.scores[f]["_id"])
                continue
            i = o.point_of(self.policy, f)
            ids.append(i)
            if i not in o.runner.cache:
                sc, why = try_failure_scenario(o.sc, f, o.effect, o.keep)
                if sc is None:  # pragma: no cover - elements are screened for the effect
                    raise UsageError(f"{f.label}: {why}")
                todo[i] = sc
        o.runner.run(todo)
        out = []
        for f, i in zip(cands, ids, strict=True):
            if f not in self.scores:
                s = self._score(o.runner.rows(i))
                s.update({"_id": i, "phase": phase, "probability": o.probability(f)})
                self.scores[f] = s
                self.log.append({"failure": f, **s})
            out.append(self.scores[f]["lost_value"])
        return out

    def _score(self, rows: list[dict]) -> dict:
        base = self.o.baseline_unmet(self.policy)
        r = pd.DataFrame(rows).sort_values("replication")
        lost = r["unmet_demand"].to_numpy(float) - base
        s = t_interval(lost * self.o.sc.product.unit_value)
        u = t_interval(lost)
        return {
            "lost_value": s["mean"],
            "lost_value_low": s["ci_low"],
            "lost_value_high": s["ci_high"],
            "lost_units": u["mean"],
            "fill_rate": float(r["fill_rate"].mean()),
            "p_shortage": float(r["shortage"].mean()),
        }


class _Shared:
    """What every policy's search shares: the scenario, the runner and the point numbering."""

    def __init__(self, sc, effect, keep, budget, runner_args, store):
        self.sc, self.effect, self.keep, self.budget = sc, effect, keep, budget
        self.store = store
        self.runner_args = runner_args
        self.runners: dict[str, CaseRunner] = {}
        self.points: dict[tuple[str, Failure | None], int] = {}
        self.labels: list[dict] = []
        self._prob: dict[tuple[Element, float], float] = {}
        self.runner: CaseRunner

    def use(self, policy: str) -> None:
        if policy not in self.runners:
            self.runners[policy] = CaseRunner([policy], *self.runner_args, self.store, self.bar)
        self.runner = self.runners[policy]

    def point_of(self, policy: str, f: Failure | None) -> int:
        key = (policy, f)
        if key not in self.points:
            self.points[key] = len(self.points)
            self.labels.append({"policy": policy, "failure": f.label if f else "(none)"})
        return self.points[key]

    def baseline_unmet(self, policy: str) -> np.ndarray:
        i = self.point_of(policy, None)
        self.runner.run({i: baseline_scenario(self.sc, self.keep)})
        rows = sorted(self.runner.rows(i), key=lambda r: r["replication"])
        return np.array([r["unmet_demand"] for r in rows], dtype=float)

    def element_p(self, e: Element, d: float) -> float:
        if (e, d) not in self._prob:
            self._prob[(e, d)] = element_probability(self.sc, e, d)
        return self._prob[(e, d)]

    def probability(self, f: Failure) -> float:
        return float(np.prod([self.element_p(e, f.duration_days) for e in f.elements]))

    def longest(self, els: tuple[Element, ...]) -> int | None:
        """The longest whole duration within the budget whose plausibility is above the floor
        (None: not even the shortest)."""
        b = self.budget
        lo, hi = math.ceil(b.min_duration), math.floor(b.max_duration)

        def ok(d: float) -> bool:
            floor = b.min_probability
            return floor <= 0 or self.probability(Failure(els, 0, d)) >= floor

        if not ok(lo):
            return None
        while lo < hi:  # plausibility falls with the duration: bisect
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if ok(mid) else (lo, mid - 1)
        return lo


def worst_case(
    scenario: Scenario,
    budget: Budget,
    kinds: list[ElementKind],
    effect: dict[str, Any] | None = None,
    keep_disruptions: bool = False,
    top: int = 3,
    settings: SearchSettings | None = None,
    policies: list[str] | None = None,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    store: PointStore | None = None,
    force: bool = False,
    progress: bool = False,
) -> WorstCaseResult:
    """Search, per policy, for the ``top`` most damaging failures within ``budget``."""
    sc = scenario
    names = check_policies(sc, policies)
    effect = dict(effect or {"closed": True})
    settings = settings or SearchSettings()
    reps = int(replications or sc.replications)
    if reps < 2:
        raise UsageError("--replications must be at least 2 for intervals")
    if top < 1:
        raise UsageError("--top must be at least 1")
    seed = sc.seed if seed is None else int(seed)
    jobs = default_jobs() if jobs is None else int(jobs)
    lo, hi = budget.window(sc)
    starts = sorted({round(x) for x in np.linspace(lo, hi, max(1, settings.starts) + 2)[1:-1]})
    starts = starts or [lo]
    if store is not None:
        blob = json.dumps(
            {
                "scenario": scenario_data(sc),
                "budget": asdict(budget),
                "settings": asdict(settings),
                "kinds": [k.value for k in kinds],
                "effect": effect,
                "keep": keep_disruptions,
                "policies": names,
                "replications": reps,
                "seed": seed,
            },
            sort_keys=True,
            default=str,
        )
        store.prepare(hashlib.sha256(blob.encode()).hexdigest(), [{"policies": names}], force)
    shared = _Shared(
        sc, effect, keep_disruptions, budget, (reps, seed, jobs, executor, scheduler), store
    )
    # The elements the effect can act on, and (with a floor) that are plausible at all.
    candidates: list[tuple[Element, int]] = []
    for e in elements(sc, kinds):
        ok, _ = try_failure_scenario(
            sc, Failure((e,), lo, budget.min_duration), effect, keep_disruptions
        )
        d = shared.longest((e,)) if ok is not None else None
        if d is not None:
            candidates.append((e, d))
    if not candidates:
        floor = (
            f" above the plausibility floor {budget.min_probability:g}"
            if budget.min_probability
            else ""
        )
        raise UsageError(
            f"no element of the kinds {', '.join(k.value for k in kinds)} can fail{floor}: "
            "choose other --elements or lower min_probability"
        )
    bar = progress_bar(0, progress, f"{sc.name} worst-case")
    shared.bar = bar
    started = time.perf_counter()
    logs, tops, failures = [], [], {}
    try:
        for policy in names:
            shared.use(policy)
            s = _Search(shared, policy)
            _search(s, candidates, budget, settings, starts, (lo, hi))
            for order, entry in enumerate(s.log):
                f: Failure = entry["failure"]
                logs.append(_row(policy, f, entry, order))
            best = _distinct_sets(s, top)
            for rank, f in enumerate(best, 1):
                tops.append({"rank": rank, **_row(policy, f, s.scores[f], None)})
                failures[(policy, rank)] = f
    finally:
        bar.close()
    wall = time.perf_counter() - started
    evaluations = pd.DataFrame(logs)
    top_table = pd.DataFrame(tops)
    cols = ["policy", "rank"] + [c for c in top_table.columns if c not in ("policy", "rank")]
    computed = sum(r.computed for r in shared.runners.values())
    return WorstCaseResult(
        sc,
        seed,
        budget,
        settings,
        effect,
        keep_disruptions,
        names,
        evaluations,
        top_table[cols].drop(columns=["order"]),
        failures,
        wall,
        computed,
    )


def _row(policy: str, f: Failure, s: dict, order: int | None) -> dict:
    return {
        "policy": policy,
        "order": order,
        "phase": s["phase"],
        "elements": f.label,
        "k": len(f.elements),
        "start_day": f.start_day,
        "duration_days": f.duration_days,
        "probability": s["probability"],
        **{k: v for k, v in s.items() if k not in ("phase", "probability", "_id", "failure")},
    }


def _distinct_sets(s: _Search, top: int) -> list[Failure]:
    """The ``top`` worst candidates with distinct element sets (each set at its worst timing)."""
    best: dict[tuple[Element, ...], Failure] = {}
    for f, sc in s.scores.items():
        cur = best.get(f.elements)
        if cur is None or sc["lost_value"] > s.scores[cur]["lost_value"]:
            best[f.elements] = f
    ranked = sorted(best.values(), key=lambda f: (-s.scores[f]["lost_value"], f.label))
    return ranked[:top]


def _search(
    s: _Search,
    candidates: list[tuple[Element, int]],
    budget: Budget,
    cfg: SearchSettings,
    starts: list[int],
    window: tuple[int, int],
) -> None:
    o = s.o
    longest = dict(candidates)
    # 1. screen every element alone, at its longest duration, from each start.
    screen = [Failure((e,), float(t), float(d)) for e, d in candidates for t in starts]
    values = s.evaluate(screen, "screen")
    score: dict[Element, float] = {}
    for f, v in zip(screen, values, strict=True):
        score[f.elements[0]] = max(score.get(f.elements[0], -math.inf), v)
    ranked = sorted(score, key=lambda e: (-score[e], e.label))
    beam = ranked[: max(1, cfg.beam)]
    best = max(screen, key=lambda f: (s.scores[f]["lost_value"], -len(f.label)))

    def at(els: tuple[Element, ...], start: float) -> Failure | None:
        els = tuple(sorted(set(els)))
        d = o.longest(els) if len(els) > 1 else longest.get(els[0])
        return None if d is None else Failure(els, start, float(d))

    # 2. greedy: add the element that hurts most, at the current best start.
    while len(best.elements) < budget.k:
        trial = [at((*best.elements, e), best.start_day) for e in beam if e not in best.elements]
        trial = [f for f in trial if f is not None]
        if not trial:
            break
        vals = s.evaluate(trial, "greedy")
        best = max(zip(vals, trial, strict=True), key=lambda x: (x[0], -len(x[1].label)))[1]
    # 3. swap: replace one element by another of the beam while that helps.
    for _ in range(3 if len(best.elements) > 1 else 0):
        trial = []
        for out in best.elements:
            rest = tuple(e for e in best.elements if e != out)
            trial += [at((*rest, e), best.start_day) for e in beam if e not in best.elements]
        trial = [f for f in dict.fromkeys(trial) if f is not None]
        if not trial:
            break
        vals = s.evaluate(trial, "swap")
        v, f = max(zip(vals, trial, strict=True), key=lambda x: (x[0], -len(x[1].label)))
        if v <= s.scores[best]["lost_value"]:
            break
        best = f
    # 4. timing: differential evolution over (start, duration) for the worst sets.
    for f in _distinct_sets(s, max(1, cfg.refine)):
        dmax = o.longest(f.elements) if len(f.elements) > 1 else longest[f.elements[0]]
        _refine_timing(s, f.elements, window, (math.ceil(budget.min_duration), dmax), cfg)


def _refine_timing(
    s: _Search,
    els: tuple[Element, ...],
    window: tuple[int, int],
    durations: tuple[int, int],
    cfg: SearchSettings,
) -> None:
    """Differential evolution over (start day, duration) in whole days; each generation is one
    batch of tasks (``workers`` = a map that evaluates a whole population at once)."""
    lo_s, hi_s = window
    lo_d, hi_d = durations
    if lo_s == hi_s and lo_d == hi_d:
        return

    def failure(x) -> Failure:
        return Failure(els, float(round(x[0])), float(round(x[1])))

    def batch_map(_func, population) -> list[float]:
        return [-v for v in s.evaluate([failure(x) for x in population], "timing")]

    bounds = [(lo_s, max(hi_s, lo_s + 1e-9)), (lo_d, max(hi_d, lo_d + 1e-9))]
    differential_evolution(
        lambda x: 0.0,  # never called: batch_map evaluates every population
        bounds,
        integrality=[True, True],
        popsize=max(2, cfg.popsize),
        maxiter=max(1, cfg.generations),
        seed=cfg.search_seed,
        polish=False,
        updating="deferred",
        workers=batch_map,
        tol=0.0,
        init="latinhypercube",
    )
