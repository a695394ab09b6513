"""The output verbs on a sweep folder (plots, the sweep report, refusals), the sweep plots that
facet instead of averaging, the labelled Pareto front, and file permissions."""

from __future__ import annotations

import os
import stat

import numpy as np
import pandas as pd
import pytest

import simulator
from simulator.cli import main
from simulator.output.sweep_plots import line_over_parameter, parameter_label, pareto

DURATION = "disruptions.suez_block.timing.duration_days"
COVER = "nodes.dc.inventory.order_up_to_days_of_cover"


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory):
    import importlib.util
    from pathlib import Path

    # The top-level conftest's BASE scenario (a plain `import conftest` may find another one).
    spec = importlib.util.spec_from_file_location(
        "_top_conftest", Path(__file__).resolve().parents[1] / "conftest.py"
    )
    top = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(top)
    BASE = top.BASE

    from simulator import scenario_from_dict

    old = os.umask(0o022)
    try:
        out = tmp_path_factory.mktemp("sweep") / "sw"
        res = simulator.sweep(
            scenario_from_dict(BASE),
            grid={DURATION: [2, 8], COVER: [40, 50]},
            replications=2,
            jobs=1,
            store=out,
        )
        simulator.write_sweep(res, out, report=True)
    finally:
        os.umask(old)
    return out


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_sweep_files_are_world_readable(sweep_dir):
    files = [p for p in sweep_dir.rglob("*") if p.is_file()]
    assert any(p.suffix == ".png" for p in files) and any(p.suffix == ".csv" for p in files)
    assert {_mode(p) for p in files} == {0o644}


def test_plot_on_a_sweep_folder_draws_only_sweep_plots(sweep_dir, capsys):
    before = {p.name for p in (sweep_dir / "plots").iterdir()}
    assert main(["plot", str(sweep_dir)]) == 0
    names = {p.name for p in (sweep_dir / "plots").iterdir()}
    assert names == before  # the same plots redrawn, no empty "no time series" run plots
    assert all(n.startswith("sweep_") for n in names)
    assert {"sweep_line.png", "sweep_line_2.png", "sweep_pareto.png"} <= names
    assert "files in" in capsys.readouterr().out


def test_report_on_a_sweep_folder_is_a_sweep_report(sweep_dir, capsys):
    old = os.umask(0o022)
    try:
        assert main(["report", str(sweep_dir)]) == 0
    finally:
        os.umask(old)
    html = (sweep_dir / "report.html").read_text()
    for section in ("design", "best", "plots"):
        assert f"id='{section}'" in html
    assert html.count("<figure") == len(list((sweep_dir / "plots").glob("*.png")))
    assert DURATION in html and "best policy" in html
    assert "<script" not in html
    assert _mode(sweep_dir / "report.html") == 0o644


def test_an_unfinished_sweep_folder_is_refused_clearly(tmp_path, capsys):
    (tmp_path / "design.json").write_text('{"fingerprint": "x", "points": []}')
    for verb in ("plot", "report"):
        assert main([verb, str(tmp_path)]) == 2
        err = capsys.readouterr().err
        assert "sweep has not finished" in err and "Traceback" not in err


def test_compare_refuses_a_sweep_folder(sweep_dir, results_dir, tmp_path, capsys):
    assert main(["compare", str(results_dir), str(sweep_dir), "--out", str(tmp_path)]) == 2
    assert "is a sweep folder" in capsys.readouterr().err


def test_parameter_label_keeps_the_element_named():
    assert parameter_label(DURATION) == "suez_block.timing.duration_days"
    assert parameter_label("horizon_days") == "horizon_days"


def _summary(rows):
    return pd.DataFrame(
        rows, columns=["point", "a", "b", "policy", "figure", "mean", "ci_low", "ci_high"]
    )


def test_line_facets_a_second_axis_instead_of_averaging_it():
    # fill rate = b exactly: averaging over b would draw 0.5 everywhere.
    rows, k = [], 0
    for a in (1, 2, 3):
        for b in (0.0, 1.0):
            rows.append((k, a, b, "p", "fill_rate", b, b, b))
            k += 1
    fig = line_over_parameter(_summary(rows), "a", ["p"], facet="b")
    panels = [ax for ax in fig.axes if ax.get_lines()]
    assert len(panels) == 2
    ys = sorted(tuple(ax.get_lines()[0].get_ydata()) for ax in panels)
    assert ys == [(0.0, 0.0, 0.0), (1.0, 1.0, 1.0)]
    assert [ax.get_title() for ax in panels] == ["b = 0", "b = 1"]


def test_pareto_front_is_drawn_through_its_points_and_labelled():
    # (cost, fill): x=(1, .8) and y=(2, .9) are on the front, z=(3, .85) is beaten by y.
    rows = []
    for point, pol, cost, fill in ((0, "x", 1, 0.8), (0, "y", 2, 0.9), (1, "z", 3, 0.85)):
        rows += [
            (point, point, 0, pol, "cost_per_unit", cost, cost, cost),
            (point, point, 0, pol, "fill_rate", fill, fill, fill),
        ]
    fig = pareto(_summary(rows), ["x", "y", "z"], ["a"])
    ax = fig.axes[0]
    (front,) = [ln for ln in ax.get_lines() if ln.get_gid() == "pareto-front"]
    assert np.allclose(front.get_xdata(), [1, 2]) and np.allclose(front.get_ydata(), [0.8, 0.9])
    labels = [t.get_text() for t in ax.texts]
    assert labels == ["x\na=0", "y\na=0"]


def test_too_many_values_to_facet_draws_every_point_instead():
    # A Latin hypercube: b takes a new value at every point; nothing may be averaged.
    rng = np.random.default_rng(3)
    rows = [
        (k, float(a), float(b), "p", "fill_rate", b, b - 0.01, b + 0.01)
        for k, (a, b) in enumerate(zip(rng.uniform(0, 1, 10), rng.uniform(0, 1, 10), strict=True))
    ]
    fig = line_over_parameter(_summary(rows), "a", ["p"], facet="b")
    (ax,) = fig.axes
    (dots,) = [c for c in ax.containers]  # one errorbar container: the design points
    y = dots.lines[0].get_ydata()
    assert sorted(y) == sorted(r[5] for r in rows)  # every point's own mean
    assert "one dot per design point" in ax.get_title()
