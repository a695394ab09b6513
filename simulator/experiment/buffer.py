"""Buffer sizing by simulation: the smallest stock level that reaches a fill-rate target.

For each policy, the stock level is the order-up-to level S in *days of cover* of mean demand at
every site (the reorder point s of an (s, S) policy, or r of (r, Q), scaled by the same factor;
a site's level in units is days × its mean demand). Service is monotone in S on common random
numbers (every level of one replication sees the same demand and disruptions), so the search
bisects on whole days: from the current level, doubling up until the target is reached (or the
cap), then halving the bracket. The level found is confirmed by its neighbour: it reaches the
target and the level one day below, also evaluated, does not.

A level *reaches* the target when the one-sided lower 95% confidence bound of the mean fill rate
is at least the target (``confidence="lower"``, ``diversim buffer``) or when the mean is
(``confidence="mean"``: matching another policy's fill rate, for the stock-only alternative).

Evaluations are kept in a :class:`~simulator.experiment.sweep.PointStore` (point index = policy ×
level), so an interrupted search rerun with the same settings reuses what it has.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import UsageError
from ..policies.inventory import BaseStock, RQPolicy, SsPolicy
from ..scenario.schema import Scenario
from .common import check_policies, progress_bar, settings_fingerprint
from .executors import default_jobs, run_tasks
from .sweep import PointStore
from .tasks import TaskKey

#: The largest level searched, in days of cover.
MAX_DAYS = 365
#: Figures kept per evaluated replication.
KEPT = ("fill_rate", "cost_per_unit", "landed_cost_per_unit", "on_hand_avg", "cost_holding")


def current_days(sc: Scenario, policy: str) -> float:
    """The policy's order-up-to level now, in days of cover (the mean over its sites)."""
    levels = []
    for sid, site in sc.sites.items():
        spec = ((sc.sourcing[policy].inventory or {}).get(sid)) or site.inventory
        rule = spec.rule(site.demand.mean_per_day)
        top = getattr(rule, "order_up_to", None)
        if top is None:
            top = rule.reorder_point + rule.order_quantity_units
        levels.append(top / site.demand.mean_per_day)
    return float(np.mean(levels))


def scaled_inventory(spec: BaseStock | SsPolicy | RQPolicy, mean: float, days: float):
    """``spec`` with its order-up-to level set to ``days`` of cover of ``mean`` units/day and
    its reorder point scaled by the same factor (levels in units)."""
    rule = spec.rule(mean)
    target = days * mean
    if isinstance(spec, BaseStock):
        return BaseStock(
            kind="base_stock",
            order_up_to=round(target),
            review_period_days=spec.review_period_days,
        )
    if isinstance(spec, SsPolicy):
        factor = target / rule.order_up_to if rule.order_up_to else 0.0
        return SsPolicy(
            kind="s_S",
            reorder_point=round(rule.reorder_point * factor),
            order_up_to=round(target),
            review_period_days=spec.review_period_days,
        )
    top = rule.reorder_point + rule.order_quantity_units
    factor = target / top if top else 0.0
    return RQPolicy(
        kind="r_Q",
        reorder_point=round(rule.reorder_point * factor),
        order_quantity=rule.order_quantity_units,
        review_period_days=spec.review_period_days,
    )


def with_stock(sc: Scenario, policy: str, days: float) -> Scenario:
    """The scenario with ``policy`` holding ``days`` of cover at every site (its own inventory
    override; other policies unchanged)."""
    overrides = {}
    for sid, site in sc.sites.items():
        spec = ((sc.sourcing[policy].inventory or {}).get(sid)) or site.inventory
        overrides[sid] = scaled_inventory(spec, site.demand.mean_per_day, days)
    sourcing = dict(sc.sourcing)
    sourcing[policy] = sc.sourcing[policy].model_copy(update={"inventory": overrides})
    return sc.model_copy(update={"sourcing": sourcing})


def reached(fills: np.ndarray, target: float, confidence: str) -> bool:
    """Whether a level's fill rates reach ``target`` (see the module docstring)."""
    x = np.asarray(fills, dtype=float)
    if confidence == "mean":
        return bool(x.mean() >= target - 1e-12)
    if len(x) < 2 or x.std(ddof=1) == 0:
        return bool(x.mean() >= target - 1e-12)
    bound = x.mean() - stats.t.ppf(0.95, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x))
    return bool(bound >= target - 1e-12)


@dataclass
class BufferResult:
    """Every level evaluated and, per policy, the smallest level that reaches the target."""

    scenario: Scenario
    target: float
    confidence: str
    evaluations: pd.DataFrame  # policy × days × replication: the KEPT figures
    levels: pd.DataFrame  # one row per policy: days (NaN: not reachable), figures at it
    computed: int = 0
    notes: list[str] = field(default_factory=list)


