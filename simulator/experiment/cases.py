"""Evaluate failure cases on the sweep machinery: points × policies × replications.

Each case is one design point (its own scenario); every point draws from the same random
streams (common random numbers, :func:`simulator.experiment.tasks.simulate`), so two cases of
one replication differ only by what failed. A case's rows are one per policy × replication:
the replication's figures (:data:`KEPT`) and the episode figures of the failure's disruptions
(ids ``stress_*``) at every site they can affect, reduced per replication (:func:`failure_row`).

Rows are kept in a :class:`~simulator.experiment.sweep.PointStore`, so an interrupted stress test
or search rerun with the same settings reuses every case it has finished.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from ..scenario.schema import Scenario
from .executors import run_tasks
from .failures import FAILURE_PREFIX
from .sweep import PointStore
from .tasks import TaskKey

#: Replication figures kept per case.
KEPT = ("fill_rate", "unmet_demand", "cost_total", "cost_per_unit")


def failure_row(episodes: list[dict]) -> dict[str, float]:
    """The failure's episode figures of one replication, over every (episode, site) pair of the
    failure's disruptions: ``sites`` (pairs scored), ``shortage`` (1 if any site ran short),
    ``tts_days`` (first shortage at any site; NaN with none) and ``tts_observed`` (days seen
    without one), ``ttr_days`` (the last site's lasting recovery) with ``ttr_censored``,
    ``performance_loss`` and ``unmet_units`` (summed), ``fill_rate_during`` (mean over sites)
    and ``nadir`` (lowest)."""
    eps = [e for e in episodes if str(e["disruption"]).startswith(FAILURE_PREFIX + "_")]
    # A failure of several elements is several disruptions starting together: score each site
    # once, on the earliest-listed disruption's episode (the same window).
    by_site: dict[str, dict] = {}
    for e in sorted(eps, key=lambda e: (str(e["site"]), str(e["disruption"]))):
        by_site.setdefault(str(e["site"]), e)
    pairs = list(by_site.values())
    if not pairs:
        return {
            "sites": 0.0,
            "shortage": 0.0,
            "tts_days": math.nan,
            "tts_observed": math.nan,
            "ttr_days": 0.0,
            "ttr_censored": 0.0,
            "performance_loss": 0.0,
            "unmet_units": 0.0,
            "fill_rate_during": 1.0,
            "nadir": 1.0,
        }
    short = [e for e in pairs if e["shortage"] > 0]
    return {
        "sites": float(len(pairs)),
        "shortage": 1.0 if short else 0.0,
        "tts_days": min(float(e["tts_days"]) for e in short) if short else math.nan,
        "tts_observed": min(float(e["observed_days"]) for e in pairs),
        "ttr_days": max(float(e["ttr_days"]) for e in pairs),
        "ttr_censored": float(any(e["ttr_censored"] > 0 for e in pairs)),
        "performance_loss": float(sum(e["performance_loss"] for e in pairs)),
        "unmet_units": float(sum(e["unmet_units"] for e in pairs)),
        "fill_rate_during": float(np.mean([e["fill_rate_during"] for e in pairs])),
        "nadir": float(min(e["nadir"] for e in pairs)),
    }


class CaseRunner:
    """Runs failure cases (point index → scenario) through the executors; remembers and stores
    what it ran. ``bar`` is a progress bar whose total grows with each batch."""

    def __init__(
        self,
        policies: list[str],
        replications: int,
        seed: int,
        jobs: int,
        executor: str,
        scheduler: str | None,
        store: PointStore | None,
        bar,
    ) -> None:
        self.policies, self.reps, self.seed = policies, replications, seed
        self.jobs, self.executor, self.scheduler = jobs, executor, scheduler
        self.store, self.bar = store, bar
        self.cache: dict[int, list[dict]] = {}
        self.computed = 0

    def run(self, cases: Mapping[int, Scenario]) -> None:
        """Evaluate every case not known yet, all in one batch of tasks."""
        missing: dict[int, Scenario] = {}
        for i, sc in cases.items():
            if i in self.cache:
                continue
            stored = self.store.load(i) if self.store is not None else None
            if stored is not None:
                self.cache[i] = stored
            else:
                missing[i] = sc
        if not missing:
            return
        keys = [TaskKey(p, r, i) for i in missing for p in self.policies for r in range(self.reps)]
        self.bar.total = (self.bar.total or 0) + len(keys)
        self.bar.refresh()
        got: dict[int, list[dict]] = {i: [] for i in missing}
        order = {p: k for k, p in enumerate(self.policies)}
        for out in run_tasks(missing, keys, self.seed, self.jobs, self.executor, self.scheduler):
            row = {"case": out.key.point, "policy": out.key.policy}
            row["replication"] = out.key.replication
            row.update({k: float(out.figures[k]) for k in KEPT})
            row.update(failure_row(out.episodes))
            got[out.key.point].append(row)
            self.bar.update(1)
            i = out.key.point
            if len(got[i]) == len(self.policies) * self.reps:
                rows = sorted(got[i], key=lambda r: (order[r["policy"]], r["replication"]))
                if self.store is not None:
                    self.store.save(i, rows)
                    rows = self.store.load(i)  # the same bytes, resumed or not
                self.cache[i] = rows
                self.computed += 1

    def rows(self, i: int) -> list[dict]:
        return self.cache[i]
