"""Reading a results folder: the scenario as run comes back typed, or clearly without it."""

from __future__ import annotations

import shutil

from simulator.output import route_map
from simulator.output.loading import load_results
from simulator.output.report import build_report


def test_the_scenario_is_read_once_and_typed(data, names):
    assert data.scenario is not None and data.scenario.name == names["scenario"]
    assert data.scenario_note == ""
    assert [d.id for d in data.scheduled] == ["suez_block", "cn_ban"]
    assert data.scheduled[0].target.node == "suez"
    assert (data.currency, data.recovery_threshold, data.warmup_days) == ("USD", 0.95, 10.0)


def test_a_scenario_that_no_longer_validates_is_left_out_with_a_note(results_dir, tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    for f in results_dir.iterdir():
        if f.is_file() and f.suffix in (".csv", ".json", ".txt"):
            shutil.copy(f, folder)
    text = (results_dir / "scenario.resolved.yaml").read_text()
    assert "horizon_days: 150\n" in text
    (folder / "scenario.resolved.yaml").write_text(
        text.replace("horizon_days: 150\n", "horizon_days: -1\n")
    )
    data = load_results(folder)
    assert data.scenario is None and data.scheduled == []
    assert "does not validate" in data.scenario_note and "horizon_days" in data.scenario_note
    assert data.scenario_text.count("horizon_days: -1") == 1  # still shown as it is
    fig = route_map.route_map(data)
    assert any("does not validate" in t.get_text() for ax in fig.axes for t in ax.texts)
    assert "does not validate" in build_report(data, [])
