"""Run every policy of a scenario for N replications with common random numbers.

Replication *i* of every policy uses the same root seed and replication index, so all policies
face the same demand and the same disruption calendar; results are paired on the replication.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.decision import (
    Recommendation,
    decision_table,
    decision_warnings,
    recommend,
)
from ..analysis.episodes import paired_episode_differences, summarize_episodes
from ..analysis.figures import ALL_EPISODES, REPLICATION_FIGURES, figure_range
from ..analysis.metrics import SITE_FIGURES
from ..analysis.statistics import paired_differences, summarize, t_interval
from ..errors import UsageError
from ..scenario.schema import Scenario
from .common import check_policies, progress_bar
from .executors import default_jobs, run_local
from .gather import RunTables
from .tasks import TaskKey

#: Builds the ``plot`` accessor of a :class:`RunResult`; set by :mod:`simulator.output.notebook`
#: when it is imported (the output layer sits above this one, so it registers itself here).
PLOT_ACCESSOR: Callable[[RunResult], Any] | None = None


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
    #: Paired value of early warnings per policy (see :func:`warning_value`); empty without.
    warning_value: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: The stock-only alternatives: the baseline at the stock level that matches the best
    #: policy's fill rate (one row per alternative; see :mod:`simulator.experiment.buffer`).
    alternatives: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: The stock-only alternatives' replication rows (their ``policy`` is the alternative's label).
    alternative_replications: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: Things the run itself wants the reader to know (a target half-width not reached, …).
    notes: list[str] = field(default_factory=list)
    summary: pd.DataFrame = field(init=False)
    paired: pd.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        self.summary = summarize(self.replications, REPLICATION_FIGURES, ranges=figure_range)
        self.summary.insert(1, "scope", "replication")
        parts = [self.summary]
        if not self.episodes.empty:
            ep = self.episodes
            per = summarize_episodes(
                ep.rename(columns={"disruption": "scope"}), ["policy", "scope"]
            )
            every = summarize_episodes(ep.assign(scope=ALL_EPISODES), ["policy", "scope"])
            parts += [per, every]
        if not self.sites.empty and self.sites["site"].nunique() > 1:
            for (policy, site), g in self.sites.groupby(["policy", "site"], sort=False):
                s = summarize(g.assign(policy=policy), list(SITE_FIGURES), ranges=figure_range)
                s.insert(1, "scope", f"site:{site}")
                parts.append(s)
        self.summary = pd.concat(parts, ignore_index=True)
        self.paired = paired_differences(self.replications, REPLICATION_FIGURES, self.baseline)
        if self.paired.empty:  # one policy: nothing to pair
            self.paired = pd.DataFrame(columns=["policy", "scope", "baseline", "figure"])
        else:
            self.paired.insert(1, "scope", "replication")
        if not self.episodes.empty:
            eps = [self.paired]
            for did, g in self.episodes.groupby("disruption", sort=False):
                d = paired_episode_differences(g, self.baseline)
                if not d.empty:
                    d.insert(1, "scope", did)
                    eps.append(d)
            d = paired_episode_differences(self.episodes, self.baseline)
            if not d.empty:
                d.insert(1, "scope", ALL_EPISODES)
                eps.append(d)
            self.paired = pd.concat(eps, ignore_index=True)

    @property
    def n_replications(self) -> int:
        return int(self.replications["replication"].nunique())

    # ---------------------------------------------------------------- in a notebook
    def __repr__(self) -> str:
        rec = self.recommendation
        return (
            f"<RunResult '{self.scenario.name}': {len(self.policies)} policies × "
            f"{self.n_replications} replications, {self.scenario.horizon_days} days; "
            f"recommended: {rec.policy}>"
        )

    def _repr_html_(self) -> str:
        """A short summary for Jupyter: the run, the recommendation, the decision table's
        headline columns and the warnings (not the tables)."""
        from .display import run_html

        return run_html(self)

    @property
    def plot(self) -> Any:
        """The run's figures as matplotlib figures, e.g. ``result.plot.service()``,
        ``result.plot.route_map()`` (the plots of a results folder, drawn from memory)."""
        if PLOT_ACCESSOR is None:
            raise RuntimeError(
                "result.plot needs the output layer: import simulator (the package) first, "
                "e.g. `import simulator; simulator.run(...)`"
            )
        return PLOT_ACCESSOR(self)

    def figure(self, policy: str, figure: str, scope: str = "replication") -> pd.Series:
        """The summary row (mean, sd, se, ci_low, ci_high, n) of one figure."""
        s = self.summary
        row = s[(s["policy"] == policy) & (s["figure"] == figure) & (s["scope"] == scope)]
        return row.iloc[0]

    # ---------------------------------------------------------------- the decision
    def decision_table(self) -> pd.DataFrame:
        """One row per policy (and per stock-only alternative): service, service during
        disruptions, P(shortage), worst loss, landed price, cost per unit and its parts,
        exposure — each with its 95% interval (``<figure>_low``, ``<figure>_high``)."""
        table = decision_table(self.replications, self.episodes, self.policies, self.baseline)
        table.insert(1, "kind", "policy")
        if not self.alternatives.empty:
            table = pd.concat([table, self.alternatives], ignore_index=True)
        return table

    @cached_property
    def recommendation(self) -> Recommendation:
        """The policy (or stock-only alternative) the scenario's decision rule picks
        (``decision:`` in the scenario)."""
        reps, names = self.candidates()
        return recommend(reps, names, self.scenario.decision)

    def candidates(self) -> tuple[pd.DataFrame, list[str]]:
        """The replication rows and names of every candidate: the policies, then the stock-only
        alternatives."""
        reps, names = self.replications, list(self.policies)
        if not self.alternative_replications.empty:
            reps = pd.concat([reps, self.alternative_replications], ignore_index=True)
            names += list(dict.fromkeys(self.alternative_replications["policy"]))
        return reps, names

    def warnings(self) -> list[str]:
        """What a planner must know before acting on the recommendation."""
        reps, names = self.candidates()
        out = decision_warnings(
            self.scenario,
            reps,
            self.leg_flows,
            names,
            self.recommendation,
            self.scenario.decision,
        )
        return [*self.notes, *out]

    def verdict(self) -> list[str]:
        """Plain-language verdict: the recommendation, the decision table, every policy against
        the baseline, the value of early warnings and the warnings."""
        rec = self.recommendation
        lines = [f"recommendation: {rec.policy} — {rec.reason}"]
        if not rec.meets_target:
            lines[0] = f"no policy meets the target: {rec.reason}"
        lines += decision_lines(self.decision_table(), self.baseline)
        n = self.n_replications
        for policy in self.policies:
            if policy == self.baseline:
                continue
            p = self.paired[
                (self.paired["policy"] == policy) & (self.paired["scope"] == "replication")
            ].set_index("figure")
            fr, cost = p.loc["fill_rate"], p.loc["cost_per_unit"]
            landed = p.loc["landed_cost_per_unit"]
            lines.append(
                f"{policy} vs {self.baseline}: fill rate {100 * fr['mean']:+.1f} pp "
                f"[{100 * fr['ci_low']:+.1f}, {100 * fr['ci_high']:+.1f}] "
                f"(95% CI, {n} paired replications); cost per unit "
                f"{_pct(cost)} (landed price {_pct(landed)})"
            )
        lines += warning_lines(self.warning_value)
        lines += [f"warning: {w}" for w in self.warnings()]
        return lines


def _pct(row) -> str:
    """A relative paired difference as '+3.1% [+2.8, +3.4]' (or why it is undefined)."""
    if not np.isfinite(row["relative"]):
        return "undefined (nothing delivered)"
    return (
        f"{100 * row['relative']:+.1f}% [{100 * row['rel_ci_low']:+.1f}, "
        f"{100 * row['rel_ci_high']:+.1f}]"
    )


def decision_lines(table: pd.DataFrame, baseline: str) -> list[str]:
    """The decision table as plain text lines (one per policy or alternative)."""
    out = []
    for _, r in table.iterrows():
        if np.isfinite(r.get("cost_per_unit", np.nan)):
            cost = f"cost/unit {r['cost_per_unit']:,.2f}"
            landed = f"landed {r['landed_cost_per_unit']:,.2f}"
        else:
            cost, landed = "cost/unit undefined (nothing delivered)", "landed undefined"
        rel = r.get("landed_vs_baseline", np.nan)
        rel_text = "" if r["policy"] == baseline or not np.isfinite(rel) else f" ({rel:+.1%})"
        during = r.get("fill_rate_during", np.nan)
        during_text = f", during disruptions {during:.1%}" if np.isfinite(during) else ""
        out.append(
            f"  {r['policy']}: fill rate {r['fill_rate']:.1%} "
            f"[{r['fill_rate_low']:.1%}, {r['fill_rate_high']:.1%}]{during_text}; "
            f"{landed}{rel_text}; {cost}"
        )
    return out


def warning_lines(value: pd.DataFrame) -> list[str]:
    """The value of early warnings, one line per policy that reacts to them."""
    if value.empty:
        return []
    out = []
    for policy, g in value.groupby("policy", sort=False):
        v = g[g["comparison"] == "value_of_warning"].set_index("figure")
        if v.empty:
            continue
        fr, cost = v.loc["fill_rate"], v.loc["cost_per_unit"]
        text = (
            f"early warning for {policy}: fill rate {100 * fr['mean']:+.1f} pp "
            f"[{100 * fr['ci_low']:+.1f}, {100 * fr['ci_high']:+.1f}], cost per unit "
            f"{cost['mean']:+,.2f} [{cost['ci_low']:+,.2f}, {cost['ci_high']:+,.2f}] against "
            "ignoring its warnings"
        )
        fa = g[g["comparison"] == "cost_of_false_alarms"].set_index("figure")
        if not fa.empty:
            c = fa.loc["cost_per_unit"]
            text += (
                f"; false alarms cost {c['mean']:+,.2f} per unit "
                f"[{c['ci_low']:+,.2f}, {c['ci_high']:+,.2f}]"
            )
        out.append(text)
    return out


#: Figures compared for the value of early warning.
WARNING_FIGURES = [
    "fill_rate",
    "total_performance_loss",
    "unmet_demand",
    "cost_per_unit",
    "cost_expedite",
    "units_expedited",
]


def warning_value(with_rows: pd.DataFrame, variant_rows: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Paired differences (reacting to warnings − a variant) per policy: ``value_of_warning``
    against ignoring every warning, ``cost_of_false_alarms`` against ignoring only false
    alarms."""
    frames = []
    names = {"none": "value_of_warning", "true_only": "cost_of_false_alarms"}
    for variant, rows in variant_rows.items():
        if rows.empty:
            continue
        for policy in rows["policy"].unique():
            both = pd.concat(
                [
                    with_rows[with_rows["policy"] == policy],
                    rows[rows["policy"] == policy].assign(policy="__variant__"),
                ]
            )
            d = paired_differences(both, WARNING_FIGURES, "__variant__")
            d = d.assign(policy=policy, baseline=f"{policy} ({variant})", comparison=names[variant])
            frames.append(d)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def run(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    policies: list[str] | None = None,
    progress: bool = False,
    target_halfwidth: float | None = None,
    max_replications: int = 1000,
    alternatives: bool = False,
) -> RunResult:
    """Simulate the scenario's policies on common random numbers and summarise.

    ``target_halfwidth`` keeps adding replications (in batches) until the 95% CI of the headline
    figure (fill rate, as a fraction) of every policy is at most that wide on each side, or
    ``max_replications`` is reached. Policies that react to early warnings are also run ignoring
    them (and ignoring false alarms), to price the warnings. With ``alternatives`` (what
    ``diversim run`` does unless ``--no-alternatives``) the baseline is also run at the stock
    level that matches the best policy's fill rate (the stock-only alternative,
    :mod:`simulator.experiment.buffer`).
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

    variants = warning_variants(sc, names)
    tables = RunTables(sc.name, seed, names)
    started = time.perf_counter()
    done_reps = 0
    target_n = n
    per_rep = len(names) + sum(len(v) for v in variants.values())
    bar = progress_bar(target_n * per_rep, progress, sc.name)
    notes: list[str] = []
    try:
        while True:
            keys = [TaskKey(p, r) for r in range(done_reps, target_n) for p in names]
            keys += [
                TaskKey(p, r, variant=v)
                for r in range(done_reps, target_n)
                for p, vs in variants.items()
                for v in vs
            ]
            for out in run_local({0: sc}, keys, seed, jobs):
                tables.add(out)
                bar.update(1)
            done_reps = target_n
            if target_halfwidth is None or done_reps >= max_replications:
                break
            widest = max(_halfwidth(tables.headline[p]) for p in names)
            if widest <= target_halfwidth:
                break
            # Replications needed scale with (current / target half-width)²; add at least a batch.
            need = math.ceil(done_reps * (widest / target_halfwidth) ** 2 * 1.1)
            target_n = min(max_replications, max(need, done_reps + max(jobs, 2)))
            bar.total = target_n * per_rep
            bar.refresh()
    finally:
        bar.close()
    if target_halfwidth is not None:
        widest = max(_halfwidth(tables.headline[p]) for p in names)
        if widest > target_halfwidth:
            notes.append(
                f"--target-halfwidth {target_halfwidth:g} not reached: the widest fill-rate "
                f"interval is ±{widest:.4f} after {done_reps} replications "
                f"(--max-replications {max_replications})"
            )
    result = _assemble(sc, seed, names, baseline, tables, time.perf_counter() - started, jobs)
    result.notes = notes
    if alternatives:
        add_stock_alternative(result, jobs, progress)
    result.wall_seconds = time.perf_counter() - started
    return result


def warning_variants(sc: Scenario, names: list[str]) -> dict[str, list[str]]:
    """Per policy that reacts to early warnings, the variants run to price them: ignoring
    every warning, and ignoring false alarms when there can be any."""
    warned = [d.warning for d in sc.disruptions.values() if d.warning is not None]
    if not warned:
        return {}
    false_alarms = any(w.false_alarms_per_year > 0 for w in warned)
    variants = ["none", "true_only"] if false_alarms else ["none"]
    return {p: variants for p in names if sc.sourcing[p].on_warning is not None}


#: Replications of each level tried while searching the stock-only alternative.
SEARCH_REPLICATIONS = 20


def add_stock_alternative(result: RunResult, jobs: int, progress: bool) -> None:
    """Add the baseline at the stock level that matches the best policy's fill rate (the
    recommended one, or the best-serving other policy when the baseline is recommended), as a
    row of the decision table and a candidate of the recommendation."""
    from .buffer import current_days, size_buffers, with_stock

    reps = result.replications
    base = result.baseline
    means = reps.groupby("policy", sort=False)["fill_rate"].mean()
    rec = result.recommendation.policy
    best = (
        rec
        if rec != base
        else means.drop(base, errors="ignore").idxmax()
        if len(means) > 1
        else None
    )
    if best is None or not means[best] > means[base] + 1e-9:
        return
    sc = result.scenario
    n = result.n_replications
    search = size_buffers(
        sc,
        float(means[best]),
        policies=[base],
        replications=min(n, SEARCH_REPLICATIONS),
        seed=result.seed,
        jobs=jobs,
        confidence="mean",
        progress=progress,
    )
    days = search.levels.iloc[0]["days"]
    if not np.isfinite(days):
        result.notes.append(
            f"stock-only alternative: no stock level up to {search.levels.iloc[0]['days']} days "
            f"of cover lets {base} match {best}'s fill rate"
        )
        return
    extra = days - current_days(sc, base)
    label = f"{base} + {extra:.0f} days of cover" if extra >= 0 else f"{base} at {days:.0f} days"
    alt_sc = with_stock(sc, base, float(days))
    gathered = RunTables(sc.name, result.seed, [base])
    for out in run_local({0: alt_sc}, [TaskKey(base, r) for r in range(n)], result.seed, jobs):
        gathered.add(out)
    alt = gathered.replications().assign(policy=label)
    # Scored on the same (episode, site) pairs as every policy: the calendar is shared.
    episodes = gathered.episodes()
    if not episodes.empty:
        episodes = episodes.assign(policy=label)
    result.alternative_replications = alt
    table = decision_table(alt, episodes, [label], label)
    table.insert(1, "kind", "stock-only")
    table["days_of_cover"] = float(days)
    table["matches"] = best
    result.alternatives = table
    result.__dict__.pop("recommendation", None)  # recomputed with the alternative as a candidate


def _halfwidth(values: list[float]) -> float:
    s = t_interval(np.asarray(values))
    return math.inf if not math.isfinite(s["ci_high"]) else (s["ci_high"] - s["ci_low"]) / 2


def _assemble(sc, seed, names, baseline, tables: RunTables, wall, jobs) -> RunResult:
    reps = tables.replications()
    events = int(reps["events"].sum()) if len(reps) else 0
    return RunResult(
        sc,
        seed,
        names,
        baseline,
        reps,
        tables.episodes(),
        tables.timeseries(),
        tables.leg_flows(),
        wall,
        jobs,
        events,
        sites=tables.sites(),
        warning_value=warning_value(reps, tables.variant_rows()),
    )