class _Evaluator:
    """Runs (policy, days) levels through the executors; remembers and stores what it ran."""

    def __init__(self, sc, policies, reps, seed, jobs, executor, scheduler, store, bar):
        self.sc, self.reps, self.seed = sc, reps, seed
        self.jobs, self.executor, self.scheduler = jobs, executor, scheduler
        self.index = {p: k for k, p in enumerate(policies)}
        self.store, self.bar = store, bar
        self.cache: dict[tuple[str, int], list[dict]] = {}
        self.computed = 0

    def point(self, policy: str, days: int) -> int:
        return self.index[policy] * (MAX_DAYS + 1) + days

    def rows(self, todo: list[tuple[str, int]]) -> None:
        """Evaluate the (policy, days) levels not known yet, all in one batch of tasks."""
        missing = []
        for policy, days in dict.fromkeys(todo):
            if (policy, days) in self.cache:
                continue
            stored = self.store.load(self.point(policy, days)) if self.store else None
            if stored is not None:
                self.cache[(policy, days)] = stored
            else:
                missing.append((policy, days))
        if not missing:
            return
        scenarios = {self.point(p, d): with_stock(self.sc, p, d) for p, d in missing}
        keys = [TaskKey(p, r, self.point(p, d)) for p, d in missing for r in range(self.reps)]
        self.bar.total = (self.bar.total or 0) + len(keys)
        self.bar.refresh()
        got: dict[int, list[dict]] = {i: [] for i in scenarios}
        for out in run_tasks(scenarios, keys, self.seed, self.jobs, self.executor, self.scheduler):
            row = {"policy": out.key.policy, "replication": out.key.replication}
            row.update({k: out.figures[k] for k in KEPT})
            got[out.key.point].append(row)
            self.bar.update(1)
        for (policy, days), i in zip(missing, [self.point(p, d) for p, d in missing], strict=True):
            rows = sorted(got[i], key=lambda r: r["replication"])
            for r in rows:
                r["days"] = days
            self.cache[(policy, days)] = rows
            if self.store is not None:
                self.store.save(i, rows)
            self.computed += 1

    def fills(self, policy: str, days: int) -> np.ndarray:
        return np.array([r["fill_rate"] for r in self.cache[(policy, days)]], dtype=float)


def size_buffers(
    scenario: Scenario,
    target_fill: float | dict[str, float],
    policies: list[str] | None = None,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    store: PointStore | None = None,
    force: bool = False,
    progress: bool = False,
    confidence: str = "lower",
) -> BufferResult:
    """For each policy, the smallest whole number of days of cover whose fill rate reaches
    ``target_fill`` (one target for all, or one per policy), and the costs at that level."""
    sc = scenario
    names = check_policies(sc, policies)
    targets = (
        {p: float(target_fill) for p in names}
        if not isinstance(target_fill, dict)
        else {p: float(target_fill[p]) for p in names}
    )
    for t in targets.values():
        if not 0 < t <= 1:
            raise UsageError(f"--target-fill must be in (0, 1], got {t:g} (e.g. 0.98 for 98%)")
    if confidence not in ("lower", "mean"):
        raise UsageError("confidence must be 'lower' or 'mean'")
    reps = int(replications or sc.replications)
    if reps < 2 and confidence == "lower":
        raise UsageError("--replications must be at least 2 to bound the fill rate")
    seed = sc.seed if seed is None else int(seed)
    jobs = default_jobs() if jobs is None else int(jobs)
    if store is not None:
        fingerprint = settings_fingerprint(
            sc,
            policies=names,
            targets=targets,
            replications=reps,
            seed=seed,
            confidence=confidence,
        )
        design = [{"policy": p, "days_max": MAX_DAYS} for p in names]
        store.prepare(fingerprint, design, force)
    bar = progress_bar(0, progress, f"{sc.name} buffer")
    ev = _Evaluator(sc, names, reps, seed, jobs, executor, scheduler, store, bar)
    try:
        found = _search(ev, names, targets, confidence, {p: current_days(sc, p) for p in names})
    finally:
        bar.close()
    rows, levels, notes = [], [], []
    for _, rs in sorted(ev.cache.items()):
        rows.extend(rs)
    for p in names:
        d = found[p]
        row: dict = {"policy": p, "target": targets[p], "days": math.nan if d is None else d}
        if d is None:
            notes.append(
                f"{p}: no level up to {MAX_DAYS} days of cover reaches a fill rate of "
                f"{targets[p]:.1%}"
            )
        else:
            at = pd.DataFrame(ev.cache[(p, d)])
            for k in KEPT:
                row[k] = float(at[k].mean())
                s = at[k].to_numpy(float)
                half = stats.t.ppf(0.975, len(s) - 1) * s.std(ddof=1) / math.sqrt(len(s))
                row[f"{k}_low"], row[f"{k}_high"] = row[k] - half, row[k] + half
        levels.append(row)
    return BufferResult(
        sc,
        float(np.mean(list(targets.values()))),
        confidence,
        pd.DataFrame(rows),
        pd.DataFrame(levels),
        ev.computed,
        notes,
    )


def _search(
    ev: _Evaluator,
    names: list[str],
    targets: dict[str, float],
    confidence: str,
    start: dict[str, float],
) -> dict[str, int | None]:
    """Bracket, bisect and confirm every policy's level, in lockstep (one batch per step, so
    the executors stay busy)."""
    ok: Callable[[str, int], bool] = lambda p, d: reached(ev.fills(p, d), targets[p], confidence)  # noqa: E731
    lo = {p: -1 for p in names}  # largest level known not to reach (−1: none yet)
    hi: dict[str, int | None] = {p: None for p in names}  # smallest known to reach
    probe = {p: max(1, min(MAX_DAYS, math.ceil(start[p]))) for p in names}
    open_ = set(names)
    # Bracket: double up from the current level until the target holds (or the cap).
    while open_:
        ev.rows([(p, probe[p]) for p in open_])
        for p in list(open_):
            d = probe[p]
            if ok(p, d):
                hi[p] = d
                open_.discard(p)
            else:
                lo[p] = d
                if d >= MAX_DAYS:
                    open_.discard(p)
                else:
                    probe[p] = min(MAX_DAYS, 2 * d)
    # Where the first probe already reached, look down too: bisect [−1, hi].
    live = {p for p in names if hi[p] is not None}
    while True:
        step = {p: (lo[p] + hi[p]) // 2 for p in live if hi[p] - lo[p] > 1}
        if not step:
            break
        ev.rows([(p, max(0, d)) for p, d in step.items()])
        for p, d in step.items():
            d = max(0, d)
            if ok(p, d):
                hi[p] = d
            else:
                lo[p] = d
    return hi
