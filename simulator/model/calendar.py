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


def _random_episodes(timing: RandomTiming, rng: np.random.Generator, horizon: float):
    up_mean = timing.mean_up_days
    duration = timing.duration_days
    draw_duration = duration.sampler(rng)
    exp = rng.exponential
    season = timing.season
    t = 0.0
    # Stationary start: down with probability MTTR/(MTTF+MTTR), for the residual of a
    # length-biased down period; otherwise up, with a memoryless (exponential) residual up time.
    starts_down = season is None or _in_season(0.0, season)
    if starts_down and rng.random() < duration.mean / (up_mean + duration.mean):
        t = duration.residual_sampler(rng)()
        yield 0.0, t, True
    while True:
        start = advance_in_season(t, exp(up_mean), season)
        if start >= horizon:
            return
        t = start + draw_duration()
        yield start, t, False
