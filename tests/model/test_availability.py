"""Random disruptions against renewal theory, and a closed supplier in the running model.

A ``random`` disruption is an alternating renewal process: exponential up times of mean MTTF,
then down times of any law with mean MTTR. By the renewal-reward theorem the long-run fraction of
time down is MTTR / (MTTF + MTTR) whatever the down-time law. The process starts in its stationary
state (DESIGN §3b): down at t = 0 with probability MTTR / (MTTF + MTTR), and then for the
*residual* of a length-biased down period, whose mean is E[X²] / (2 E[X]); up at t = 0 for an
exponential (memoryless) time. Then P(down at t) is the same for every t ≥ 0, so the expected
fraction of any window [0, w] spent down is MTTR / (MTTF + MTTR) too.

Tolerance (every statistical test): |estimate − theory| < 4 · SE, with SE from independent
replications (the standard deviation of the per-replication estimates / √n, or the binomial
√(p(1 − p)/n) for a probability estimated from n independent calendars). Each test also asserts
that 4 · SE is small against the effect a plausible bug would have, so it cannot pass vacuously.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import simulator
from simulator.model import ReplicationModel, Streams, draw_calendar

MTTF = 20.0  # days, mean up time
SEED = 8675309

# Down-time laws, all with mean 5 days (so P(down) = 5 / 25 = 0.2), chosen to exercise every
# residual sampler: closed forms (exponential, uniform, lognormal, gamma, fixed, empirical) and
# the generic rejection sampler (triangular, truncated normal).
DURATIONS = {
    "exponential": {"dist": "exponential", "mean": 5},
    "uniform": {"dist": "uniform", "low": 1, "high": 9},
    "lognormal": {"dist": "lognormal", "mean": 5, "cv": 1.5},
    "gamma": {"dist": "gamma", "shape": 0.5, "scale": 10},
    "fixed": 5,
    "empirical": {"dist": "empirical", "values": [1, 2, 12]},
    "triangular": {"dist": "triangular", "low": 0, "mode": 2, "high": 13},
    "normal": {"dist": "normal", "mean": 5, "sd": 3},
}


def _scenario(disruptions: dict, *, horizon: int = 100, site: dict | None = None, supplier=None):
    supplier = supplier or {"kind": "supplier", "country": "CN"}
    site = site or {
        "kind": "site",
        "country": "DE",
        "demand": {"kind": "daily", "quantity": {"dist": "poisson", "mean": 10}},
        "inventory": {"kind": "base_stock", "order_up_to": 100, "review_period_days": 1},
    }
    nodes = {"sup": supplier, "dc": site}
    legs = {"l1": {"from": "sup", "to": "dc", "mode": "road", "transit_days": 2}}
    if any(d["target"].get("node") == "sup2" for d in disruptions.values()):
        nodes["sup2"] = {"kind": "supplier", "country": "VN"}
        legs["l2"] = {"from": "sup2", "to": "dc", "mode": "road", "transit_days": 2}
    return simulator.scenario_from_dict(
        {
            "name": "availability",
            "horizon_days": horizon,
            "replications": 1,
            "nodes": nodes,
            "legs": legs,
            "sourcing": {"single": {"kind": "single", "supplier": "sup"}},
            "disruptions": disruptions,
        }
    )


def _outage(node: str, mttf: float, duration) -> dict:
    return {
        "target": {"node": node},
        "timing": {"kind": "random", "mttf_days": mttf, "duration_days": duration},
        "effect": {"closed": True},
    }


def _intervals(episodes, disruption: str, horizon: float) -> list[tuple[float, float]]:
    """Down intervals of one disruption, clipped to [0, horizon]."""
    return [
        (e.start, min(e.end, horizon))
        for e in episodes
        if e.disruption == disruption and e.start < horizon
    ]


def _covered(intervals: list[tuple[float, float]]) -> float:
    return sum(b - a for a, b in intervals)


def _both_down(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> float:
    """Total length of the intersection of two sets of disjoint intervals."""
    total, i, j = 0.0, 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        total += max(0.0, hi - lo)
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def _mean_se(x) -> tuple[float, float]:
    x = np.asarray(x, dtype=float)
    return float(x.mean()), float(x.std(ddof=1) / math.sqrt(len(x)))


def _assert_close(name: str, est: tuple[float, float], theory: float) -> None:
    value, se = est
    assert se > 0, f"{name}: zero SE, the estimate carries no information"
    assert abs(value - theory) < 4 * se, (
        f"{name}: simulated {value:.5f} ± {se:.5f} (SE), theory {theory:.5f}, "
        f"off by {abs(value - theory) / se:.1f} SE"
    )


# ------------------------------------------------------------ the calendar alone


@pytest.mark.slow
@pytest.mark.parametrize("law", sorted(DURATIONS))
def test_long_run_down_fraction_is_mttr_over_cycle(law):
    """Fraction of [0, H] down → MTTR / (MTTF + MTTR) for any down-time law (renewal reward)."""
    sc = _scenario({"d": _outage("sup", MTTF, DURATIONS[law])})
    mttr = sc.disruptions["d"].timing.duration_days.mean
    p_down = mttr / (MTTF + mttr)
    horizon, reps = 20_000.0, 40
    fractions = [
        _covered(_intervals(draw_calendar(sc, Streams(SEED, i), horizon), "d", horizon)) / horizon
        for i in range(reps)
    ]
    est = _mean_se(fractions)
    _assert_close(f"{law}: fraction down", est, p_down)
    # Power: a process with mean up time MTTF + MTTR (down = MTTR/(MTTF + 2·MTTR) = 0.167) or
    # one that forgets the down time's mean would be rejected.
    assert 4 * est[1] < 0.01


@pytest.mark.slow
@pytest.mark.parametrize("law", sorted(DURATIONS))
def test_stationary_start(law):
    """At t = 0: P(down) = MTTR/(MTTF+MTTR); the remaining down time has mean E[X²]/(2E[X]);
    and the expected fraction of [0, w] down equals MTTR/(MTTF+MTTR) already (no warm-up).

    A start that is always up, or down for a full (not length-biased) period, or for a uniform
    fraction of an ordinary period, fails at least one of the three.
    """
    sc = _scenario({"d": _outage("sup", MTTF, DURATIONS[law])})
    dist = sc.disruptions["d"].timing.duration_days
    mttr = dist.mean
    p_down = mttr / (MTTF + mttr)
    residual_mean = (dist.variance + mttr**2) / (2 * mttr)
    n, window = 20_000, 2 * mttr
    down_at_0 = np.zeros(n, dtype=bool)
    residuals, fractions = [], np.zeros(n)
    for i in range(n):
        eps = draw_calendar(sc, Streams(SEED, i), window)
        first = eps[0] if eps else None
        if first is not None and first.start == 0.0:
            assert first.began_before_start
            down_at_0[i] = True
            residuals.append(first.end)
        assert not any(e.began_before_start for e in eps[1:])
        fractions[i] = _covered(_intervals(eps, "d", window)) / window

    binomial_se = math.sqrt(p_down * (1 - p_down) / n)
    assert abs(down_at_0.mean() - p_down) < 4 * binomial_se, (
        f"P(down at 0) = {down_at_0.mean():.4f}, theory {p_down:.4f} ± {binomial_se:.4f}"
    )
    _assert_close(f"{law}: mean residual down time", _mean_se(residuals), residual_mean)
    est = _mean_se(fractions)
    _assert_close(f"{law}: fraction of [0, 2·MTTR] down", est, p_down)
    assert 4 * est[1] < 0.02


@pytest.mark.slow
def test_independent_outages_overlap_as_product():
    """Two suppliers with their own random outages: both down MTTR₁/(MTTF₁+MTTR₁) ·
    MTTR₂/(MTTF₂+MTTR₂) of the time, in the long run and at t = 0 (stationary, independent)."""
    sc = _scenario(
        {
            "a": _outage("sup", 20.0, {"dist": "exponential", "mean": 5}),
            "b": _outage("sup2", 10.0, {"dist": "uniform", "low": 2, "high": 8}),
        }
    )
    p_a, p_b = 5 / 25, 5 / 15
    horizon, reps = 20_000.0, 40
    frac_a, frac_b, frac_ab = [], [], []
    for i in range(reps):
        eps = draw_calendar(sc, Streams(SEED, i), horizon)
        a, b = _intervals(eps, "a", horizon), _intervals(eps, "b", horizon)
        frac_a.append(_covered(a) / horizon)
        frac_b.append(_covered(b) / horizon)
        frac_ab.append(_both_down(a, b) / horizon)
    _assert_close("a down", _mean_se(frac_a), p_a)
    _assert_close("b down", _mean_se(frac_b), p_b)
    est = _mean_se(frac_ab)
    _assert_close("both down", est, p_a * p_b)
    # Power: fully correlated outages would give min(p_a, p_b) = 0.2, not 0.067.
    assert 4 * est[1] < 0.01

    n = 40_000
    both_at_0 = 0
    for i in range(n):
        eps = draw_calendar(sc, Streams(SEED, i), 1e-9)
        both_at_0 += {e.disruption for e in eps if e.start == 0.0} == {"a", "b"}
    p = p_a * p_b
    assert abs(both_at_0 / n - p) < 4 * math.sqrt(p * (1 - p) / n)


# ------------------------------------------------------------ the running model


@pytest.mark.slow
def test_model_applies_the_calendar():
    """The model's supplier is closed exactly when the drawn calendar says so, and hence for
    MTTR/(MTTF+MTTR) of the time. Checked by a SimPy process that samples the supplier's state at
    d + 0.25 and d + 0.75 of every day (between the model's own integer/half-day events)."""
    sc = _scenario({"d": _outage("sup", MTTF, DURATIONS["lognormal"])}, horizon=4000)
    p_down = 5 / 25
    fractions = []
    for i in range(8):
        model = ReplicationModel(sc, "single", replication=i, seed=SEED)
        samples: list[tuple[float, bool]] = []

        def sampler(model=model, samples=samples):
            yield model.env.timeout(0.25)
            while True:
                samples.append((model.env.now, model.node_state["sup"].closed))
                yield model.env.timeout(0.5)

        model.env.process(sampler())
        result = model.run()
        assert result.episodes == draw_calendar(sc, Streams(SEED, i))
        expected = [any(e.start <= t < e.end for e in result.episodes) for t, _ in samples]
        assert [closed for _, closed in samples] == expected
        fractions.append(np.mean(expected))
    est = _mean_se(fractions)
    _assert_close("model: fraction of time closed", est, p_down)
    assert 4 * est[1] < 0.05


def _first_open(t: float, closures: list[tuple[float, float]]) -> float:
    """The first time ≥ t at which the supplier is open (closures are disjoint [start, end))."""
    for s, e in closures:
        if s <= t < e:
            return e
    return t


def _after_open_work(t: float, work: float, closures: list[tuple[float, float]]) -> float:
    """The time at which ``work`` days of open time have passed after ``t``."""
    t = _first_open(t, closures)
    for s, e in closures:
        if e <= t:
            continue
        if t + work <= s:
            return t + work
        work -= s - t
        t = e
    return t + work


@pytest.mark.parametrize(
    ("capacity", "lead"),
    [
        (30.0, 0.0),  # production at 30 units/day, paused by closures, progress kept
        (None, 2.0),  # instantaneous production, then a 2-day lead time
    ],
)
def test_closed_supplier_stops_production(capacity, lead):
    """A supplier closed by a random outage neither produces nor ships while closed.

    Hand-computed dispatch times: orders are served FIFO; order i starts production at
    s_i = max(placed_i, c_{i−1}) and completes at c_i, when units_i / capacity days of *open* time
    have passed after s_i (0 without a capacity: the first open instant); it leaves the supplier
    at the first open instant ≥ c_i + lead time. The site holds 60 days of cover, so closures of
    at most 8 days never starve it, and units are conserved: ordered = received + in transit +
    at suppliers.
    """
    supplier = {"kind": "supplier", "country": "CN", "lead_time_days": lead}
    if capacity is not None:
        supplier["capacity_per_day"] = capacity
    site = {
        "kind": "site",
        "country": "DE",
        "demand": {"kind": "daily", "quantity": {"dist": "poisson", "mean": 10}},
        "inventory": {"kind": "base_stock", "order_up_to": 600, "review_period_days": 1},
    }
    sc = _scenario(
        {"d": _outage("sup", 30.0, {"dist": "uniform", "low": 2, "high": 8})},
        horizon=3000,
        site=site,
        supplier=supplier,
    )
    delayed = 0
    for i in range(3):
        r = simulator.run_replication(sc, "single", replication=i, seed=SEED)
        closures = [(e.start, e.end) for e in r.episodes]
        assert len(closures) > 50

        ships = sorted(r.shipments, key=lambda s: s[0])
        assert ships, "nothing was shipped"
        done = -math.inf
        for _, sup, _, _, ordered, delivered, placed, dispatched, arrived, *_ in ships:
            assert sup == "sup" and ordered == delivered
            work = ordered / capacity if capacity is not None else 0.0
            start = max(placed, done)
            done = _after_open_work(start, work, closures)
            expected = _first_open(done + lead, closures)
            delayed += expected > start + work + lead + 1e-9
            assert dispatched == pytest.approx(expected, abs=1e-6), (placed, done)
            assert not any(s < dispatched < e for s, e in closures)
            assert arrived == pytest.approx(dispatched + 2.0, abs=1e-9)

        b = r.balance
        assert b["ordered"] == b["received"] + b["in_transit"] + b["at_suppliers"]
        assert b["final_on_order"] == b["ordered"] - b["received"]
        assert b["initial_on_hand"] + b["received"] - b["met_total"] == b["final_on_hand"]
        a = r.sites["dc"]
        assert a["met"].sum() == a["demand"].sum() > 0  # huge safety stock: never short
    # Not vacuous: closures did hold up production or shipments.
    assert delayed > 20


@pytest.mark.parametrize(("closed", "out_leg"), [("port", "b"), ("sup", "a")])
def test_nothing_leaves_a_closed_node(closed, out_leg):
    """Shipments waiting at a node for a closed leg stay there while the node itself is closed.

    supplier --a (1 day)--> port --b (3 days)--> site. The leg out of the node is closed over
    [0.5, 10.5) and the node over [5, 25): shipments dispatched on days 1–4 wait at the node for
    the leg; when it reopens at 10.5 the node is still closed, so they leave at 25, not 10.5.
    """
    sc = simulator.scenario_from_dict(
        {
            "name": "closed-node",
            "horizon_days": 60,
            "nodes": {
                "sup": {"kind": "supplier", "country": "CN"},
                "port": {"kind": "port", "country": "CN"},
                "dc": {
                    "kind": "site",
                    "country": "DE",
                    "demand": {"kind": "daily", "quantity": 1},
                    "inventory": {"kind": "base_stock", "order_up_to": 100},
                },
            },
            "legs": {
                "a": {"from": "sup", "to": "port", "mode": "road", "transit_days": 1},
                "b": {"from": "port", "to": "dc", "mode": "sea", "transit_days": 3},
            },
            "sourcing": {"single": {"kind": "single", "supplier": "sup"}},
            "disruptions": {
                "leg": {
                    "target": {"leg": out_leg},
                    "timing": {"kind": "scheduled", "start_day": 0.5, "duration_days": 10},
                    "effect": {"closed": True},
                },
                "node": {
                    "target": {"node": closed},
                    "timing": {"kind": "scheduled", "start_day": 5, "duration_days": 20},
                    "effect": {"closed": True},
                },
            },
        }
    )
    r = simulator.run_replication(sc, "single", seed=1)
    waiting = sorted(s for s in r.shipments if s[7] < 5)
    assert [s[7] for s in waiting] == [1.0, 2.0, 3.0, 4.0]  # one unit ordered each day
    leaves_node_at = 25.0
    after_node = 3.0 if closed == "port" else 4.0  # days from leaving the node to the site
    assert all(s[8] == leaves_node_at + after_node for s in waiting)
    if closed == "sup":  # the supplier ships nothing while closed
        assert not any(5 < s[7] < 25 for s in r.shipments)
    else:  # nothing passes the closed port: no arrival before it reopens and 3 days more
        assert min(s[8] for s in r.shipments) == leaves_node_at + after_node
