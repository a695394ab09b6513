"""Stress-test figures from rows worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from simulator.analysis.stress import single_points_of_failure, summarize_stress


def _row(case, policy, rep, unmet, **kw):
    base = {
        "case": case,
        "policy": policy,
        "replication": rep,
        "unmet_demand": unmet,
        "sites": 1.0,
        "shortage": 0.0,
        "tts_days": math.nan,
        "tts_observed": 100.0,
        "ttr_days": 0.0,
        "ttr_censored": 0.0,
        "performance_loss": 0.0,
        "unmet_units": 0.0,
        "fill_rate_during": 1.0,
    }
    return {**base, **kw}


@pytest.fixture
def table():
    rows = [
        _row(0, "p", 0, 10.0),
        _row(0, "p", 1, 20.0),
        # x: both replications run short (after 5 and 7 days), 20 and 40 units lost.
        _row(1, "p", 0, 30.0, shortage=1.0, tts_days=5.0, ttr_days=30.0, unmet_units=20.0),
        _row(1, "p", 1, 60.0, shortage=1.0, tts_days=7.0, ttr_days=34.0, unmet_units=40.0),
        # y: one replication short after 40 days (10 units), the other never (censored at 100).
        _row(2, "p", 0, 20.0, shortage=1.0, tts_days=40.0, ttr_days=45.0, unmet_units=10.0),
        _row(2, "p", 1, 20.0),
        # z: nothing changes.
        _row(3, "p", 0, 10.0),
        _row(3, "p", 1, 20.0),
    ]
    cases = pd.DataFrame(
        [
            {"case": 0, "element": "(none)", "kind": "", "duration_days": 0.0},
            {"case": 1, "element": "node:x", "kind": "nodes", "duration_days": 10.0},
            {"case": 2, "element": "node:y", "kind": "nodes", "duration_days": 10.0},
            {"case": 3, "element": "node:z", "kind": "nodes", "duration_days": 10.0},
        ]
    )
    cases["own_duration_days"] = [math.nan, math.nan, 60.0, math.nan]
    return summarize_stress(pd.DataFrame(rows), cases, ["p"], unit_value=3.0)


def test_lost_units_are_paired_differences_and_ranked(table):
    t = table.set_index("element")
    assert list(table["element"]) == ["node:x", "node:y", "node:z"]
    assert list(table["rank"]) == [1, 2, 3]
    assert t.loc["node:x", "lost_units"] == 30  # (30 − 10 + 60 − 20) / 2
    assert t.loc["node:x", "lost_value"] == 90  # × 3 per unit
    # Paired: differences 20 and 40 → sd 14.14, t(0.975, 1) = 12.706.
    assert t.loc["node:x", "lost_units_high"] == pytest.approx(30 + 12.7062 * 10, rel=1e-4)
    assert t.loc["node:y", "lost_units"] == 5
    assert t.loc["node:z", "lost_units"] == 0
    assert t.loc["node:x", "risk_exposure_index"] == 1
    assert t.loc["node:y", "risk_exposure_index"] == pytest.approx(5 / 30)
    assert t.loc["node:z", "risk_exposure_index"] == 0


def test_time_to_survive_against_time_to_recover(table):
    t = table.set_index("element")
    # x: events at 5 and 7 → the Kaplan–Meier survival falls to 0.5 at 5 days; TTR is 10 days
    # (the failure's duration): at risk.
    assert t.loc["node:x", "tts_days"] == 5
    assert t.loc["node:x", "ttr_input_days"] == 10 and t.loc["node:x", "at_risk"]
    assert t.loc["node:x", "p_shortage"] == 1
    # y: an event at 40 and one censored at 100 → S = 0.5 at 40: TTS 40 < its own TTR of 60.
    assert t.loc["node:y", "tts_days"] == 40
    assert t.loc["node:y", "ttr_input_days"] == 60 and t.loc["node:y", "ttr_source"] == "scenario"
    assert t.loc["node:y", "at_risk"] and t.loc["node:y", "tts_censored"] == 1
    # z: never short → TTS not reached → not at risk.
    assert math.isnan(t.loc["node:z", "tts_days"]) and not t.loc["node:z", "at_risk"]
    assert list(single_points_of_failure(table)["element"]) == ["node:x", "node:y"]
