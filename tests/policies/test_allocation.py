"""Integer split allocation: cumulative units per supplier track the target shares."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.policies.sourcing.allocation import ShareTracker


@st.composite
def shares_and_orders(draw):
    n = draw(st.integers(1, 5))
    weights = draw(st.lists(st.integers(0, 100), min_size=n, max_size=n).filter(any))
    shares = {f"s{i}": w / sum(weights) for i, w in enumerate(weights)}
    orders = draw(st.lists(st.integers(0, 250), min_size=1, max_size=60))
    return shares, orders


@settings(max_examples=200, deadline=None, derandomize=True)
@given(shares_and_orders())
def test_cumulative_units_stay_within_one_unit_of_the_shares(case):
    shares, orders = case
    tracker = ShareTracker()
    cumulative = dict.fromkeys(shares, 0)
    total = 0
    for qty in orders:
        alloc = tracker.allocate(qty, shares)
        assert sum(alloc.values()) == qty
        assert all(q > 0 and shares[s] > 0 for s, q in alloc.items())
        total += qty
        for s, q in alloc.items():
            cumulative[s] += q
        for s, share in shares.items():
            assert abs(cumulative[s] - share * total) <= 1 + 1e-9, (cumulative, total)
    assert tracker.total == total
    assert {s: q for s, q in tracker.cumulative.items() if q} == {
        s: q for s, q in cumulative.items() if q
    }


def test_exact_trace_of_a_70_30_split():
    tracker = ShareTracker()
    shares = {"A": 0.7, "B": 0.3}
    trace = [tracker.allocate(q, shares) for q in (10, 1, 1, 1, 5, 3)]
    assert trace == [
        {"A": 7, "B": 3},
        {"A": 1},  # cumulative 11: A 7.7 vs 7, B 3.3 vs 3 -> A is further behind
        {"B": 1},  # 12: A 8.4 vs 8, B 3.6 vs 3
        {"A": 1},  # 13: A 9.1 vs 8, B 3.9 vs 4
        {"A": 4, "B": 1},  # 18: gaps A 12.6 - 9, B 5.4 - 4 -> 3.6 / 1.4, remainder to A
        {"A": 2, "B": 1},  # 21: gaps A 14.7 - 13, B 6.3 - 5 -> 1.7 / 1.3, remainder to A
    ]
    assert tracker.cumulative == {"A": 15, "B": 6} and tracker.total == 21


def test_ties_go_to_the_supplier_listed_first_and_single_units_alternate():
    tracker = ShareTracker()
    got = [tracker.allocate(1, {"B": 0.5, "A": 0.5}) for _ in range(4)]
    assert got == [{"B": 1}, {"A": 1}, {"B": 1}, {"A": 1}]


def test_zero_shares_and_zero_orders_get_nothing():
    tracker = ShareTracker()
    assert tracker.allocate(0, {"A": 1.0}) == {}
    assert tracker.allocate(5, {"A": 0.0, "B": 0.0}) == {}
    assert tracker.allocate(5, {"A": 0.0, "B": 1.0}) == {"B": 5}
    assert tracker.total == 5


def test_shares_are_renormalised_over_the_positive_ones():
    tracker = ShareTracker()
    assert tracker.allocate(10, {"A": 0.2, "B": 0.2}) == {"A": 5, "B": 5}


def test_reset_forgets_history():
    tracker = ShareTracker()
    tracker.allocate(9, {"A": 1.0})
    assert tracker.allocate(4, {"A": 0.5, "B": 0.5}) == {"B": 4}  # B catches up
    tracker.reset()
    assert tracker.cumulative == {} and tracker.total == 0
    assert tracker.allocate(4, {"A": 0.5, "B": 0.5}) == {"A": 2, "B": 2}
