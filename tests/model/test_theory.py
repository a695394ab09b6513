"""The inventory model against closed-form inventory theory.

One supplier, one leg (or two legs through a port), one site with a base-stock policy and
deterministic lead time L = supplier lead time + leg transits + port handling (whole days). The
simulated figures over the measurement window are compared with exact formulas.

Tolerance (every test): the replications are independent (same root seed, replication index
0 … n−1, so their streams are independent by construction), each gives one estimate, and

    |estimate − theory| < 4 · SE,

with SE the standard error across the n replications (for a ratio such as the fill rate
Σ met / Σ demand, the delta-method SE of the pooled ratio). With n = 20, |t_19| > 4 has
probability < 0.001 per assertion. Each test also asserts that 4 · SE is smaller than the change
in the theoretical value when S moves by one unit, so it can tell an off-by-one in S, or in the
lead time, from the truth (a test with a huge SE would pass anything).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import simulator

LAM = 10.0  # mean demand, units/day
N_REPS = 20
HORIZON = 1050  # days per replication
WARMUP = 50  # days; the start state (on hand S, nothing on order) is forgotten after L days
SEED = 20240607


# ------------------------------------------------------------ scenario and runs


def _scenario(
    *,
    S: int,
    supplier_days: float,
    legs: list[float],
    handling: float = 0.0,
    unmet: str,
    review: float,
    demand: dict,
) -> simulator.Scenario:
    """supplier → (port →)* site; lead time = supplier_days + Σ legs + handling × ports."""
    nodes: dict = {
        "sup": {"kind": "supplier", "country": "CN", "lead_time_days": supplier_days},
        "dc": {
            "kind": "site",
            "country": "DE",
            "demand": demand,
            "unmet": unmet,
            "inventory": {"kind": "base_stock", "order_up_to": S, "review_period_days": review},
        },
    }
    stops = ["sup"] + [f"port{i}" for i in range(len(legs) - 1)] + ["dc"]
    for port in stops[1:-1]:
        nodes[port] = {"kind": "port", "country": "NL", "handling_days": handling}
    leg_specs = {
        f"leg{i}": {"from": a, "to": b, "mode": "sea", "transit_days": days}
        for i, (a, b, days) in enumerate(zip(stops[:-1], stops[1:], legs, strict=True))
    }
    return simulator.scenario_from_dict(
        {
            "name": "theory",
            "horizon_days": HORIZON,
            "warmup_days": WARMUP,
            "replications": N_REPS,
            "nodes": nodes,
            "legs": leg_specs,
            "sourcing": {"single": {"kind": "single", "supplier": "sup"}},
        }
    )


POISSON = {"kind": "poisson", "rate_per_day": LAM}
DAILY = {"kind": "daily", "quantity": {"dist": "poisson", "mean": LAM}}


class Sums:
    """Per-replication totals over the measurement window (one row per replication)."""

    def __init__(self, scenario: simulator.Scenario, n: int = N_REPS):
        met, demand, on_hand, backlog = [], [], [], []
        for i in range(n):
            r = simulator.run_replication(scenario, "single", replication=i, seed=SEED)
            a, w = r.sites["dc"], r.warmup_days
            met.append(a["met"][w:].sum())
            demand.append(a["demand"][w:].sum())
            on_hand.append(a["on_hand_avg"][w:].mean())
            backlog.append(a["backlog_avg"][w:].mean())
        self.met, self.demand = np.array(met), np.array(demand)
        self.on_hand, self.backlog = np.array(on_hand), np.array(backlog)

    def fill_rate(self) -> tuple[float, float]:
        """Pooled Σ met / Σ demand and its delta-method SE across replications."""
        n = len(self.met)
        r = self.met.sum() / self.demand.sum()
        resid = self.met - r * self.demand
        se = math.sqrt((resid**2).sum() / (n * (n - 1))) / self.demand.mean()
        return r, se


def _mean_se(x: np.ndarray) -> tuple[float, float]:
    return float(x.mean()), float(x.std(ddof=1) / math.sqrt(len(x)))


def _assert_close(name: str, est: tuple[float, float], theory: float) -> None:
    value, se = est
    assert se > 0, f"{name}: zero SE, the estimate carries no information"
    assert abs(value - theory) < 4 * se, (
        f"{name}: simulated {value:.5f} ± {se:.5f} (SE), theory {theory:.5f}, "
        f"off by {abs(value - theory) / se:.1f} SE"
    )


# ------------------------------------------------------------ Poisson helpers


def _pos_part(S: int, mean: float) -> float:
    """E[(S − Y)^+] for Y ~ Poisson(mean)."""
    k = np.arange(S + 1)
    return float(((S - k) * stats.poisson.pmf(k, mean)).sum())


def _neg_part(S: int, mean: float) -> float:
    """E[(Y − S)^+] = E[Y] − S + E[(S − Y)^+] for Y ~ Poisson(mean)."""
    return mean - S + _pos_part(S, mean)


def erlang_b(servers: int, load: float) -> float:
    """Erlang's loss formula B(c, a) by the stable recursion B(k) = a·B(k−1) / (k + a·B(k−1))."""
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


