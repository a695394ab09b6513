"""Which figures a run and a sweep report, and the tidy row of figures of one replication.

Pure data: the lists name columns of the tables (``replications.csv``, ``episodes.csv``,
``sweep.csv``) in the order they are summarised; :func:`replication_row` builds one row.
"""

from __future__ import annotations

import math
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
    "cost_transport_fixed",
    "cost_ordering",
    "cost_pipeline",
    "cost_holding",
    "cost_shortage",
    "cost_reservation",
    "cost_expedite",
    "cost_total",
    "cost_per_unit",
    "cost_per_unit_purchase",
    "cost_per_unit_freight",
    "cost_per_unit_ordering",
    "cost_per_unit_pipeline",
    "cost_per_unit_holding",
    "cost_per_unit_shortage",
    "cost_per_unit_reservation",
    "landed_cost_per_unit",
    "units_delivered",
    "units_expedited",
    "warnings_issued",
    "false_alarms",
    "hhi_supplier",
    "hhi_country",
    "hhi_chokepoint",
    "chokepoint_exposure",
    "effective_sources",
    "worst_performance_loss",
    "total_performance_loss",
    "episodes_with_shortage",
]
#: Per disruption episode × site (``episodes.csv``); summarised per disruption and over all
#: episodes by :func:`simulator.analysis.episodes.summarize_episodes` (P(shortage), Kaplan–Meier
#: TTS and TTR given a shortage, loss and the rest over all scored episodes).
EPISODE_FIGURES = [
    "shortage",
    "tts_days",
    "tts_censored",
    "ttr_days",
    "ttr_censored",
    "performance_loss",
    "unmet_units",
    "nadir",
    "fill_rate_during",
]
#: The scope of the summary rows over every scored episode of every disruption.
ALL_EPISODES = "all episodes"

_RATES = (
    "fill_rate",
    "cycle_service_level",
    "stockout_any",
    "hhi_supplier",
    "hhi_country",
    "hhi_chokepoint",
    "chokepoint_exposure",
    "nadir",
    "fill_rate_during",
    "p_shortage",
    "shortage",
)
#: The range a figure can take: summaries clip their confidence intervals to it (a rate stays
#: in [0, 1], a count or a cost stays >= 0). Figures not listed are unbounded.
FIGURE_RANGE: dict[str, tuple[float, float]] = {f: (0.0, 1.0) for f in _RATES}


def figure_range(figure: str) -> tuple[float, float]:
    """(low, high) of a figure's possible values (costs, counts, days and losses are >= 0)."""
    if figure in FIGURE_RANGE:
        return FIGURE_RANGE[figure]
    nonneg = (
        figure.startswith(("cost_", "units_", "tts_", "ttr_"))
        or figure.endswith(("_units", "_loss", "_days", "_sales", "_demand", "backorders"))
        or figure in ("on_hand_avg", "effective_sources", "landed_cost_per_unit")
        or figure in ("warnings_issued", "false_alarms", "episodes_with_shortage")
    )
    return (0.0, math.inf) if nonneg else (-math.inf, math.inf)


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
        "total_performance_loss": float(sum(losses)),
        "episodes_with_shortage": float(sum(e["shortage"] > 0 for e in episodes)),
        "events": events,
    }
