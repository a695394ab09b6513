"""What is a day of warning worth? A sweep over one disruption's warning lead time.

For each lead time ℓ (days, fixed: every warned episode is forecast exactly ℓ days ahead) every
policy that reacts to warnings (``on_warning``) is run with its reactions, and once more ignoring
every warning (the reference: it does not depend on ℓ). All runs share common random numbers
(same demand, disruptions and warnings whatever ℓ), so the value of ℓ days of warning is a paired
difference per replication: (reacting with lead ℓ) − (ignoring warnings), for fill rate, loss,
unmet demand, cost per unit and expediting. The slope between lead times is the value of each
extra day.

Evaluations are kept in a :class:`~simulator.experiment.sweep.PointStore` (point 0 is the
reference, point k the k-th lead time), so an interrupted sweep rerun with the same settings
reuses what it has.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..analysis.statistics import paired_differences
from ..errors import UsageError
from ..scenario.schema import Scenario
from .common import check_policies, progress_bar, settings_fingerprint
from .executors import default_jobs, run_tasks
from .parameters import apply_parameters
from .runner import WARNING_FIGURES
from .sweep import PointStore
from .tasks import TaskKey

#: Where the lead time lives in a scenario, for one disruption.
LEAD_PATH = "disruptions.{}.warning.lead_days"


@dataclass
class WarningLeadResult:
    """Per policy × lead time × replication the figures (``replications``) and the paired value
    of the warning against ignoring it (``value``: one row per policy × lead × figure)."""

    scenario: Scenario
    disruption: str
    lead_days: list[float]
    replications: pd.DataFrame
    value: pd.DataFrame
    computed: int = 0


def warned_disruption(sc: Scenario, disruption: str | None) -> str:
    """The disruption whose warning is swept: the one given, or the only one with a warning."""
    warned = [d for d, spec in sc.disruptions.items() if spec.warning is not None]
    if disruption is None:
        if len(warned) == 1:
            return warned[0]
        if not warned:
            raise UsageError(
                f"scenario '{sc.name}' has no disruption with a warning: add "
                "warning: {probability: 0.9, lead_days: 5} to one of its disruptions"
            )
        raise UsageError(
            f"several disruptions carry a warning ({', '.join(warned)}): choose one with "
            "--disruption ID"
        )
    if disruption not in sc.disruptions:
        raise UsageError(
            f"no disruption '{disruption}' in scenario '{sc.name}': use one of "
            f"{', '.join(sc.disruptions) or '(none)'}"
        )
    if disruption not in warned:
        raise UsageError(
            f"disruption '{disruption}' has no warning to sweep: add "
            "warning: {probability: 0.9, lead_days: 5} to it, or choose one of "
            f"{', '.join(warned) or '(none)'}"
        )
    return disruption


def warning_lead_sweep(
    scenario: Scenario,
    lead_days: list[float],
    disruption: str | None = None,
    policies: list[str] | None = None,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    store: PointStore | None = None,
    force: bool = False,
    progress: bool = False,
) -> WarningLeadResult:
    """Run the sweep described in the module docstring; ``lead_days`` in days (≥ 0)."""
    sc = scenario
    target = warned_disruption(sc, disruption)
    leads = sorted({float(x) for x in lead_days})
    if not leads:
        raise UsageError("--lead-days needs at least one value, e.g. --lead-days 0,2,5,10")
    if any(x < 0 for x in leads):
        raise UsageError("--lead-days must be 0 or more days (a warning cannot come after)")
    names = check_policies(sc, policies)
    reacting = [p for p in names if sc.sourcing[p].on_warning is not None]
    if not reacting:
        raise UsageError(
            f"no policy of '{sc.name}' reacts to warnings: give one an on_warning block, e.g. "
            "on_warning: {extra_cover_days: 10}"
        )
    reps = int(replications or sc.replications)
    if reps < 2:
        raise UsageError("--replications must be at least 2 for an interval")
    seed = sc.seed if seed is None else int(seed)
    jobs = default_jobs() if jobs is None else int(jobs)
    path = LEAD_PATH.format(target)
    scenarios = {0: sc}
    for k, lead in enumerate(leads, start=1):
        scenarios[k] = apply_parameters(sc, {path: lead}, label=f"lead {lead:g} days")
    if store is not None:
        fingerprint = settings_fingerprint(
            sc, disruption=target, policies=reacting, replications=reps, seed=seed
        )
        design = [{"lead_days": None}] + [{"lead_days": x} for x in leads]
        store.prepare(fingerprint, design, force)
    rows: dict[int, list[dict]] = {}
    todo: list[TaskKey] = []
    for point in scenarios:
        stored = store.load(point) if store is not None else None
        if stored is not None:
            rows[point] = stored
            continue
        variant = "none" if point == 0 else ""
        todo += [TaskKey(p, r, point, variant) for p in reacting for r in range(reps)]
    bar = progress_bar(len(todo), progress, f"{sc.name} warning lead")
    got: dict[int, list[dict]] = {}
    try:
        for out in run_tasks(scenarios, todo, seed, jobs, executor, scheduler):
            got.setdefault(out.key.point, []).append(out.row(sc.name, seed))
            bar.update(1)
    finally:
        bar.close()
    order = {p: i for i, p in enumerate(reacting)}
    for point, rs in got.items():
        rs.sort(key=lambda r: (order[r["policy"]], r["replication"]))
        rows[point] = rs
        if store is not None:
            store.save(point, rs)
    table = []
    for point in sorted(rows):
        lead = None if point == 0 else leads[point - 1]
        for r in rows[point]:
            table.append({**r, "lead_days": lead, "warnings": "ignored" if point == 0 else "used"})
    reps_df = pd.DataFrame(table)
    return WarningLeadResult(sc, target, leads, reps_df, _value(reps_df, reacting), len(got))


def _value(reps: pd.DataFrame, policies: list[str]) -> pd.DataFrame:
    """Paired (used with lead ℓ) − (ignored) per policy, lead and figure."""
    frames = []
    ref = reps[reps["warnings"] == "ignored"]
    used = reps[reps["warnings"] == "used"]
    for policy in policies:
        base = ref[ref["policy"] == policy].assign(policy="__ignored__")
        for lead, g in used[used["policy"] == policy].groupby("lead_days", sort=True):
            d = paired_differences(pd.concat([g, base]), WARNING_FIGURES, "__ignored__")
            frames.append(d.assign(policy=policy, lead_days=float(lead), baseline="ignored"))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