# ------------------------------------------------------------ 1. continuous, backorders


def continuous_backorder_fill(S: int, lead: float) -> float:
    """β = P(Poisson(λL) ≤ S − 1).

    One-for-one replenishment with backorders keeps the inventory position at S, so the net
    inventory is IL(t) = S − D(t − L, t]: everything ordered up to t − L has arrived and nothing
    ordered later has. A unit arriving at t is met from stock iff IL(t−) ≥ 1, and by PASTA
    IL(t−) has the time-stationary law S − Poisson(λL).
    """
    return float(stats.poisson.cdf(S - 1, LAM * lead))


@pytest.mark.slow
def test_continuous_review_backorders_fill_rate_and_levels():
    """Fill rate β = P(Poisson(λL) ≤ S−1); on hand E[(S−Y)^+], backlog E[(Y−S)^+], Y~Poisson(λL).

    The time averages follow from IL(t) = S − D(t − L, t] (see :func:`continuous_backorder_fill`).
    """
    S, lead = 45, 4.0
    sc = _scenario(S=S, supplier_days=1, legs=[3], unmet="backorder", review=0, demand=POISSON)
    sums = Sums(sc)
    est = sums.fill_rate()
    theory = continuous_backorder_fill(S, lead)
    _assert_close("fill rate", est, theory)
    # The same SE separates S from S − 1 and L from L + 1.
    assert 4 * est[1] < theory - continuous_backorder_fill(S - 1, lead)
    assert 4 * est[1] < theory - continuous_backorder_fill(S, lead + 1)

    _assert_close("on hand", _mean_se(sums.on_hand), _pos_part(S, LAM * lead))
    _assert_close("backlog", _mean_se(sums.backlog), _neg_part(S, LAM * lead))


# ------------------------------------------------------------ 2. continuous, lost sales


def continuous_lost_fill(S: int, lead: float) -> float:
    """β = 1 − B(S, λL).

    With lost sales the position on hand + on order stays at S; every unit sold starts one
    replenishment of fixed length L. The outstanding orders are the busy servers of an M/D/S/S
    loss system (a demand is lost exactly when all S units are on order), and Erlang's loss
    formula is insensitive to the service-time law, so P(lost) = B(S, λL) and, by PASTA, the
    fill rate is 1 − B(S, λL).
    """
    return 1.0 - erlang_b(S, LAM * lead)


@pytest.mark.slow
def test_continuous_review_lost_sales_is_erlang_loss():
    """Fill rate 1 − ErlangB(S, λL); mean on hand S − λL(1 − B) (S minus the mean busy servers)."""
    S, lead = 42, 4.0
    sc = _scenario(S=S, supplier_days=1, legs=[3], unmet="lost", review=0, demand=POISSON)
    sums = Sums(sc)
    est = sums.fill_rate()
    theory = continuous_lost_fill(S, lead)
    _assert_close("fill rate", est, theory)
    assert 4 * est[1] < theory - continuous_lost_fill(S - 1, lead)

    busy = LAM * lead * (1.0 - erlang_b(S, LAM * lead))
    _assert_close("on hand", _mean_se(sums.on_hand), S - busy)
    assert sums.backlog.max() == 0  # lost sales never backorder


# ------------------------------------------------------------ 3. daily review, backorders


def daily_backorder_fill(S: int, lead: int) -> float:
    """β = (E[(S − Y_L)^+] − E[(S − Y_{L+1})^+]) / λ,  Y_k ~ Poisson(kλ).

    Timing: at d + 0 the site orders up to position S; that order arrives at d + L + 0, before
    the demand X of day d + L (at d + L + 0.5), and orders placed at d + 1 … d + L arrive after
    it. So just before the demand of day d + L the net inventory is IL = S − Y_L, with Y_L the
    demand of days d … d + L − 1 (L whole days), independent of X ~ Poisson(λ). The units of X
    met from stock are min(X, IL^+), and
        E[min(X, (S − Y)^+)] = E[(S − Y)^+] − E[(S − Y − X)^+]
    with Y + X ~ Poisson((L + 1)λ). Batch demand: this is expected units met per day, not the
    probability of a day without shortage.
    """
    return (_pos_part(S, LAM * lead) - _pos_part(S, LAM * (lead + 1))) / LAM


