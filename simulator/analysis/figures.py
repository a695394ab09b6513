"""Which figures a run and a sweep report, and the tidy row of figures of one replication.

Pure data: the lists name columns of the tables (``replications.csv``, ``episodes.csv``,
``sweep.csv``) in the order they are summarised; :func:`replication_row` builds one row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

#: Per policy × replication (``replications.csv``), summarised in ``summary.csv``.
REPLICATION_FIGURES = [
    "fill_rate",
    "cycle_service_level",
    "unmet_demand",
    "lost_sales",
    "backordered_units",
    "backorders",
    "on_hand_avg",
    "stockout_any",
    "cost_purchase",
    "cost_transport",
    "cost_holding",
    "cost_shortage",
    "cost_reservation",
    "cost_total",
    "cost_per_unit",
    "landed_cost_per_unit",
    "units_delivered",
    "hhi_supplier",
    "hhi_country",
    "hhi_chokepoint",
    "chokepoint_exposure",
    "effective_sources",
    "worst_performance_loss",
    "episodes_with_shortage",
]
#: Per disruption episode × site (``episodes.csv``), summarised per disruption.
EPISODE_FIGURES = [
    "tts_days",
    "tts_censored",
    "ttr_days",
    "ttr_censored",
    "performance_loss",
    "unmet_units",
    "nadir",
]
#: The headline figure: what ``--target-halfwidth`` and the sweep plots are about.
HEADLINE = "fill_rate"
#: Summarised per design point × policy in a sweep's ``summary.csv``.
SWEEP_FIGURES = [
    "fill_rate",
    "cycle_service_level",
    "unmet_demand",
    "cost_per_unit",
    "cost_total",
    "hhi_supplier",
    "hhi_chokepoint",
    "worst_performance_loss",
    "stockout_any",
]
#: Compared side by side by ``diversim compare`` unless ``--figure`` says otherwise.
HEADLINE_FIGURES = [
    "fill_rate",
    "cycle_service_level",
    "unmet_demand",
    "cost_per_unit",
    "hhi_supplier",
    "hhi_chokepoint",
    "worst_performance_loss",
]


def replication_row(
    scenario: str,
    policy: str,
    replication: int,
    seed: int,
    figures: Mapping[str, float],
    episodes: Sequence[Mapping[str, Any]],
    events: int,
) -> dict[str, Any]:
    """One tidy row of figures for one policy × replication: its figures, then the worst
    performance loss (demand-days) and the number of episodes that caused a shortage (not
    censored) among ``episodes``, then the number of model events."""
    losses = [e["performance_loss"] for e in episodes]
    return {
        "scenario": scenario,
        "policy": policy,
        "replication": replication,
        "seed": seed,
        **figures,
        "worst_performance_loss": max(losses) if losses else 0.0,
        "episodes_with_shortage": float(sum(e["tts_censored"] == 0 for e in episodes)),
        "events": events,
    }
