"""The disruption calendar of one replication, drawn before the simulation starts.

Disruptions do not depend on the sourcing policy, so the whole calendar is drawn up front from the
stream ("disruption", id): every policy of replication *i* sees exactly the same episodes (common
random numbers), and the demand generator can apply demand shocks without running the model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..scenario.schema import Disruption, Effect, RandomTiming, Scenario, Scheduled, Season
from .randomness import Streams

YEAR_DAYS = 365.0
# A seasonal process is started this many years (plus enough years for BURN_IN_DURATIONS mean
# durations) before t = 0, so its state at t = 0 is that of the day of the year.
BURN_IN_YEARS = 3
BURN_IN_DURATIONS = 5


@dataclass(frozen=True)
class Episode:
    """One occurrence of a disruption: [start, end) in days, and what it hits."""

    disruption: str
    index: int
    start: float
    end: float
    target: str
    nodes: tuple[str, ...]
    legs: tuple[str, ...]
    effect: Effect
    began_before_start: bool = False

    @property
    def duration(self) -> float:
        return self.end - self.start


def resolve_target(sc: Scenario, d: Disruption) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The node ids and leg ids a disruption hits (a country or tag hits all its nodes at once)."""
    t = d.target
    if t.node is not None:
        return (t.node,), ()
    if t.leg is not None:
        return (), (t.leg,)
    if t.country is not None:
        return tuple(n for n, spec in sc.nodes.items() if spec.country == t.country), ()
    if t.tag is not None:
        return tuple(n for n, spec in sc.nodes.items() if t.tag in spec.tags), ()
    return (), tuple(lid for lid, leg in sc.legs.items() if leg.mode == t.mode)


def _in_season(day_of_year: float, season: Season) -> bool:
    a, b = season.start_day_of_year, season.end_day_of_year
    return a <= day_of_year < b if a <= b else (day_of_year >= a or day_of_year < b)


def _season_edges(season: Season) -> list[float]:
    return sorted({season.start_day_of_year % YEAR_DAYS, season.end_day_of_year % YEAR_DAYS})


def advance_in_season(t: float, up: float, season: Season | None) -> float:
    """Calendar time at which ``up`` days of in-season time have passed after ``t``."""
    if season is None:
        return t + up
    if season.start_day_of_year == season.end_day_of_year:
        return math.inf  # an empty season never starts a disruption
    edges = _season_edges(season)
    remaining = up
    a, b = season.start_day_of_year, season.end_day_of_year
    per_year = b - a if a < b else YEAR_DAYS - a + b
    # Any full year holds exactly ``per_year`` in-season days: skip whole years at once.
    whole = math.floor(remaining / per_year) - 1
    if whole > 0:
        t += whole * YEAR_DAYS
        remaining -= whole * per_year
    while True:
        year0 = math.floor(t / YEAR_DAYS) * YEAR_DAYS
        doy = t - year0
        later = [e for e in edges if e > doy + 1e-12]
        nxt = year0 + (later[0] if later else YEAR_DAYS + edges[0])
        if _in_season(doy, season):
            if t + remaining <= nxt:
                return t + remaining
            remaining -= nxt - t
        t = nxt


def draw_calendar(sc: Scenario, streams: Streams, horizon: float | None = None) -> list[Episode]:
    """Every episode of every disruption starting before ``horizon`` (default: the scenario's)."""
    horizon = sc.horizon_days if horizon is None else horizon
    episodes: list[Episode] = []
    for did, d in sc.disruptions.items():
        nodes, legs = resolve_target(sc, d)
        target = d.target.describe()
        timing = d.timing
        if isinstance(timing, Scheduled):
            if timing.start_day < horizon:
                episodes.append(
                    Episode(
                        did,
                        0,
                        float(timing.start_day),
                        float(timing.start_day + timing.duration_days),
                        target,
                        nodes,
                        legs,
                        d.effect,
                    )
                )
            continue
        rng = streams.generator("disruption", did)
        for i, (start, end, before) in enumerate(_random_episodes(timing, rng, horizon)):
            episodes.append(Episode(did, i, start, end, target, nodes, legs, d.effect, before))
    episodes.sort(key=lambda e: (e.start, e.disruption, e.index))
    return episodes


def season_days(season: Season) -> float:
    """In-season days per calendar year."""
    a, b = season.start_day_of_year, season.end_day_of_year
    return b - a if a <= b else YEAR_DAYS - a + b


def in_season_up_mean(timing: RandomTiming) -> float:
    """Mean in-season up time (days) between episodes.

    Without a season this is ``mttf_days`` (or 365 / ``rate_per_year``). With a season, a
    ``rate_per_year`` still means episodes per calendar year: the season's days are shared
    between up time and the episodes, so the up time is S / rate − mean duration (at least a
    hundredth of S / rate); an ``mttf_days`` is in-season up time as given.
    """
    if timing.season is None or timing.rate_per_year is None:
        return timing.mean_up_days
    per_episode = season_days(timing.season) / timing.rate_per_year
    return max(per_episode - timing.duration_days.mean, per_episode / 100)


def _random_episodes(timing: RandomTiming, rng: np.random.Generator, horizon: float):
    """(start, end, began_before_start) of every episode starting before ``horizon``.

    The process starts in its stationary state, so no warm-up is needed. Without a season that
    is exact: down at t = 0 with probability MTTR / (MTTF + MTTR), for the residual of a
    length-biased duration. With a season the state at t = 0 depends on the day of the year, so
    the process is run from a whole number of years before t = 0 (long enough for every trace of
    its start to be gone) and only what overlaps [0, horizon) is kept.
    """
    up_mean = in_season_up_mean(timing)
    duration = timing.duration_days
    draw_duration = duration.sampler(rng)
    exp = rng.exponential
    season = timing.season
    if season is None:
        t = 0.0
        if rng.random() < duration.mean / (up_mean + duration.mean):
            t = duration.residual_sampler(rng)()
            yield 0.0, t, True
    else:
        years = BURN_IN_YEARS + math.ceil(BURN_IN_DURATIONS * duration.mean / YEAR_DAYS)
        t = -years * YEAR_DAYS
    while True:
        start = advance_in_season(t, exp(up_mean), season)
        if start >= horizon:
            return
        t = start + draw_duration()
        if t <= 0.0:
            continue  # over before the horizon starts (burn-in)
        if start < 0.0:
            yield 0.0, t, True
        else:
            yield start, t, False
