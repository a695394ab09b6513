"""The example notebook runs top to bottom in a real Jupyter kernel and shows what it promises:
short HTML summaries, figures as images, dates on the time axis; plus the reprs on their own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "notebook.ipynb"


def test_example_notebook_runs(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    out = tmp_path / "nb_results"
    monkeypatch.setenv("DIVERSIM_NOTEBOOK_OUT", str(out))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's own (inline) backend
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    htmls = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("diversim-scenario" in h for h in htmls)  # the scenario's summary
    assert any("diversim-run" in h and ("Recommended" in h or "best" in h) for h in htmls)
    assert all(len(h) < 20_000 for h in htmls if "diversim-" in h)  # a summary, not a dump
    pngs = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(pngs) >= 2  # the service plot and the route map
    assert (out / "report.html").is_file() and (out / "summary.csv").is_file()
    assert os.environ.get("DIVERSIM_NOTEBOOK_OUT") == str(out)


def test_reprs_are_short(tiny_data):
    import simulator

    sc = simulator.scenario_from_dict({**tiny_data, "start_date": "2024-03-01"})
    assert repr(sc).startswith("<Scenario 'tiny': 8 nodes") and len(repr(sc)) < 200
    assert str(sc) == repr(sc)
    html = sc._repr_html_()
    assert "suez_block" in html and "2024-03-01" in html and "from 2024-05-20" in html
    res = simulator.run(sc, replications=2, jobs=1, progress=False, alternatives=False)
    assert repr(res).startswith("<RunResult 'tiny': 3 policies × 2 replications")
    html = res._repr_html_()
    assert html.count("<tr") == 1 + 3 and "★" in html and len(html) < 10_000


def test_plot_accessor_returns_figures_with_dates(tiny_data):
    import simulator

    sc = simulator.scenario_from_dict({**tiny_data, "start_date": "2024-03-01"})
    res = simulator.run(sc, replications=2, jobs=1, progress=False, alternatives=False)
    fig = res.plot.service()
    from matplotlib.figure import Figure

    assert isinstance(fig, Figure)
    bottom = fig.axes[len(res.policies) - 1]
    labels = [t.get_text() for t in bottom.get_xticklabels()]
    # Day 0 = 1 Mar 2024, 200 days: month starts Mar 2024 … Sep.
    assert labels[:3] == ["Mar 2024", "Apr", "May"] and labels[-1] == "Sep"
    assert bottom.get_xticks()[1] == 31  # 1 Apr is day 31
    assert "1 Mar 2024" in bottom.get_xlabel()
    assert isinstance(res.plot.route_map(), Figure)
    assert set(dir(res.plot)) >= {"service", "inventory", "route_map", "paired"}


def test_month_ticks_thin_out_over_long_horizons():
    from datetime import date

    from simulator.output.time_axis import month_ticks

    ticks = month_ticks(date(2023, 8, 1), 730)  # 24 month starts: every 2nd one, odd months
    labels = [label for _, label in ticks]
    assert len(ticks) == 12 and ticks[0] == (31.0, "Sep 2023")  # 1 Sep 2023 is day 31
    assert "Jan 2024" in labels and "Jan 2025" in labels and "Feb" not in labels
