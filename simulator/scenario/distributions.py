"""Probability distributions used for times and quantities in scenario files.

One spelling everywhere: a mapping with a ``dist`` key, e.g.
``{dist: lognormal, mean: 30, cv: 0.2}``. A bare number is shorthand for
``{dist: fixed, value: <number>}``. Every distribution knows its
analytic ``mean`` and ``variance`` (used by days-of-cover settings, route ranking and the tests) and
builds a fast scalar sampler bound to one ``numpy.random.Generator``.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable
from typing import Annotated, Any, ClassVar, Literal

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from .types import invalid

Sampler = Callable[[], float]


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    #: What the distribution takes, with an example (the fix text for a mistake inside it).
    takes: ClassVar[str]

    @property
    def mean(self) -> float:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def variance(self) -> float:  # pragma: no cover - overridden
        raise NotImplementedError

    def sampler(self, rng: np.random.Generator) -> Sampler:  # pragma: no cover - overridden
        raise NotImplementedError

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` independent draws as a float array: the same numbers, and the generator left
        in the same state, as ``size`` calls of :meth:`sampler` (subclasses draw them in one
        numpy call)."""
        draw = self.sampler(rng)
        return np.array([draw() for _ in range(size)], dtype=float)

    def stream(self, rng: np.random.Generator, first: int = 16, largest: int = 4096) -> Sampler:
        """A sampler with the same draws as :meth:`sampler`, drawn ahead in blocks of ``first``,
        then twice as many each time, up to ``largest`` (one numpy call per block instead of one
        per draw). The generator runs ahead of the draws taken: it must feed nothing else."""
        if type(self).sample is _Dist.sample:
            return self.sampler(rng)
        sizes = itertools.chain(
            itertools.takewhile(lambda n: n < largest, (first << k for k in itertools.count())),
            itertools.repeat(largest),
        )
        sample = self.sample
        return itertools.chain.from_iterable(sample(rng, n).tolist() for n in sizes).__next__

    def length_biased_sampler(self, rng: np.random.Generator) -> Sampler:
        """Draws from the length-biased law (density ∝ x·f(x)).

        Used to start an up/down process in its stationary state: the down period that covers
        time 0 is length-biased, and the time left in it is uniform over that length. The default
        is rejection against an upper bound; subclasses with a closed form override it.
        """
        draw = self.sampler(rng)
        bound = self._upper_bound()
        uniform = rng.random

        def biased() -> float:
            while True:
                x = draw()
                if uniform() * bound <= x:
                    return x

        return biased

    def _upper_bound(self) -> float:
        return self.mean + 10.0 * math.sqrt(self.variance) + 1e-12

    def residual_sampler(self, rng: np.random.Generator) -> Sampler:
        """Draws the remaining time of a period in progress at a random instant (stationary)."""
        biased = self.length_biased_sampler(rng)
        uniform = rng.random
        return lambda: uniform() * biased()


class Fixed(_Dist):
    """Always ``value``."""

    takes: ClassVar[str] = "value (>= 0), e.g. 3"
    dist: Literal["fixed"] = "fixed"
    value: float = Field(ge=0)

    @property
    def mean(self) -> float:
        return self.value

    @property
    def variance(self) -> float:
        return 0.0

    def sampler(self, rng: np.random.Generator) -> Sampler:
        v = float(self.value)
        return lambda: v

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.full(size, float(self.value))

    def length_biased_sampler(self, rng: np.random.Generator) -> Sampler:
        return self.sampler(rng)


class Uniform(_Dist):
    """Uniform on [low, high]."""

    takes: ClassVar[str] = "low and high (0 <= low <= high), e.g. {dist: uniform, low: 2, high: 5}"
    dist: Literal["uniform"]
    low: float = Field(ge=0)
    high: float = Field(ge=0)

    @model_validator(mode="after")
    def _order(self) -> Uniform:
        if self.high < self.low:
            raise invalid(
                f"high ({self.high}) must be at least low ({self.low})", "swap low and high"
            )
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    @property
    def variance(self) -> float:
        return (self.high - self.low) ** 2 / 12

    def sampler(self, rng: np.random.Generator) -> Sampler:
        lo, hi, u = self.low, self.high, rng.uniform
        return lambda: u(lo, hi)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, size)

    def length_biased_sampler(self, rng: np.random.Generator) -> Sampler:
        lo2, hi2, u = self.low**2, self.high**2, rng.random
        return lambda: math.sqrt(lo2 + u() * (hi2 - lo2))


