"""One task = one policy × replication (× design point): simulate, then reduce to figures.

Runs in worker processes; returns small, picklable results. The scenario is installed once per
worker (initializer), so tasks carry only their keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..analysis.figures import replication_row
from ..analysis.metrics import (
    daily_service,
    episode_rows,
    replication_figures,
    site_figures,
    site_totals,
)
from ..model.early_warning import WarningUse
from ..model.replication import run_replication
from ..network.graph import Network
from ..scenario.schema import Scenario


@dataclass(frozen=True)
class TaskKey:
    """One task: a policy × replication (× design point); ``variant`` names a reaction to early
    warnings other than the policy's own (``none``: ignore them, ``true_only``: ignore false
    alarms), run to price the warnings."""

    policy: str
    replication: int
    point: int = 0
    variant: str = ""


@dataclass
class TaskOutput:
    """Figures of one policy × replication, its episodes and its daily series (sites summed)."""

    key: TaskKey
    figures: dict[str, float]
    episodes: list[dict]
    service: np.ndarray  # P(d) per day, all sites together
    on_hand: np.ndarray  # units at day end
    backlog: np.ndarray  # units at day end
    leg_units: dict[str, int]
    events: int
    sites: list[dict] = field(default_factory=list)  # per-site figures

    def row(self, scenario_name: str, seed: int) -> dict:
        """This task's tidy row of figures (:func:`simulator.analysis.figures.replication_row`)."""
        k = self.key
        return replication_row(
            scenario_name, k.policy, k.replication, seed, self.figures, self.episodes, self.events
        )


_WORKER: dict[int, tuple[Scenario, Network]] = {}


def install(scenarios: dict[int, Scenario]) -> None:
    """Worker initializer: keep each design point's scenario and its network (routes cached)."""
    _WORKER.clear()
    for point, sc in scenarios.items():
        _WORKER[point] = (sc, Network(sc))


def simulate(key: TaskKey, seed: int) -> TaskOutput:
    """Run one task in this process (scenario installed by :func:`install`)."""
    sc, network = _WORKER[key.point]
    use = WarningUse(key.variant) if key.variant else WarningUse.ALL
    # Every design point draws from the same streams (point 0): common random numbers across the
    # points of a sweep, a stress test or a buffer search, as well as across policies.
    r = run_replication(
        sc, key.policy, key.replication, seed=seed, network=network, point=0, warnings=use
    )
    tot = site_totals(r)
    return TaskOutput(
        key=key,
        figures=replication_figures(r, sc),
        episodes=episode_rows(r, sc),
        service=daily_service(tot["demand"], tot["met"]).astype(np.float32),
        on_hand=tot["on_hand_end"].astype(np.float32),
        backlog=tot["backlog_end"].astype(np.float32),
        leg_units=r.leg_units,
        events=r.events,
        sites=site_figures(r),
    )
