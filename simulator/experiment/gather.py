"""A run's tables gathered from its task outputs as they arrive, in bounded memory.

What a run keeps does not grow with the daily series of its replications: each policy's daily
mean is a running sum, and its p05/p50/p95 bands are the exact quantiles of its first
:data:`BAND_REPLICATIONS` replications. Rows (replications, sites, episodes) are packed into
DataFrames every :data:`ROW_CHUNK` rows instead of being held as dicts, and units per leg are
one row of floats per replication; what grows is the tables themselves, about 1 KB per policy
× replication.

Outputs arrive in any order (worker count, executor); each policy's, and each warning variant's,
are taken in replication order (an output that arrives early waits for the ones before it), so
every float sum is made in one order and the tables are identical whatever the executor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.figures import HEADLINE
from ..model.early_warning import WarningUse
from .tasks import TaskOutput

#: The daily bands of ``timeseries.csv`` are the exact 5/50/95% quantiles of each policy's
#: first this many replications (its daily mean uses every replication).
BAND_REPLICATIONS = 200

#: Rows held as dicts before they are packed into a DataFrame. A dict row costs ~10× its packed
#: size, and dicts held across many replications leave the heap fragmented: at 128 the resident
#: memory grew ~3 KB per policy × replication, at 32 about the tables' own ~1 KB.
ROW_CHUNK = 32

#: Packed frames of a table before they are joined into one (each frame has its own overhead).
MAX_FRAMES = 8

#: The daily series of a task that ``timeseries.csv`` summarises (sites summed).
SERIES = ("service", "on_hand", "backlog")


class RowTable:
    """Rows of one table, appended one dict at a time and kept packed: every ``chunk`` rows
    become a DataFrame. :meth:`frame` gives the same DataFrame as ``pd.DataFrame(rows)``."""

    def __init__(self, chunk: int | None = None) -> None:
        self._chunk = ROW_CHUNK if chunk is None else chunk
        self._rows: list[dict] = []
        self._frames: list[pd.DataFrame] = []
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def extend(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self._rows.append(row)
            self._n += 1
        if len(self._rows) >= self._chunk:
            self._pack()

    def _pack(self) -> None:
        if self._rows:
            self._frames.append(pd.DataFrame(self._rows))
            self._rows = []
        if len(self._frames) > MAX_FRAMES:
            self._frames = [pd.concat(self._frames, ignore_index=True)]

    def frame(self, columns: list[str] | None = None) -> pd.DataFrame:
        """Every row so far, in order (``columns`` when there is none)."""
        self._pack()
        if not self._frames:
            return pd.DataFrame(columns=columns)
        if len(self._frames) > 1:
            self._frames = [pd.concat(self._frames, ignore_index=True)]
        return self._frames[0]


def stacked(tables: Iterable[RowTable]) -> pd.DataFrame:
    """The rows of several tables, one after the other (an empty frame when there is none)."""
    frames = [t.frame() for t in tables if len(t)]
    if not frames:
        return pd.DataFrame()
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


@dataclass
class _Band:
    """One policy's daily series: running sums (float64, in replication order) and the series
    of its first :data:`BAND_REPLICATIONS` replications."""

    n: int = 0
    sums: dict[str, np.ndarray] = field(default_factory=dict)
    kept: dict[str, list[np.ndarray]] = field(default_factory=lambda: {s: [] for s in SERIES})

    def add(self, out: TaskOutput) -> None:
        for s in SERIES:
            x = getattr(out, s)
            if self.n == 0:
                self.sums[s] = x.astype(float)
            else:
                self.sums[s] += x
            if self.n < BAND_REPLICATIONS:
                self.kept[s].append(x)
        self.n += 1

    def frame(self, policy: str) -> pd.DataFrame:
        block = {}
        for s in SERIES:
            block[f"{s}_mean"] = self.sums[s] / self.n
            m = np.vstack(self.kept[s]).astype(float)
            q = np.quantile(m, [0.05, 0.5, 0.95], axis=0)
            block[f"{s}_p05"], block[f"{s}_p50"], block[f"{s}_p95"] = q
        df = pd.DataFrame(block)
        df.insert(0, "day", np.arange(len(df)))
        df.insert(0, "policy", policy)
        return df


class _LegUnits:
    """One policy's units per leg, one row per replication (legs as columns, in order of first
    appearance; NaN where a replication does not report a leg)."""

    def __init__(self) -> None:
        self.legs: dict[str, int] = {}
        self.units = np.empty((0, 0))
        self.n = 0

    def add(self, leg_units: Mapping[str, float]) -> None:
        for leg in leg_units:
            self.legs.setdefault(leg, len(self.legs))
        rows, cols = self.units.shape
        if self.n == rows or len(self.legs) > cols:
            grown = np.full((max(2 * rows, 16), len(self.legs)), np.nan)
            grown[:rows, :cols] = self.units
            self.units = grown
        row = self.units[self.n]
        if len(leg_units) < len(self.legs):
            row[:] = np.nan
        for leg, u in leg_units.items():
            row[self.legs[leg]] = u
        self.n += 1

    def means(self, policy: str) -> pd.DataFrame:
        """Mean units per replication on each leg (over the replications that report it), as
        (policy, leg, units) rows: pandas' grouped mean column by column, so the same
        compensated sums in replication order as grouping the long table, without it."""
        units = pd.DataFrame(self.units[: self.n])
        mean = units.groupby(np.zeros(self.n, dtype=np.intp)).mean().iloc[0].to_numpy()
        seen = units.notna().any().to_numpy()
        legs = np.array(list(self.legs), dtype=object)
        return pd.DataFrame({"policy": policy, "leg": legs[seen], "units": mean[seen]})


class RunTables:
    """The tables of one run (every policy, point 0), filled by :meth:`add` as outputs arrive.

    Warning-variant outputs give only replication rows (:meth:`variant_rows`)."""

    def __init__(self, scenario: str, seed: int, policies: list[str]) -> None:
        self.scenario, self.seed, self.policies = scenario, seed, list(policies)
        self._next: dict[tuple[str, str], int] = {}
        self._early: dict[tuple[str, str], dict[int, TaskOutput]] = {}
        self._reps = {p: RowTable() for p in policies}
        self._sites = {p: RowTable() for p in policies}
        self._episodes = {p: RowTable() for p in policies}
        self._flows = {p: _LegUnits() for p in policies}
        self._bands = {p: _Band() for p in policies}
        self._variants: dict[str, dict[str, RowTable]] = {}
        #: Per policy, its replications' headline figure so far (in replication order).
        self.headline: dict[str, list[float]] = {p: [] for p in policies}
        # One object per distinct text value: outputs from worker processes arrive unpickled,
        # with their own copy of every policy, site and disruption name.
        self._texts: dict[str, str] = {}

    def _shared(self, row: Mapping[str, Any]) -> dict[str, Any]:
        texts = self._texts
        return {k: texts.setdefault(v, v) if type(v) is str else v for k, v in row.items()}

    def add(self, out: TaskOutput) -> None:
        """Take one output (any order); those before it in its stream are taken first."""
        stream = (out.key.policy, out.key.variant)
        early = self._early.setdefault(stream, {})
        early[out.key.replication] = out
        nxt = self._next.get(stream, 0)
        while nxt in early:
            self._take(early.pop(nxt))
            nxt += 1
        self._next[stream] = nxt

    @property
    def waiting(self) -> int:
        """Outputs held until the ones before them arrive."""
        return sum(len(e) for e in self._early.values())

    def _take(self, out: TaskOutput) -> None:
        k, name, shared = out.key, self.scenario, self._shared
        p = self._texts.setdefault(k.policy, k.policy)
        row = shared(out.row(name, self.seed))
        if k.variant:
            v = self._variants.setdefault(k.variant, {})
            v.setdefault(p, RowTable()).extend([row])
            return
        self._reps[p].extend([row])
        self.headline[p].append(out.figures[HEADLINE])
        self._sites[p].extend(
            shared({"scenario": name, "policy": p, "replication": k.replication, **r})
            for r in out.sites
        )
        self._episodes[p].extend(shared({"scenario": name, **e}) for e in out.episodes)
        self._flows[p].add(out.leg_units)
        self._bands[p].add(out)

    # ---------------------------------------------------------------- the tables
    def replications(self) -> pd.DataFrame:
        """policy × replication rows, policies in order."""
        return stacked(self._reps[p] for p in self.policies)

    def sites(self) -> pd.DataFrame:
        return stacked(self._sites[p] for p in self.policies)

    def episodes(self) -> pd.DataFrame:
        return stacked(self._episodes[p] for p in self.policies)

    def leg_flows(self) -> pd.DataFrame:
        """Mean units per replication on each leg, per policy (legs in order of appearance)."""
        parts = [self._flows[p].means(p) for p in self.policies if self._flows[p].n]
        flows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        if flows.empty:
            return pd.DataFrame(columns=["policy", "leg", "units"])
        return flows

    def timeseries(self) -> pd.DataFrame:
        """Per policy and day: mean and 5/50/95% quantiles of service, on hand and backlog."""
        frames = [self._bands[p].frame(p) for p in self.policies if self._bands[p].n]
        return pd.concat(frames, ignore_index=True)

    def variant_rows(self) -> dict[str, pd.DataFrame]:
        """Per warning variant, its replication rows (policies in order), variants in their
        fixed order (ignoring every warning, then false alarms), not in the order their first
        output happened to arrive from the workers."""
        order = [v.value for v in WarningUse if v.value in self._variants]
        order += sorted(set(self._variants) - set(order))
        return {
            v: stacked(self._variants[v][p] for p in self.policies if p in self._variants[v])
            for v in order
        }
