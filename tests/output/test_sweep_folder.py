"""The folder of a sweep: points stored as they finish (resumed on a rerun), then the tables and
the plots, drawn in the same policy colours as a run's."""

from __future__ import annotations

import json

import pytest

import simulator
from simulator.errors import UsageError
from simulator.output.style import policy_colors
from simulator.output.sweep_folder import SweepStore
from simulator.output.sweep_plots import line_over_parameter

DURATION = "disruptions.suez_block.timing.duration_days"


def test_store_keeps_points_and_refuses_other_settings(tmp_path):
    store = SweepStore(tmp_path / "sw")
    store.prepare("abc", [{"x": 1}, {"x": 2}], force=False)
    assert json.loads((tmp_path / "sw" / "design.json").read_text()) == {
        "fingerprint": "abc",
        "points": [{"x": 1}, {"x": 2}],
    }
    assert store.load(0) is None
    store.save(0, [{"point": 0, "policy": "a", "fill_rate": 0.1 + 0.2}])
    assert store.load(0) == [{"point": 0, "policy": "a", "fill_rate": 0.1 + 0.2}]  # round trip
    store.prepare("abc", [{"x": 1}, {"x": 2}], force=False)  # same settings: points are kept
    assert store.load(0) is not None
    with pytest.raises(UsageError, match="holds a sweep with other settings"):
        store.prepare("other", [{"x": 1}], force=False)
    store.prepare("other", [{"x": 1}], force=True)
    assert store.load(0) is None
    assert not [p for p in (tmp_path / "sw").rglob(".*")]  # no temporaries left


def test_python_sweep_with_a_folder_resumes_and_writes_the_tables(tiny, tmp_path):
    out = tmp_path / "sw"
    kw = {"grid": {DURATION: [3, 12]}, "replications": 2, "jobs": 1, "store": out}
    first = simulator.sweep(tiny, **kw)
    assert sorted(p.name for p in (out / "points").iterdir()) == [
        "point-00000.csv",
        "point-00001.csv",
    ]
    (out / "points" / "point-00001.csv").unlink()
    again = simulator.sweep(tiny, **kw)
    assert (first.computed_points, again.computed_points) == (2, 1)
    assert again.summary.to_csv() == first.summary.to_csv()
    simulator.write_sweep(again, out, report=False)
    for name in ("sweep.csv", "summary.csv", "points.csv"):
        assert (out / name).stat().st_size > 0, name
    assert not (out / "plots").exists()


def test_sweep_plots_use_the_run_palette(tiny):
    res = simulator.sweep(tiny, grid={DURATION: [3, 12]}, replications=2, jobs=1)
    fig = line_over_parameter(res.summary, DURATION, res.policies)
    colors = {ln.get_label(): ln.get_color() for ln in fig.axes[0].get_lines()}
    assert colors == policy_colors(res.policies)
