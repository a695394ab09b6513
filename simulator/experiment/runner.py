"""Run every policy of a scenario for N replications with common random numbers.

Replication *i* of every policy uses the same root seed and replication index, so all policies
face the same demand and the same disruption calendar; results are paired on the replication.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..analysis.figures import EPISODE_FIGURES, HEADLINE, REPLICATION_FIGURES
from ..analysis.metrics import SITE_FIGURES
from ..analysis.statistics import paired_differences, summarize, t_interval
from ..errors import UsageError
from ..scenario.schema import Scenario
from .common import check_policies, progress_bar
from .executors import default_jobs, run_local
from .tasks import TaskKey, TaskOutput


@dataclass
class RunResult:
    """Tables of one run (pandas DataFrames) and what the manifest records; writing them is
    :func:`simulator.output.results_folder.write_run` (``simulator.write_run``)."""

    scenario: Scenario
    seed: int
    policies: list[str]
    baseline: str
    replications: pd.DataFrame
    episodes: pd.DataFrame
    timeseries: pd.DataFrame
    leg_flows: pd.DataFrame
    wall_seconds: float
    jobs: int
    events: int
    sites: pd.DataFrame = field(default_factory=pd.DataFrame)  # policy × replication × site
    summary: pd.DataFrame = field(init=False)
    paired: pd.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        self.summary = summarize(self.replications, REPLICATION_FIGURES)
        self.summary.insert(1, "scope", "replication")
        if not self.episodes.empty:
            ep = self.episodes.copy()
            ep["scope"] = ep["disruption"]
            rows = []
            for (policy, scope), g in ep.groupby(["policy", "scope"], sort=False):
                s = summarize(g.assign(policy=policy), EPISODE_FIGURES)
                s.insert(1, "scope", scope)
                rows.append(s)
            self.summary = pd.concat([self.summary, *rows], ignore_index=True)
        if not self.sites.empty and self.sites["site"].nunique() > 1:
            rows = []
            for (policy, site), g in self.sites.groupby(["policy", "site"], sort=False):
                s = summarize(g.assign(policy=policy), list(SITE_FIGURES))
                s.insert(1, "scope", f"site:{site}")
                rows.append(s)
            self.summary = pd.concat([self.summary, *rows], ignore_index=True)
        self.paired = paired_differences(self.replications, REPLICATION_FIGURES, self.baseline)

    @property
    def n_replications(self) -> int:
        return int(self.replications["replication"].nunique())

    def figure(self, policy: str, figure: str, scope: str = "replication") -> pd.Series:
        """The summary row (mean, sd, se, ci_low, ci_high, n) of one figure."""
        s = self.summary
        row = s[(s["policy"] == policy) & (s["figure"] == figure) & (s["scope"] == scope)]
        return row.iloc[0]

    def verdict(self) -> list[str]:
        """Plain-language comparison of every policy with the baseline."""
        lines = []
        n = self.n_replications
        for policy in self.policies:
            if policy == self.baseline:
                continue
            p = self.paired[self.paired["policy"] == policy].set_index("figure")
            fr, cost = p.loc["fill_rate"], p.loc["cost_per_unit"]
            landed = p.loc["landed_cost_per_unit"]
            lines.append(
                f"{policy} vs {self.baseline}: fill rate {100 * fr['mean']:+.1f} pp "
                f"[{100 * fr['ci_low']:+.1f}, {100 * fr['ci_high']:+.1f}] "
                f"(95% CI, {n} paired replications); cost per unit "
                f"{_pct(cost)} (landed price {_pct(landed)})"
            )
        return lines


def _pct(row) -> str:
    """A relative paired difference as '+3.1% [+2.8, +3.4]'."""
    return (
        f"{100 * row['relative']:+.1f}% [{100 * row['rel_ci_low']:+.1f}, "
        f"{100 * row['rel_ci_high']:+.1f}]"
    )


def run(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    policies: list[str] | None = None,
    progress: bool = False,
    target_halfwidth: float | None = None,
    max_replications: int = 1000,
) -> RunResult:
    """Simulate the scenario's policies on common random numbers and summarise.

    ``target_halfwidth`` keeps adding replications (in batches) until the 95% CI of the headline
    figure (fill rate, as a fraction) of every policy is at most that wide on each side, or
    ``max_replications`` is reached.
    """
    sc = scenario
    n = int(replications or sc.replications)
    if n < 1:
        raise UsageError("--replications must be at least 1")
    seed = sc.seed if seed is None else int(seed)
    jobs = default_jobs() if jobs is None else int(jobs)
    if jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if target_halfwidth is not None and target_halfwidth <= 0:
        raise UsageError("--target-halfwidth must be positive (e.g. 0.005 for ±0.5 pp)")
    names = check_policies(sc, policies)
    baseline = sc.baseline_policy if sc.baseline_policy in names else names[0]

    outputs: dict[TaskKey, TaskOutput] = {}
    started = time.perf_counter()
    done_reps = 0
    target_n = n
    bar = progress_bar(target_n * len(names), progress, sc.name)
    try:
        while True:
            keys = [TaskKey(p, r) for r in range(done_reps, target_n) for p in names]
            for out in run_local({0: sc}, keys, seed, jobs):
                outputs[out.key] = out
                bar.update(1)
            done_reps = target_n
            if target_halfwidth is None or done_reps >= max_replications:
                break
            widest = max(
                _halfwidth([outputs[TaskKey(p, r)].figures[HEADLINE] for r in range(done_reps)])
                for p in names
            )
            if widest <= target_halfwidth:
                break
            # Replications needed scale with (current / target half-width)²; add at least a batch.
            need = math.ceil(done_reps * (widest / target_halfwidth) ** 2 * 1.1)
            target_n = min(max_replications, max(need, done_reps + max(jobs, 2)))
            bar.total = target_n * len(names)
            bar.refresh()
    finally:
        bar.close()
    wall = time.perf_counter() - started
    return _assemble(sc, seed, names, baseline, outputs, wall, jobs)


def _halfwidth(values: list[float]) -> float:
    s = t_interval(np.asarray(values))
    return math.inf if not math.isfinite(s["ci_high"]) else (s["ci_high"] - s["ci_low"]) / 2


def _assemble(sc, seed, names, baseline, outputs, wall, jobs) -> RunResult:
    order = {p: i for i, p in enumerate(names)}
    keys = sorted(outputs, key=lambda k: (k.point, order[k.policy], k.replication))
    rep_rows, episode_rows, flows, site_rows = [], [], [], []
    for k in keys:
        out = outputs[k]
        rep_rows.append(out.row(sc.name, seed))
        site_rows.extend(
            {"scenario": sc.name, "policy": k.policy, "replication": k.replication, **row}
            for row in out.sites
        )
        episode_rows.extend({"scenario": sc.name, **e} for e in out.episodes)
        flows.extend(
            {"policy": k.policy, "replication": k.replication, "leg": leg, "units": u}
            for leg, u in out.leg_units.items()
        )
    reps = pd.DataFrame(rep_rows)
    episodes = pd.DataFrame(episode_rows)
    timeseries = _timeseries(names, keys, outputs)
    leg_flows = (
        pd.DataFrame(flows).groupby(["policy", "leg"], sort=False)["units"].mean().reset_index()
        if flows
        else pd.DataFrame(columns=["policy", "leg", "units"])
    )
    events = int(reps["events"].sum()) if len(reps) else 0
    return RunResult(
        sc,
        seed,
        names,
        baseline,
        reps,
        episodes,
        timeseries,
        leg_flows,
        wall,
        jobs,
        events,
        sites=pd.DataFrame(site_rows),
    )


def _timeseries(names, keys, outputs) -> pd.DataFrame:
    frames = []
    for p in names:
        ks = [k for k in keys if k.policy == p]
        if not ks:
            continue
        block = {}
        for series in ("service", "on_hand", "backlog"):
            m = np.vstack([getattr(outputs[k], series) for k in ks]).astype(float)
            block[f"{series}_mean"] = m.mean(axis=0)
            q = np.quantile(m, [0.05, 0.5, 0.95], axis=0)
            block[f"{series}_p05"], block[f"{series}_p50"], block[f"{series}_p95"] = q
        df = pd.DataFrame(block)
        df.insert(0, "day", np.arange(len(df)))
        df.insert(0, "policy", p)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)