class Triangular(_Dist):
    """Triangular on [low, high] with the given mode."""

    takes: ClassVar[str] = "low <= mode <= high, e.g. {dist: triangular, low: 2, mode: 3, high: 6}"
    dist: Literal["triangular"]
    low: float = Field(ge=0)
    mode: float = Field(ge=0)
    high: float = Field(ge=0)

    @model_validator(mode="after")
    def _order(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise invalid("need low <= mode <= high", "order the numbers so low <= mode <= high")
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    @property
    def variance(self) -> float:
        a, c, b = self.low, self.mode, self.high
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18

    def sampler(self, rng: np.random.Generator) -> Sampler:
        lo, mo, hi = self.low, self.mode, self.high
        if lo == hi:
            return lambda: float(lo)
        t = rng.triangular
        return lambda: t(lo, mo, hi)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        if self.low == self.high:
            return np.full(size, float(self.low))
        return rng.triangular(self.low, self.mode, self.high, size)

    def _upper_bound(self) -> float:
        return self.high + 1e-12


class Exponential(_Dist):
    """Exponential with the given mean."""

    takes: ClassVar[str] = "mean (> 0), e.g. {dist: exponential, mean: 10}"
    dist: Literal["exponential"]
    mean_value: float = Field(gt=0, alias="mean")

    @property
    def mean(self) -> float:
        return self.mean_value

    @property
    def variance(self) -> float:
        return self.mean_value**2

    def sampler(self, rng: np.random.Generator) -> Sampler:
        m, e = self.mean_value, rng.exponential
        return lambda: e(m)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.exponential(self.mean_value, size)

    def residual_sampler(self, rng: np.random.Generator) -> Sampler:
        return self.sampler(rng)  # memoryless

    def length_biased_sampler(self, rng: np.random.Generator) -> Sampler:
        m, g = self.mean_value, rng.gamma
        return lambda: g(2.0, m)


class Normal(_Dist):
    """Normal(mean, sd) truncated at 0 (negative draws are redrawn)."""

    takes: ClassVar[str] = (
        "mean and sd (>= 0; truncated at 0), e.g. {dist: normal, mean: 20, sd: 5}"
    )
    dist: Literal["normal"]
    mu: float = Field(alias="mean")
    sd: float = Field(ge=0)

    @model_validator(mode="after")
    def _some_mass(self) -> Normal:
        if self.sd == 0 and self.mu < 0:
            raise invalid("with sd 0 the mean must be >= 0", "use a mean >= 0")
        if self.sd > 0 and self.mu / self.sd < -5:
            raise ValueError("almost all of this normal lies below 0; raise the mean or the sd")
        return self

    def _alpha(self) -> float:
        return -self.mu / self.sd

    @functools.cached_property
    def mean(self) -> float:  # computed once: scipy is slow to call per draw
        if self.sd == 0:
            return self.mu
        from scipy.stats import norm

        a = self._alpha()
        return self.mu + self.sd * norm.pdf(a) / norm.sf(a)

    @functools.cached_property
    def variance(self) -> float:
        if self.sd == 0:
            return 0.0
        from scipy.stats import norm

        a = self._alpha()
        lam = norm.pdf(a) / norm.sf(a)
        return self.sd**2 * (1 + a * lam - lam**2)

    def sampler(self, rng: np.random.Generator) -> Sampler:
        mu, sd, n = self.mu, self.sd, rng.normal

        def draw() -> float:
            while True:
                x = n(mu, sd)
                if x >= 0:
                    return x

        return draw

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        # Redraw only as many as are still missing: never more draws than the scalar sampler.
        kept: list[np.ndarray] = []
        missing = size
        while missing > 0:
            x = rng.normal(self.mu, self.sd, missing)
            x = x[x >= 0]
            kept.append(x)
            missing -= len(x)
        return np.concatenate(kept) if kept else np.empty(0)


class Lognormal(_Dist):
    """Lognormal given its own mean and coefficient of variation (sd / mean)."""

    takes: ClassVar[str] = (
        "mean (> 0) and cv (>= 0, sd ÷ mean), e.g. {dist: lognormal, mean: 30, cv: 0.2}"
    )
    dist: Literal["lognormal"]
    mean_value: float = Field(gt=0, alias="mean")
    cv: float = Field(ge=0)

    def _params(self) -> tuple[float, float]:
        s2 = math.log1p(self.cv**2)
        return math.log(self.mean_value) - s2 / 2, math.sqrt(s2)

    @property
    def mean(self) -> float:
        return self.mean_value

    @property
    def variance(self) -> float:
        return (self.cv * self.mean_value) ** 2

    def sampler(self, rng: np.random.Generator) -> Sampler:
        mu, sigma = self._params()
        ln = rng.lognormal
        return lambda: ln(mu, sigma)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        mu, sigma = self._params()
        return rng.lognormal(mu, sigma, size)

    def length_biased_sampler(self, rng: np.random.Generator) -> Sampler:
        mu, sigma = self._params()
        ln = rng.lognormal
        return lambda: ln(mu + sigma**2, sigma)


class Gamma(_Dist):
    """Gamma with ``shape`` k and ``scale`` θ (mean kθ)."""

    takes: ClassVar[str] = (
        "shape and scale (> 0; mean = shape × scale), e.g. {dist: gamma, shape: 2, scale: 5}"
    )
    dist: Literal["gamma"]
    shape: float = Field(gt=0)
    scale: float = Field(gt=0)

    @property
    def mean(self) -> float:
        return self.shape * self.scale

    @property
    def variance(self) -> float:
        return self.shape * self.scale**2

    def sampler(self, rng: np.random.Generator) -> Sampler:
        k, th, g = self.shape, self.scale, rng.gamma
        return lambda: g(k, th)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.gamma(self.shape, self.scale, size)

    def length_biased_sampler(self, rng: np.random.Generator) -> Sampler:
        k, th, g = self.shape + 1.0, self.scale, rng.gamma
        return lambda: g(k, th)


class Poisson(_Dist):
    """Poisson counts with the given mean."""

    takes: ClassVar[str] = "mean (>= 0), e.g. {dist: poisson, mean: 20}"
    dist: Literal["poisson"]
    mean_value: float = Field(ge=0, alias="mean")

    @property
    def mean(self) -> float:
        return self.mean_value

    @property
    def variance(self) -> float:
        return self.mean_value

    def sampler(self, rng: np.random.Generator) -> Sampler:
        m, p = self.mean_value, rng.poisson
        return lambda: float(p(m))

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.poisson(self.mean_value, size).astype(float)

    def length_biased_sampler(self, rng: np.random.Generator) -> Sampler:
        # Size-biased Poisson(m) is 1 + Poisson(m).
        m, p = self.mean_value, rng.poisson
        return lambda: float(1 + p(m))


class Empirical(_Dist):
    """Equally likely draws from a list of observed values."""

    takes: ClassVar[str] = (
        "values: a list of numbers >= 0, e.g. {dist: empirical, values: [3, 4, 4, 7]}"
    )
    dist: Literal["empirical"]
    values: list[Annotated[float, Field(ge=0)]] = Field(min_length=1)

    @property
    def mean(self) -> float:
        return float(np.mean(self.values))

    @property
    def variance(self) -> float:
        return float(np.var(self.values))

    def sampler(self, rng: np.random.Generator) -> Sampler:
        vals = np.asarray(self.values, dtype=float)
        n, integers = len(vals), rng.integers
        return lambda: float(vals[integers(n)])

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        vals = np.asarray(self.values, dtype=float)
        return vals[rng.integers(len(vals), size=size)]

    def length_biased_sampler(self, rng: np.random.Generator) -> Sampler:
        vals = np.asarray(self.values, dtype=float)
        total = vals.sum()
        if total == 0:
            return lambda: 0.0
        cum = np.cumsum(vals) / total
        u = rng.random
        return lambda: float(vals[min(int(np.searchsorted(cum, u(), side="right")), len(vals) - 1)])


def _fixed_shorthand(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return {"dist": "fixed", "value": value}
    return value


_AnyDist = Annotated[
    Fixed | Uniform | Triangular | Exponential | Normal | Lognormal | Gamma | Poisson | Empirical,
    Field(discriminator="dist"),
]

DIST_EXAMPLE = (
    "a number such as 3, or a distribution such as {dist: triangular, low: 2, mode: 3, high: 6}"
)
"""How to write a time or quantity: the words every fix text about a distribution field uses."""

Distribution = Annotated[
    _AnyDist,
    # The JSON Schema says what a file may hold: a bare number (the fixed shorthand) or a mapping.
    BeforeValidator(
        _fixed_shorthand, json_schema_input_type=Annotated[float, Field(ge=0)] | _AnyDist
    ),
]
"""Any distribution; a bare number means ``fixed``."""

DISTRIBUTION_NAMES = (
    "fixed",
    "uniform",
    "triangular",
    "exponential",
    "normal",
    "lognormal",
    "gamma",
    "poisson",
    "empirical",
)