@pytest.mark.slow
@pytest.mark.parametrize(
    ("S", "supplier_days", "legs", "handling"),
    [
        (14, 0, [0], 0.0),  # L = 0: an order at d + 0 arrives before the demand at d + 0.5
        (45, 0, [1, 1], 1.0),  # L = 0 + 1 + 1 + 1 day of handling at the port = 3
        (38, 2, [1], 0.0),  # L = 3 again, split differently
    ],
)
def test_daily_review_backorders_fill_rate_and_levels(S, supplier_days, legs, handling):
    """Fill rate :func:`daily_backorder_fill`; time-average levels over the day:
    IL = S − Y_L on [d, d + 0.5) and S − Y_{L+1} on [d + 0.5, d + 1), so
    on hand = ½E[(S − Y_L)^+] + ½E[(S − Y_{L+1})^+], backlog likewise with (Y − S)^+.
    """
    lead = supplier_days + sum(legs) + handling * (len(legs) - 1)
    sc = _scenario(
        S=S,
        supplier_days=supplier_days,
        legs=legs,
        handling=handling,
        unmet="backorder",
        review=1,
        demand=DAILY,
    )
    sums = Sums(sc)
    est = sums.fill_rate()
    theory = daily_backorder_fill(S, lead)
    _assert_close("fill rate", est, theory)
    assert 4 * est[1] < theory - daily_backorder_fill(S - 1, lead)
    assert 4 * est[1] < theory - daily_backorder_fill(S, lead + 1)

    m0, m1 = LAM * lead, LAM * (lead + 1)
    on_hand = 0.5 * (_pos_part(S, m0) + _pos_part(S, m1))
    backlog = 0.5 * (_neg_part(S, m0) + _neg_part(S, m1))
    _assert_close("on hand", _mean_se(sums.on_hand), on_hand)
    if lead > 0:
        _assert_close("backlog", _mean_se(sums.backlog), backlog)


# ------------------------------------------------------------ 4. daily review, lost sales


def daily_lost_chain(S: int, lead: int) -> tuple[float, float]:
    """(fill rate, mean on hand) of daily review with lost sales, from an exact Markov chain.

    With lost sales the position after each review is S and only sales lower it, so the order
    placed at d + 0 equals the units sold on day d − 1: q_d = m_{d−1}. The order of d − k has
    arrived by day d iff k ≥ L, so the on hand just before day d's demand is
        h_d = S − (m_{d−L} + … + m_{d−1}),   and   m_d = min(X_d, h_d),  X_d ~ Poisson(λ) iid.
    The last L sales (m_{d−L}, …, m_{d−1}), with sum ≤ S, form a finite Markov chain; solve for its
    stationary law π and return Σ π E[min(X, h)] / λ and the time-average on hand
    ½E[h] + ½E[h − min(X, h)] (demand at mid-day).
    """
    states = [()]
    for _ in range(lead):
        states = [(*s, m) for s in states for m in range(S + 1 - sum(s))]
    index = {s: i for i, s in enumerate(states)}
    pmf = stats.poisson.pmf(np.arange(S + 1), LAM)
    n = len(states)
    P = np.zeros((n, n))
    met = np.zeros(n)
    for i, s in enumerate(states):
        h = S - sum(s)
        # P(min(X, h) = m): pmf(m) for m < h, P(X ≥ h) for m = h.
        probs = np.append(pmf[:h], stats.poisson.sf(h - 1, LAM))
        met[i] = float((np.arange(h + 1) * probs).sum())
        for m, p in enumerate(probs):
            P[i, index[(*s[1:], m) if s else ()]] += p
    # Stationary law: π (P − I) = 0 with Σπ = 1 (replace one equation by the normalisation).
    A = (P - np.eye(n)).T
    A[-1, :] = 1.0
    b = np.zeros(n)
    b[-1] = 1.0
    pi = np.linalg.solve(A, b)
    h = np.array([S - sum(s) for s in states], dtype=float)
    return float(pi @ met / LAM), float(pi @ (h - 0.5 * met))


def test_daily_lost_chain_reduces_to_newsvendor_at_zero_lead_time():
    """With L = 0 the chain has one state: every day starts with S on hand."""
    S = 12
    x = np.arange(200)
    expected = (np.minimum(x, S) * stats.poisson.pmf(x, LAM)).sum() / LAM
    fill, _ = daily_lost_chain(S, 0)
    assert fill == pytest.approx(expected, rel=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("S", "supplier_days", "legs"),
    [
        (12, 0, [0]),  # L = 0
        (22, 0, [1]),  # L = 1
        (30, 1, [1]),  # L = 2
    ],
)
def test_daily_review_lost_sales_matches_markov_chain(S, supplier_days, legs):
    """Fill rate and mean on hand from :func:`daily_lost_chain` (exact, solved numerically)."""
    lead = supplier_days + sum(legs)
    sc = _scenario(
        S=S, supplier_days=supplier_days, legs=legs, unmet="lost", review=1, demand=DAILY
    )
    sums = Sums(sc)
    est = sums.fill_rate()
    theory, on_hand = daily_lost_chain(S, lead)
    _assert_close("fill rate", est, theory)
    assert 4 * est[1] < theory - daily_lost_chain(S - 1, lead)[0]
    _assert_close("on hand", _mean_se(sums.on_hand), on_hand)
    assert sums.backlog.max() == 0
