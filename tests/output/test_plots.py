"""Each plot draws the series it should, in one colour per policy."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.analysis.pareto import non_dominated
from simulator.output import plots
from simulator.output.style import PALETTE, figure_bytes, mpl_text, policy_colors


def _lines_with_gid(fig, gid: str) -> list:
    return [ln for ax in fig.axes for ln in ax.get_lines() if ln.get_gid() == gid]


def _gids(fig) -> list[str]:
    return [a.get_gid() for a in fig.findobj() if a.get_gid()]


def test_palette_is_keyed_by_policy_order():
    c = policy_colors(["a", "b", "c"])
    assert c == {"a": PALETTE[0], "b": PALETTE[1], "c": PALETTE[2]}
    assert len(set(policy_colors([str(i) for i in range(30)]).values())) == len(PALETTE)


def test_service_plot_has_one_mean_line_per_policy_with_its_colour(data):
    fig = plots.service_over_time(data)
    assert len(data.policies) == 3
    for p in data.policies:
        lines = _lines_with_gid(fig, p)
        assert len(lines) == 1, p
        assert lines[0].get_color() == data.colors[p]
        assert len(lines[0].get_xdata()) == 150  # one point per simulated day
    # One panel per policy, each with the dashed recovery threshold at 95%, and the two
    # scheduled disruptions named on the top axis.
    panels = [ax for ax in fig.axes if ax.get_ylabel() == "fill rate (%)"]
    assert len(panels) == 3
    for ax in panels:
        thr = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
        assert len(thr) == 1 and thr[0].get_ydata()[0] == pytest.approx(95.0)
    tops = [c for ax in fig.axes for c in ax.child_axes]  # the secondary top axis
    labels = [t.get_text() for ax in tops for t in ax.get_xticklabels()]
    assert "suez_block" in labels and "cn_ban" in labels
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "scheduled disruption" in legend and "recovery threshold (95%)" in legend
    assert "random disruption (replication 0)" in legend


def test_inventory_plot_has_on_hand_and_backlog_per_policy(data):
    fig = plots.inventory_over_time(data)
    for p in data.policies:
        assert len(_lines_with_gid(fig, f"on_hand:{p}")) == 1
        assert len(_lines_with_gid(fig, f"backlog:{p}")) == 1


def test_comparison_has_five_panels_and_a_point_per_policy(data):
    fig = plots.policy_comparison(data)
    # Titles wrap rather than overlap their neighbours: compare them with the breaks undone.
    titles = [ax.get_title(loc="left").replace("\n", " ") for ax in fig.axes]
    assert titles == [
        "Fill rate (%)",
        "Unmet demand (units per replication)",
        "Cost per unit delivered (USD/unit)",
        "Time to survive (days)",
        "Time to recover (days)",
    ]
    gids = _gids(fig)
    s = data.summary
    for p in data.policies:
        assert gids.count(p) == 3  # fill rate, unmet demand, cost per unit
        # A TTS/TTR dot wherever the Kaplan–Meier median given a shortage exists.
        median = s[
            (s["scope"] == "cn_ban") & (s["policy"] == p) & (s["figure"] == "tts_days_median")
        ]
        assert (f"cn_ban:{p}" in gids) == bool(np.isfinite(median["mean"]).any())
    assert any(g.startswith("cn_ban:") for g in gids)


def test_paired_plot_leaves_out_the_baseline(data, names):
    fig = plots.paired_differences(data)
    gids = _gids(fig)
    assert data.baseline == "single"
    assert "single" not in gids
    assert gids.count("backup") == len(plots.PAIRED_PANELS)
    assert gids.count(names["policy"]) == len(plots.PAIRED_PANELS)


def test_cost_vs_resilience_rings_the_non_dominated_policies(data):
    fig = plots.cost_vs_resilience(data)
    ring = next(a for a in fig.findobj() if a.get_gid() == "non-dominated")
    rows = data.summary_rows()
    pts = {}
    for p in data.policies:
        r = rows[rows["policy"] == p].set_index("figure")
        pts[p] = (r.loc["cost_per_unit", "mean"], 100 * r.loc["fill_rate", "mean"])
    assert len(ring.get_offsets()) == len(non_dominated(pts))
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {mpl_text(p) for p in data.policies} <= texts


def test_performance_loss_has_a_box_per_disruption_and_policy(data):
    fig = plots.performance_loss(data)
    gids = set(_gids(fig))
    for d in ("suez_block", "cn_ban"):
        for p in data.policies:
            assert f"{d}:{p}" in gids
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()][:2] == ["suez_block", "cn_ban"]


def test_dollar_signs_are_literal_not_mathtext(data):
    """The policy '$1$' would be parsed as mathtext if not escaped."""
    assert mpl_text("a $1$ b") == r"a \$1\$ b"
    fig = plots.cost_vs_resilience(data)
    assert figure_bytes(fig, "png")[:4] == b"\x89PNG"


def test_placeholders_when_there_is_nothing_to_draw(data):
    import dataclasses

    import pandas as pd

    empty = dataclasses.replace(
        data, paired=pd.DataFrame(), episodes=pd.DataFrame(), timeseries=pd.DataFrame()
    )
    for make in (
        plots.paired_differences,
        plots.performance_loss,
        plots.service_over_time,
        plots.inventory_over_time,
    ):
        fig = make(empty)
        assert len(fig.axes) == 1 and not fig.axes[0].axison
        figure_bytes(fig, "png")


def test_compare_runs_draws_one_point_per_run_and_policy(data):
    import pandas as pd

    s = data.summary_rows()
    table = pd.concat([s.assign(run="A"), s.assign(run="B")])
    fig = plots.compare_runs(table, ["fill_rate", "cost_per_unit"])
    gids = _gids(fig)
    for r in ("A", "B"):
        for p in data.policies:
            assert gids.count(f"{r}:{p}") == 2
