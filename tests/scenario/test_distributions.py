"""Every distribution: analytic mean and variance against a large sample (within 4 standard
errors), and the length-biased and residual samplers used to start up/down processes in their
stationary state (length-biased mean = E[X²]/E[X]; mean residual = E[X²]/(2·E[X]))."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError
from scipy import stats

from simulator.scenario.distributions import (
    DISTRIBUTION_NAMES,
    Distribution,
    Empirical,
    Exponential,
    Fixed,
    Gamma,
    Lognormal,
    Normal,
    Poisson,
    Triangular,
    Uniform,
)

N = 40_000
N_BIASED = 20_000  # the rejection samplers (normal, triangular) draw ~10x more
ADAPTER = TypeAdapter(Distribution)

CASES = {
    "uniform": {"dist": "uniform", "low": 2, "high": 9},
    "triangular": {"dist": "triangular", "low": 1, "mode": 2, "high": 8},
    "exponential": {"dist": "exponential", "mean": 5},
    "normal": {"dist": "normal", "mean": 10, "sd": 3},
    "normal_truncated": {"dist": "normal", "mean": 1, "sd": 2},  # truncation at 0 matters
    "lognormal": {"dist": "lognormal", "mean": 30, "cv": 0.4},
    "gamma": {"dist": "gamma", "shape": 2.5, "scale": 4},
    "poisson": {"dist": "poisson", "mean": 7},
    "empirical": {"dist": "empirical", "values": [0, 1, 1, 3, 10]},
}


def dist(spec):
    return ADAPTER.validate_python(spec)


def draws(sampler, n: int = N) -> np.ndarray:
    return np.fromiter((sampler() for _ in range(n)), dtype=float, count=n)


def within(sample: np.ndarray, expected: float, k: float = 4.0) -> None:
    se = sample.std(ddof=1) / math.sqrt(len(sample))
    assert abs(sample.mean() - expected) <= k * se + 1e-12, (sample.mean(), expected, se)


def second_moment(d) -> float:
    return d.variance + d.mean**2


def test_every_distribution_name_is_covered():
    assert {spec["dist"] for spec in CASES.values()} | {"fixed"} == set(DISTRIBUTION_NAMES)


@pytest.mark.parametrize("name", list(CASES))
def test_mean_and_variance_match_a_large_sample(name):
    d = dist(CASES[name])
    rng = np.random.default_rng(20240601 + len(name))
    x = draws(d.sampler(rng))
    within(x, d.mean)
    # Standard error of the sample variance: sqrt((m4 - s^4) / n), with sample moments.
    centred = x - x.mean()
    s2 = centred.var(ddof=1)
    se_var = math.sqrt(max(np.mean(centred**4) - s2**2, 0.0) / len(x))
    assert abs(s2 - d.variance) <= 4 * se_var, (s2, d.variance, se_var)
    assert (x >= 0).all()


@pytest.mark.parametrize("name", list(CASES))
def test_length_biased_mean_is_second_moment_over_mean(name):
    d = dist(CASES[name])
    rng = np.random.default_rng(7 + len(name))
    x = draws(d.length_biased_sampler(rng), N_BIASED)
    within(x, second_moment(d) / d.mean)


@pytest.mark.parametrize("name", list(CASES))
def test_mean_residual_is_second_moment_over_twice_mean(name):
    d = dist(CASES[name])
    rng = np.random.default_rng(99 + len(name))
    x = draws(d.residual_sampler(rng), N_BIASED)
    within(x, second_moment(d) / (2 * d.mean))
    assert (x >= 0).all()


def test_exponential_residual_is_memoryless():
    d = Exponential(dist="exponential", mean=4)
    x = draws(d.residual_sampler(np.random.default_rng(3)))
    within(x, 4.0)


def test_fixed_is_constant_in_every_sampler():
    d = Fixed(value=6)
    rng = np.random.default_rng(1)
    assert (d.mean, d.variance) == (6, 0)
    assert {d.sampler(rng)() for _ in range(10)} == {6.0}
    assert {d.length_biased_sampler(rng)() for _ in range(10)} == {6.0}
    residual = draws(d.residual_sampler(rng), 20_000)
    assert residual.min() >= 0 and residual.max() <= 6
    within(residual, 3.0)


def test_degenerate_triangular_is_constant():
    d = Triangular(dist="triangular", low=3, mode=3, high=3)
    assert d.sampler(np.random.default_rng(0))() == 3.0
    assert d.variance == 0


def test_empirical_of_zeros_has_zero_length_biased_draws():
    d = Empirical(dist="empirical", values=[0, 0])
    assert d.length_biased_sampler(np.random.default_rng(0))() == 0.0


def test_truncated_normal_moments_agree_with_scipy():
    d = Normal(dist="normal", mean=1, sd=2)
    ref = stats.truncnorm(a=(0 - 1) / 2, b=np.inf, loc=1, scale=2)
    assert d.mean == pytest.approx(ref.mean(), rel=1e-9)
    assert d.variance == pytest.approx(ref.var(), rel=1e-9)


def test_closed_forms():
    assert Uniform(dist="uniform", low=2, high=8).variance == pytest.approx(3.0)
    assert Gamma(dist="gamma", shape=2, scale=3).mean == 6
    lg = Lognormal(dist="lognormal", mean=10, cv=0.5)
    assert (lg.mean, lg.variance) == (10, 25)
    assert Poisson(dist="poisson", mean=4).variance == 4


def test_sample_returns_an_array_of_the_requested_size():
    x = dist(CASES["gamma"]).sample(np.random.default_rng(0), 17)
    assert x.shape == (17,) and x.dtype == float


STREAM_CASES = [
    *CASES.values(),
    {"dist": "fixed", "value": 4},
    {"dist": "triangular", "low": 3, "mode": 3, "high": 3},
    {"dist": "normal", "mean": 0, "sd": 5},  # half the draws are redrawn
    {"dist": "normal", "mean": 2, "sd": 0},
]


@pytest.mark.parametrize("spec", STREAM_CASES, ids=lambda spec: "-".join(map(str, spec.values())))
def test_sample_is_the_scalar_sampler_in_one_call(spec):
    """Demand is drawn with ``sample`` and must equal the scalar draws exactly (common random
    numbers), leaving the generator where the scalar draws leave it."""
    d = dist(spec)
    one, many = np.random.default_rng(11), np.random.default_rng(11)
    scalar = np.array([d.sampler(one)() for _ in range(3000)], dtype=float)
    vector = d.sample(many, 3000)
    np.testing.assert_array_equal(vector, scalar)
    assert many.bit_generator.state == one.bit_generator.state


@pytest.mark.parametrize("spec", STREAM_CASES, ids=lambda spec: "-".join(map(str, spec.values())))
def test_stream_gives_the_scalar_draws_in_order(spec):
    """Transit, handling and production times come from block-drawn streams: the same numbers
    in the same order as the scalar sampler, across block boundaries."""
    d = dist(spec)
    scalar = d.sampler(np.random.default_rng(3))
    stream = d.stream(np.random.default_rng(3), first=4, largest=64)
    assert [stream() for _ in range(500)] == [scalar() for _ in range(500)]


def test_bare_number_is_shorthand_for_fixed():
    assert ADAPTER.validate_python(3) == Fixed(value=3)
    assert ADAPTER.validate_python(2.5).mean == 2.5
    with pytest.raises(ValidationError):
        ADAPTER.validate_python(True)  # a boolean is not a number of days
    with pytest.raises(ValidationError):
        ADAPTER.validate_python(-1)


@pytest.mark.parametrize(
    "spec",
    [
        {"dist": "uniform", "low": 5, "high": 4},
        {"dist": "triangular", "low": 1, "mode": 5, "high": 4},
        {"dist": "normal", "mean": -100, "sd": 1},
        {"dist": "normal", "mean": -1, "sd": 0},
        {"dist": "exponential", "mean": 0},
        {"dist": "empirical", "values": []},
        {"dist": "lognormal", "mean": 3, "sd": 1},
    ],
)
def test_invalid_parameters_are_rejected(spec):
    with pytest.raises(ValidationError):
        ADAPTER.validate_python(spec)
