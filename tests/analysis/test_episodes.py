"""Episode figures (DESIGN §3b) on hand-computed daily series, and their Kaplan–Meier summaries."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from simulator.analysis.episodes import (
    kaplan_meier,
    paired_episode_differences,
    score_episode,
    summarize_episodes,
)


def series(days: int, dips: dict[int, float], backlog: dict[int, float] | None = None):
    """P(d) = 1 except on the given days; demand 10 a day; backlog at day ends as given."""
    p = np.ones(days)
    for d, v in dips.items():
        p[d] = v
    bl = np.zeros(days)
    for d, v in (backlog or {}).items():
        bl[d] = v
    demand = np.full(days, 10.0)
    return p, bl, demand, demand * p


def test_no_shortage_is_censored_tts_and_zero_everything_else():
    p, bl, dem, met = series(50, {})
    out = score_episode(p, bl, dem, met, 10.0, 20.0, 0.95)
    assert math.isnan(out["tts_days"]) and out["tts_censored"] == 1 and out["shortage"] == 0
    assert (out["ttr_days"], out["performance_loss"], out["nadir"]) == (0.0, 0.0, 1.0)
    assert out["fill_rate_during"] == 1.0


def test_a_long_closure_with_two_dips_recovers_only_after_the_second():
    """Closure [10, 60). Dip on days 15–17 (P 0.5), back to 1, second dip on days 40–41 (P 0.2).
    The first recovery (day 18) does not hold through the end + 7 days: the lasting recovery is
    day 42, and the loss counts both dips."""
    p, bl, dem, met = series(120, {15: 0.5, 16: 0.5, 17: 0.5, 40: 0.2, 41: 0.2})
    out = score_episode(p, bl, dem, met, 10.0, 60.0, 0.95, hold=7)
    assert out["tts_days"] == 5
    assert out["ttr_days"] == 42 - 10 and out["ttr_censored"] == 0
    assert out["performance_loss"] == pytest.approx(3 * 0.5 + 2 * 0.8)
    assert out["unmet_units"] == pytest.approx(10 * (3 * 0.5 + 2 * 0.8))
    assert out["nadir"] == pytest.approx(0.2)
    # Fill rate over [10, 60): 50 days of 10 units, 31 units short.
    assert out["fill_rate_during"] == pytest.approx(1 - 31 / 500)


def test_backlog_at_a_day_end_delays_the_recovery():
    p, bl, dem, met = series(60, {12: 0.0}, backlog={12: 10, 13: 10, 14: 5})
    out = score_episode(p, bl, dem, met, 10.0, 11.0, 0.95, hold=3)
    # Days 13 and 14 serve fully but end with backlog: recovery from day 15.
    assert (out["tts_days"], out["ttr_days"]) == (2, 5)


def test_an_episode_cut_by_the_next_one_stops_at_its_window():
    """The next scored episode starts on day 25: a shortage on days 30–32 is not this episode's;
    and a recovery that cannot be seen to hold before day 25 is censored there."""
    p, bl, dem, met = series(40, {30: 0.0, 31: 0.0, 32: 0.0})
    out = score_episode(p, bl, dem, met, 5.0, 8.0, 0.95, window_end=25.0)
    assert out["tts_censored"] == 1 and out["shortage"] == 0
    p, bl, dem, met = series(40, {20: 0.0, 21: 0.0})
    out = score_episode(p, bl, dem, met, 5.0, 21.0, 0.95, hold=7, window_end=25.0)
    assert out["tts_days"] == 15 and out["ttr_censored"] == 1 and out["ttr_days"] == 20
    assert out["performance_loss"] == pytest.approx(2.0)
    # A next episode starting the same day leaves this one nothing to observe.
    out = score_episode(p, bl, dem, met, 20.0, 22.0, 0.95, window_end=20.5)
    assert out["observed_days"] == 0 and out["shortage"] == 0


def test_never_recovering_before_the_horizon_is_censored_with_a_lower_bound():
    p, bl, dem, met = series(30, {d: 0.5 for d in range(15, 30)})
    out = score_episode(p, bl, dem, met, 12.0, 20.0, 0.95)
    assert out["tts_days"] == 3 and out["ttr_censored"] == 1 and out["ttr_days"] == 30 - 12
    assert out["performance_loss"] == pytest.approx(0.5 * 15)


def test_kaplan_meier_against_a_hand_calculation():
    """Times 2, 3+, 5, 5, 8+, 10 (+ = censored). S = 5/6 after 2, 5/6·2/4 = 5/12 after 5, 0 after
    10: median 5; restricted mean to 10 = 2·1 + 3·5/6 + 5·5/12 = 6.583…"""
    km = kaplan_meier(np.array([2, 3, 5, 5, 8, 10.0]), np.array([0, 1, 0, 0, 1, 0], bool))
    assert km["median"] == 5.0 and km["censored"] == 2 and km["n"] == 6
    assert km["rmst"] == pytest.approx(2 + 3 * 5 / 6 + 5 * 5 / 12)
    assert km["rmst_se"] > 0 and km["rmst_low"] < km["rmst"] < km["rmst_high"]
    # Survival never falls to one half: the median is not reached (NaN), never a made-up number.
    km = kaplan_meier(np.array([1, 4, 6.0]), np.array([0, 1, 1], bool))
    assert math.isnan(km["median"]) and km["rmst"] == pytest.approx(1 + 5 * 2 / 3)


def episodes_table() -> pd.DataFrame:
    rows = []
    for rep in range(6):
        for policy, loss, short in (("base", 2.0 + rep, 1.0), ("div", 0.5 + rep, float(rep % 2))):
            rows.append(
                {
                    "policy": policy,
                    "replication": rep,
                    "disruption": "x",
                    "episode": 0,
                    "site": "D",
                    "shortage": short,
                    "tts_days": 3.0 if short else math.nan,
                    "tts_censored": 0.0 if short else 1.0,
                    "ttr_days": 10.0 + rep if short else 0.0,
                    "ttr_censored": float(rep == 5 and short),
                    "performance_loss": loss if short else 0.0,
                    "unmet_units": 10 * loss if short else 0.0,
                    "fill_rate_during": 0.9,
                    "nadir": 0.5 if short else 1.0,
                }
            )
    return pd.DataFrame(rows)


def test_episode_summaries_use_wilson_and_kaplan_meier_with_censoring():
    s = summarize_episodes(episodes_table(), ["policy", "disruption"]).set_index(
        ["policy", "figure"]
    )
    p = s.loc[("div", "p_shortage")]
    assert (
        p["mean"] == 0.5 and p["interval"] == "wilson" and 0 < p["ci_low"] < 0.5 < p["ci_high"] < 1
    )
    ttr = s.loc[("base", "ttr_days_rmst")]
    assert ttr["censored"] == 1 and ttr["n"] == 6 and ttr["interval"] == "kaplan-meier"
    assert s.loc[("base", "ttr_days_median"), "mean"] == 12.0  # S: 5/6, 4/6, 3/6 at 10, 11, 12
    # Loss over all scored episodes, zeros included.
    assert s.loc[("div", "performance_loss"), "mean"] == pytest.approx((1.5 + 3.5 + 5.5) / 6)


def test_episode_figures_are_paired_per_episode():
    d = paired_episode_differences(episodes_table(), "base").set_index("figure")
    assert d.loc["fill_rate_during", "mean"] == 0.0 and d.loc["fill_rate_during", "n"] == 6
    assert d.loc["shortage", "mean"] == pytest.approx(-0.5)
