"""Gathering a run's tables as outputs arrive: the same tables as building them all at once,
whatever the arrival order, with the daily series kept for at most BAND_REPLICATIONS."""

from __future__ import annotations

import dataclasses
import math
import random

import numpy as np
import pandas as pd
import pytest

from simulator.experiment import gather
from simulator.experiment.executors import run_local
from simulator.experiment.gather import RowTable, RunTables
from simulator.experiment.tasks import TaskKey


def test_packed_rows_are_the_frame_of_all_rows(monkeypatch):
    monkeypatch.setattr(gather, "MAX_FRAMES", 2)  # packed frames are joined as well
    rows = [
        {
            "policy": f"p{i % 3}",
            "replication": i,
            "x": math.nan if i % 4 == 0 else i / 7,
            "n": i * 3,
            "censored": i % 2 == 0,
            "mixed": i if i < 5 else i + 0.5,  # ints in the first chunks, floats later
        }
        for i in range(23)
    ]
    table = RowTable(chunk=4)
    for i in range(0, len(rows), 3):
        table.extend(rows[i : i + 3])
    assert len(table) == len(rows)
    pd.testing.assert_frame_equal(table.frame(), pd.DataFrame(rows), check_exact=True)
    # A second look gives the same frame.
    pd.testing.assert_frame_equal(table.frame(), pd.DataFrame(rows), check_exact=True)


def test_an_empty_table_has_the_columns_asked_for():
    assert list(RowTable().frame(columns=["a", "b"]).columns) == ["a", "b"]
    assert gather.stacked([RowTable(), RowTable()]).empty


def test_units_per_leg_are_the_mean_over_the_replications_that_report_them():
    # Ten times over, so the array grows past its first 16 rows twice.
    reported = [{"a": 3, "b": 0}, {"a": 5, "b": 2}, {"b": 7, "c": 1}, {"a": 1, "b": 1, "c": 4}] * 10
    got = _leg_means(reported)
    pd.testing.assert_frame_equal(got, _long_mean(reported), check_exact=True)
    assert list(got["leg"]) == ["a", "b", "c"]
    assert list(got["units"]) == [3.0, 2.5, 2.5]


def test_units_per_leg_are_summed_as_grouping_the_long_table_would():
    # Values whose float sum depends on how it is made (pandas' grouped mean is compensated),
    # a leg first seen late, and a leg whose only value is NaN (dropped, as from the long table).
    rng = np.random.default_rng(5)
    reported = [{"a": x, "b": 1e16 * y} for x, y in rng.normal(size=(70, 2))]
    reported[40]["late"] = 0.1
    reported[41]["late"] = 0.2
    reported[50]["never"] = math.nan
    pd.testing.assert_frame_equal(_leg_means(reported), _long_mean(reported), check_exact=True)
    assert list(_leg_means(reported)["leg"]) == ["a", "b", "late"]


def _leg_means(reported) -> pd.DataFrame:
    legs = gather._LegUnits()
    for units in reported:
        legs.add(units)
    return legs.means("p")


def _long_mean(reported) -> pd.DataFrame:
    """The mean per leg as the long (policy, replication, leg, units) table grouped gives it."""
    long = [
        {"policy": "p", "replication": r, "leg": leg, "units": u}
        for r, units in enumerate(reported)
        for leg, u in units.items()
        if not math.isnan(u)
    ]
    return pd.DataFrame(long).groupby(["policy", "leg"], sort=False)["units"].mean().reset_index()


def _outputs(sc, n):
    keys = [TaskKey(p, r) for r in range(n) for p in sc.sourcing]
    return list(run_local({0: sc}, keys, 7, 1))


def _tables(sc, outputs) -> RunTables:
    t = RunTables(sc.name, 7, list(sc.sourcing))
    for out in outputs:
        t.add(out)
    assert t.waiting == 0
    return t


def _frames(t: RunTables) -> dict[str, pd.DataFrame]:
    return {
        "replications": t.replications(),
        "episodes": t.episodes(),
        "sites": t.sites(),
        "leg_flows": t.leg_flows(),
        "timeseries": t.timeseries(),
    }


