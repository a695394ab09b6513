"""What one replication of one policy returns: the raw material for every figure.

Plain numpy arrays and tuples, gathered during the run; DataFrames are built only on request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..scenario.types import OrderRole
from .calendar import Episode

COST_CATEGORIES = (
    "purchase",
    "transport",
    "transport_fixed",  # per-shipment fixed costs of legs (slots, handling, customs)
    "ordering",  # fixed cost per order placed
    "holding",
    "shortage",
    "reservation",
    "expedite",  # freight of expedited shipments
)


class ShipmentRecord(NamedTuple):
    """One delivered shipment (times in days, quantities in units)."""

    shipment: int
    supplier: str
    site: str
    role: OrderRole
    units_ordered: int
    units_delivered: int
    ordered_at: float
    dispatched_at: float
    arrived_at: float
    legs: tuple[str, ...]
    chokepoints: tuple[str, ...]  # chokepoint nodes passed, in order
    rerouted: int  # times the shipment switched route on the way
    waited_days: float  # days held at closures
    unit_price: float  # purchase price per unit paid for its order (currency)
    freight: float  # freight and fixed per-shipment costs paid to move it (currency)


SHIPMENT_COLUMNS = ShipmentRecord._fields


@dataclass
class ReplicationResult:
    """Per-site daily series, costs per day, shipments, the disruption log and unit balances.

    Days are whole days 0 … horizon−1; ``warmup_days`` marks where the measurement window starts.
    """

    scenario: str
    policy: str
    replication: int
    seed: int
    point: int
    horizon_days: int
    warmup_days: int
    sites: dict[str, dict[str, np.ndarray]]
    costs: dict[str, np.ndarray]
    shipments: list[ShipmentRecord]
    episodes: list[Episode]
    episode_sites: dict[tuple[str, int], tuple[str, ...]]
    balance: dict[str, float]
    leg_units: dict[str, int] = field(default_factory=dict)
    events: int = 0
    warnings: list = field(default_factory=list)  # early warnings issued (early_warning.Warning)
    # Shipments still on their way at the horizon: (dispatched at, units), for pipeline cost.
    in_flight: list[tuple[float, int]] = field(default_factory=list)

    # ---------------------------------------------------------------- tidy views
    def daily_frame(self) -> pd.DataFrame:
        """One row per site and day: every series of :mod:`simulator.model.ledger`."""
        frames = []
        for site, arrays in self.sites.items():
            df = pd.DataFrame(arrays)
            df.insert(0, "day", np.arange(self.horizon_days))
            df.insert(0, "site", site)
            frames.append(df)
        out = pd.concat(frames, ignore_index=True)
        out.insert(0, "replication", self.replication)
        out.insert(0, "policy", self.policy)
        return out

    def cost_frame(self) -> pd.DataFrame:
        """One row per day with each cost category (currency)."""
        df = pd.DataFrame(self.costs)
        df.insert(0, "day", np.arange(self.horizon_days))
        return df

    def shipment_frame(self) -> pd.DataFrame:
        """One row per delivered shipment (the fields of :class:`ShipmentRecord`)."""
        df = pd.DataFrame(self.shipments, columns=list(SHIPMENT_COLUMNS))
        df.insert(0, "replication", self.replication)
        df.insert(0, "policy", self.policy)
        return df

    def episode_frame(self) -> pd.DataFrame:
        rows = [
            {
                "disruption": e.disruption,
                "episode": e.index,
                "start": e.start,
                "end": e.end,
                "target": e.target,
                "nodes": ",".join(e.nodes),
                "legs": ",".join(e.legs),
                "began_before_start": e.began_before_start,
                "affected_sites": ",".join(self.episode_sites.get((e.disruption, e.index), ())),
            }
            for e in self.episodes
        ]
        return pd.DataFrame(
            rows,
            columns=[
                "disruption",
                "episode",
                "start",
                "end",
                "target",
                "nodes",
                "legs",
                "began_before_start",
                "affected_sites",
            ],
        )

    def service_by_day(self, site: str) -> np.ndarray:
        """P(d): units of day-d demand met from stock ÷ units demanded (1 with no demand)."""
        a = self.sites[site]
        with np.errstate(invalid="ignore", divide="ignore"):
            p = np.where(a["demand"] > 0, a["met"] / np.maximum(a["demand"], 1), 1.0)
        return p
