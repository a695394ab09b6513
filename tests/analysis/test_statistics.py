from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from simulator.analysis.statistics import paired_differences, summarize, t_interval, wilson


def test_t_interval_matches_scipy():
    x = np.array([1.0, 2.0, 4.0, 7.0, 11.0])
    s = t_interval(x)
    lo, hi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert s["ci_low"] == pytest.approx(lo) and s["ci_high"] == pytest.approx(hi)


def test_wilson_behaves_at_zero_and_one():
    lo, hi = wilson(0, 20)
    assert lo == 0.0 and 0.1 < hi < 0.2
    lo, hi = wilson(20, 20)
    assert hi == 1.0 and 0.8 < lo < 0.9


def test_summary_uses_wilson_for_probabilities():
    reps = pd.DataFrame({"policy": ["a"] * 10, "stockout_any": [0.0] * 10})
    s = summarize(reps, ["stockout_any"])
    assert s.loc[0, "interval"] == "wilson" and s.loc[0, "ci_high"] > 0


def test_paired_differences_pair_on_replication():
    rng = np.random.default_rng(1)
    common = rng.normal(0, 1, 30)
    reps = pd.DataFrame(
        {
            "policy": ["base"] * 30 + ["alt"] * 30,
            "replication": list(range(30)) * 2,
            "x": np.concatenate([common, common + 0.5 + rng.normal(0, 0.01, 30)]),
        }
    )
    p = paired_differences(reps, ["x"], "base").iloc[0]
    assert p["ci_low"] < 0.5 < p["ci_high"]
    assert (p["ci_high"] - p["ci_low"]) / 2 < p["unpaired_halfwidth"] / 10
