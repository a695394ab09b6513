"""The n−1 stress test on networks whose weak points are known by construction."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from conftest_weak import DEMAND, PRODUCTION, SHARES, TRANSIT, S

from simulator.errors import UsageError
from simulator.experiment.failures import Element, ElementKind, parse_element_kinds
from simulator.experiment.stress import parse_durations, start_days, stress_test
from simulator.output.sweep_folder import SweepStore
from simulator.scenario.loader import validate_data


def hand_tts(share: float, start: int, duration: int) -> float:
    """Days from a supplier's failure to the first shortage, worked out from the model's rules:
    in steady state the site holds S − d·(L + 1) after each day's demand (L = production +
    transit); the failed supplier's last shipment (made before the start) arrives on day
    start + transit − 1 and its next on day start + duration + transit (the order in production
    at the start finishes when it reopens); meanwhile the others bring (1 − share)·d a day."""
    on_hand = S - DEMAND * (PRODUCTION + TRANSIT + 1)
    day, resume = start + TRANSIT, start + duration + TRANSIT
    while day < resume:
        on_hand += (1 - share) * DEMAND
        if on_hand < DEMAND:
            return float(day - start)
        on_hand -= DEMAND
        day += 1
    return math.nan


@pytest.fixture(scope="module")
def hand_result():
    from conftest_weak import HAND4

    sc = validate_data(HAND4)
    return sc, stress_test(sc, [ElementKind.NODES], durations=[40], replications=2, jobs=1)


def _at(table: pd.DataFrame, policy: str, element: str) -> pd.Series:
    return table[(table["policy"] == policy) & (table["element"] == element)].iloc[0]


def test_hand_case_ranking(hand_result):
    _, r = hand_result
    t = r.table
    split = t[t["policy"] == "split"].sort_values("rank")
    # The bigger the failed supplier's share, the more is lost; 10% for 40 days fits in stock.
    assert list(split["element"]) == ["node:a", "node:b", "node:c"]
    a, b, c = (split.iloc[k] for k in range(3))
    assert a["lost_value"] > b["lost_value"] > 0
    assert c["lost_value"] == 0 and c["p_shortage"] == 0
    assert a["risk_exposure_index"] == 1.0 and 0 < b["risk_exposure_index"] < 1
    single = t[t["policy"] == "single_a"].sort_values("rank")
    assert single.iloc[0]["element"] == "node:a" and single.iloc[0]["lost_value"] > 0
    # Single sourcing from a: b and c failing changes nothing at all (common random numbers).
    assert (single.iloc[1:]["lost_value"] == 0).all()
    assert (single.iloc[1:]["p_shortage"] == 0).all()
    # The heat table's "policy removes the failure": b and c are no risk for single_a ...
    assert not single.iloc[1:]["at_risk"].any()
    # ... and lost value is unmet units × the unit value.
    assert a["lost_value"] == pytest.approx(10 * a["lost_units"])


def test_hand_case_time_to_survive(hand_result):
    sc, r = hand_result
    start = sc.warmup_days
    for policy, element, share in [
        ("split", "node:a", SHARES["a"]),
        ("split", "node:b", SHARES["b"]),
        ("split", "node:c", SHARES["c"]),
        ("single_a", "node:a", 1.0),
    ]:
        row = _at(r.table, policy, element)
        expected = hand_tts(share, start, 40)
        if math.isnan(expected):
            assert math.isnan(row["tts_days"]), (policy, element)
        else:
            assert row["tts_days"] == expected, (policy, element)
        # TTS < TTR (40 days down, no disruption of its own in the scenario): at risk.
        assert row["ttr_input_days"] == 40 and row["ttr_source"] == "duration"
        assert bool(row["at_risk"]) == (not math.isnan(expected) and expected < 40)
    assert hand_tts(SHARES["a"], start, 40) == 9  # the numbers worked out in the docstring
    assert hand_tts(SHARES["b"], start, 40) == 16
    assert hand_tts(1.0, start, 40) == 7


def test_longer_failures_lose_more(hand4_data):
    sc = validate_data(hand4_data)
    r = stress_test(sc, [ElementKind.NODES], durations=[20, 40], replications=2, jobs=1)
    t = r.table.set_index(["policy", "element", "duration_days"])["lost_value"]
    assert t[("single_a", "node:a", 40.0)] > t[("single_a", "node:a", 20.0)] > 0


def test_same_numbers_whatever_the_workers_and_when_resumed(tiny, tmp_path):
    only = [Element(ElementKind.NODES, "cn"), Element(ElementKind.LEGS, "suez_rtm")]
    kw = {"durations": [20], "replications": 2, "only": only, "policies": ["single", "split"]}
    one = stress_test(tiny, [], jobs=1, **kw)
    two = stress_test(tiny, [], jobs=2, store=SweepStore(tmp_path), **kw)
    pd.testing.assert_frame_equal(one.table, two.table)
    again = stress_test(tiny, [], jobs=2, store=SweepStore(tmp_path), **kw)
    assert again.computed == 0
    pd.testing.assert_frame_equal(two.table, again.table)
    with pytest.raises(UsageError, match="other settings"):
        stress_test(tiny, [], jobs=1, store=SweepStore(tmp_path), **{**kw, "replications": 3})


def test_effect_that_cannot_act_is_skipped(hand4_data):
    sc = validate_data(hand4_data)
    r = stress_test(
        sc,
        parse_element_kinds("nodes,legs"),
        durations=[10],
        effect={"capacity_factor": 0.2},
        replications=2,
        jobs=1,
        policies=["single_a"],
    )
    # Legs have no capacity_per_day: the effect cannot act there, and they are listed as skipped.
    assert {s.split(":")[0] + ":" + s.split(":")[1] for s in r.skipped} == {
        "leg:a_site",
        "leg:b_site",
        "leg:c_site",
    }
    assert set(r.table["element"]) == {"node:a", "node:b", "node:c"}
    with pytest.raises(UsageError, match="no element can take the effect"):
        stress_test(sc, [ElementKind.LEGS], effect={"capacity_factor": 0.2}, replications=2)


def test_keeping_the_scenarios_own_disruptions(tiny):
    kw = {"durations": [20], "replications": 2, "policies": ["single"], "jobs": 1}
    kw["only"] = [Element(ElementKind.NODES, "vn")]
    alone = stress_test(tiny, [], **kw)
    stacked = stress_test(tiny, [], keep_disruptions=True, **kw)
    base = lambda r: r.rows[r.rows["case"] == 0]["unmet_demand"].sum()  # noqa: E731
    assert base(alone) == 0  # nothing fails in the baseline without the scenario's disruptions
    assert base(stacked) > 0  # its own China outages and Suez blockage do


def test_durations_and_start_days(tiny):
    assert parse_durations("30, 90") == [30.0, 90.0]
    for bad in ("", "x", "0", "-5"):
        with pytest.raises(UsageError, match="--duration"):
            parse_durations(bad)
    assert start_days(tiny, [30], None, 0, 1) == [float(tiny.warmup_days)]
    days = start_days(tiny, [30], None, 5, 1)
    assert days == start_days(tiny, [30], None, 5, 1)  # seeded
    assert all(tiny.warmup_days <= d <= tiny.horizon_days - 30 - 7 for d in days)
    with pytest.raises(UsageError, match="either"):
        start_days(tiny, [30], 50, 3, 1)
    with pytest.raises(UsageError, match="start-day"):
        start_days(tiny, [30], 5, 0, 1)