def test_tables_do_not_depend_on_the_order_outputs_arrive_in(tiny, monkeypatch):
    monkeypatch.setattr(gather, "ROW_CHUNK", 5)
    outputs = _outputs(tiny, 8)
    in_order = _frames(_tables(tiny, outputs))
    shuffled = list(outputs)
    random.Random(3).shuffle(shuffled)
    t = RunTables(tiny.name, 7, list(tiny.sourcing))
    for out in shuffled[:-1]:
        t.add(out)
    # Outputs of a stream that came before the missing one are taken; later ones wait for it.
    missing = shuffled[-1].key
    assert t.waiting == 8 - 1 - missing.replication
    t.add(shuffled[-1])
    assert t.waiting == 0
    for name, frame in _frames(t).items():
        pd.testing.assert_frame_equal(frame, in_order[name], check_exact=True, obj=name)
    reps = in_order["replications"]
    assert list(reps["policy"]) == [p for p in tiny.sourcing for _ in range(8)]
    assert list(reps["replication"]) == list(range(8)) * len(tiny.sourcing)


@pytest.mark.parametrize("cap", [3, 50])
def test_daily_bands_are_the_quantiles_of_the_first_replications(tiny, monkeypatch, cap):
    monkeypatch.setattr(gather, "BAND_REPLICATIONS", cap)
    n = 6
    outputs = _outputs(tiny, n)
    t = _tables(tiny, outputs)
    ts = t.timeseries()
    for p in tiny.sourcing:
        mine = sorted((o for o in outputs if o.key.policy == p), key=lambda o: o.key.replication)
        g = ts[ts["policy"] == p]
        for s in gather.SERIES:
            m = np.vstack([getattr(o, s) for o in mine]).astype(float)
            np.testing.assert_array_equal(g[f"{s}_mean"], m.mean(axis=0))
            q = np.quantile(m[:cap], [0.05, 0.5, 0.95], axis=0)
            for level, row in zip(("p05", "p50", "p95"), q, strict=True):
                np.testing.assert_array_equal(g[f"{s}_{level}"], row)
        # Only the first `cap` replications' series are kept, whatever n is.
        assert all(len(v) == min(cap, n) for v in t._bands[p].kept.values())
    # With fewer replications than the cap the bands use every replication: the p95 of the
    # on-hand series is then at least the largest value of any replication but one.
    if cap >= n:
        g = ts[ts["policy"] == "single"]
        on_hand = np.vstack([o.on_hand for o in outputs if o.key.policy == "single"])
        assert (g["on_hand_p95"].to_numpy() <= on_hand.max(axis=0) + 1e-9).all()
        assert (g["on_hand_p95"].to_numpy() >= np.sort(on_hand, axis=0)[-2] - 1e-9).all()


def test_warning_variants_give_rows_only(tiny):
    outputs = _outputs(tiny, 3)
    t = RunTables(tiny.name, 7, list(tiny.sourcing))
    for out in outputs:
        t.add(out)
        key = TaskKey(out.key.policy, out.key.replication, 0, "none")
        t.add(dataclasses.replace(out, key=key))
    rows = t.variant_rows()["none"]
    pd.testing.assert_frame_equal(rows, t.replications(), check_exact=True)
    assert len(t.timeseries()) == len(tiny.sourcing) * tiny.horizon_days


def test_warning_variants_come_in_their_fixed_order_whatever_arrives_first(tiny):
    # With several workers the first output of "true_only" can arrive before any of "none": the
    # warning-value table must not follow that (it did, and its rows changed order between runs).
    outputs = _outputs(tiny, 2)
    tables = []
    for arrival in (["true_only", "none"], ["none", "true_only"]):
        t = RunTables(tiny.name, 7, list(tiny.sourcing))
        for variant in arrival:
            for out in outputs:
                key = TaskKey(out.key.policy, out.key.replication, 0, variant)
                t.add(dataclasses.replace(out, key=key))
        tables.append(t.variant_rows())
    assert [list(v) for v in tables] == [["none", "true_only"]] * 2
    for variant in ("none", "true_only"):
        pd.testing.assert_frame_equal(tables[0][variant], tables[1][variant], check_exact=True)
