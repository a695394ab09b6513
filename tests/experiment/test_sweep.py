"""Sweeps: parameter paths, designs, executors, resuming from a point store."""

from __future__ import annotations

import pytest

import simulator
from simulator.errors import ScenarioError, UsageError
from simulator.experiment.designs import grid, latin_hypercube, parse_grid_option
from simulator.experiment.parameters import apply_parameters
from simulator.experiment.sweep import sweep

DURATION = "disruptions.suez_block.timing.duration_days"
COVER = "nodes.dc.inventory.order_up_to_days_of_cover"


def test_apply_parameters_sets_fields_and_revalidates(tiny):
    sc = apply_parameters(
        tiny, {DURATION: 12, "sourcing.split.shares.cn": 0.7, "sourcing.split.shares.vn": 0.3}
    )
    assert sc.disruptions["suez_block"].timing.duration_days == 12
    assert sc.sourcing["split"].shares == {"cn": 0.7, "vn": 0.3}
    assert tiny.disruptions["suez_block"].timing.duration_days == 6  # the original is untouched
    # An optional field that the file leaves out can be set too.
    sc = apply_parameters(tiny, {"nodes.port_cn.capacity_per_day": 500})
    assert sc.nodes["port_cn"].capacity_per_day == 500


def test_bad_paths_and_values_name_the_path(tiny):
    with pytest.raises(ScenarioError, match="did you mean 'suez_block'"):
        apply_parameters(tiny, {"disruptions.suez_blok.timing.duration_days": 3})
    with pytest.raises(ScenarioError) as err:
        apply_parameters(tiny, {DURATION: -3})
    assert DURATION in str(err.value)
    with pytest.raises(ScenarioError, match=r"shares sum to 1\.2"):
        apply_parameters(tiny, {"sourcing.split.shares.cn": 0.7})


def test_designs():
    axes = [parse_grid_option("a=1,2"), parse_grid_option("b,c=0.5:0.5,0.7:0.3")]
    pts = grid(axes)
    assert pts == [
        {"a": 1, "b": 0.5, "c": 0.5},
        {"a": 1, "b": 0.7, "c": 0.3},
        {"a": 2, "b": 0.5, "c": 0.5},
        {"a": 2, "b": 0.7, "c": 0.3},
    ]
    lhs = latin_hypercube({"x": (0.0, 10.0), "y": (1.0, 2.0)}, 8, seed=3)
    assert len(lhs) == 8
    # Latin hypercube: each of the 8 equal strata of each range holds exactly one sample.
    assert sorted(int(p["x"] // 1.25) for p in lhs) == list(range(8))
    assert sorted(int((p["y"] - 1) // 0.125) for p in lhs) == list(range(8))
    assert lhs == latin_hypercube({"x": (0.0, 10.0), "y": (1.0, 2.0)}, 8, seed=3)
    with pytest.raises(UsageError):
        parse_grid_option("b,c=0.5,0.7")


def test_sweep_tables(tiny):
    res = simulator.sweep(tiny, grid={DURATION: [3, 12], COVER: [30, 60]}, replications=2, jobs=1)
    assert len(res.points) == 4
    assert len(res.rows) == 4 * 3 * 2  # points × policies × replications
    assert {DURATION, COVER, "policy", "replication", "fill_rate"} <= set(res.rows.columns)
    fr = res.summary[(res.summary["figure"] == "fill_rate")]
    assert len(fr) == 4 * 3 and (fr["ci_low"] <= fr["mean"]).all()
    # More cover never hurts the single source on the same random numbers.
    single = fr[fr["policy"] == "single"].set_index([DURATION, COVER])["mean"]
    assert single[(12, 60)] >= single[(12, 30)]


@pytest.mark.slow
def test_same_tables_with_one_two_workers_and_dask(tiny):
    kw = {"grid": {DURATION: [3, 12]}, "replications": 3}
    a = simulator.sweep(tiny, jobs=1, **kw)
    b = simulator.sweep(tiny, jobs=2, **kw)
    c = simulator.sweep(tiny, jobs=2, executor="dask", **kw)
    assert a.summary.to_csv() == b.summary.to_csv() == c.summary.to_csv()
    assert a.rows.to_csv() == c.rows.to_csv()


class MemoryStore:
    """A point store in memory (the experiment layer sees only the PointStore protocol)."""

    def __init__(self) -> None:
        self.fingerprint: str | None = None
        self.rows: dict[int, list[dict]] = {}

    def prepare(self, fingerprint, design, force) -> None:
        if self.fingerprint not in (None, fingerprint):
            if not force:
                raise UsageError("other settings")
            self.rows.clear()
        self.fingerprint = fingerprint

    def load(self, i):
        return self.rows.get(i)

    def save(self, i, rows) -> None:
        self.rows[i] = rows


def test_a_sweep_resumes_from_its_point_store(tiny):
    store = MemoryStore()
    kw = {"grid": {DURATION: [3, 12]}, "replications": 2, "jobs": 1, "store": store}
    first = sweep(tiny, **kw)
    assert first.computed_points == 2 and sorted(store.rows) == [0, 1]
    del store.rows[1]  # as if interrupted before point 1 was stored
    again = sweep(tiny, **kw)
    assert again.computed_points == 1
    assert again.rows.to_csv() == first.rows.to_csv()
    assert again.summary.to_csv() == first.summary.to_csv()
    with pytest.raises(UsageError, match="other settings"):
        sweep(tiny, **{**kw, "replications": 3})
    assert sweep(tiny, **{**kw, "replications": 3}, force=True).computed_points == 2
