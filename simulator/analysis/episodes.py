"""Disruption episodes: their resilience figures (DESIGN §3b) and summaries (DESIGN §4).

Pure functions over one replication's daily series and over episode tables. Days are whole days
(day *d* is [d, d+1)); P(d) is the share of day-d demand met on the day (1 with no demand).

Per scored (episode, site) pair:

* TTS — whole days from the start s to the first day in the attribution window with P(d) < 1;
  censored (no shortage) when there is none.
* TTR — the *lasting* recovery: days from s to the first day r, at or after the first shortage
  day, such that every day from r until max(r, E) + ``hold`` (E the first day at or after the
  episode's end) has P(d) ≥ the threshold and no backlog at its end. Censored at the window's end
  when no such day is observed in the window (the value is then a lower bound).
* performance loss — Σ (1 − P(d)) over [s, s + TTR), in demand-days; ``unmet_units`` the same in
  units; ``nadir`` the lowest P(d) there; ``fill_rate_during`` = met ÷ demanded over [s, e).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from .statistics import CONFIDENCE, t_interval, wilson

#: Episode figures summarised over all scored episodes (zeros included), paired per episode.
EPISODE_MEANS = ("performance_loss", "unmet_units", "fill_rate_during", "nadir")


def score_episode(
    service: np.ndarray,
    backlog_end: np.ndarray,
    demand: np.ndarray,
    met: np.ndarray,
    start: float,
    end: float,
    threshold: float,
    hold: int = 7,
    window_end: float | None = None,
) -> dict[str, float]:
    """Resilience figures of one disruption episode at one site (see the module docstring).

    ``window_end`` is the start of the next scored episode at the site (default: the horizon):
    a shortage that begins after it is not this episode's, and recovery must be seen before it.
    """
    days = len(service)
    s0 = math.floor(start)
    w_end = days if window_end is None else min(days, max(s0, math.floor(window_end)))
    e_day = min(days, math.ceil(end))
    during = slice(s0, max(e_day, s0 + 1) if end > start else s0 + 1)
    asked = float(demand[during].sum())
    out = {
        "tts_days": math.nan,
        "tts_censored": 1.0,
        "ttr_days": 0.0,
        "ttr_censored": 0.0,
        "performance_loss": 0.0,
        "unmet_units": 0.0,
        "nadir": 1.0,
        "fill_rate_during": float(met[during].sum()) / asked if asked > 0 else 1.0,
        "shortage": 0.0,
        "observed_days": float(w_end - s0),
    }
    short = np.nonzero(service[s0:w_end] < 1.0)[0]
    if len(short) == 0:
        return out
    first = s0 + int(short[0])
    out["tts_days"], out["tts_censored"], out["shortage"] = float(first - s0), 0.0, 1.0
    # good[d]: day d serves at the threshold and ends without backlog. The first r >= first with
    # every day of [r, max(r, E) + hold) good and that span inside the window.
    good = (service[first:w_end] >= threshold) & (backlog_end[first:w_end] <= 0)
    n = len(good)
    bad_at = np.nonzero(~good)[0]
    # next_bad[i]: offset of the first bad day at or after i (n if none).
    next_bad = np.full(n + 1, n)
    if len(bad_at):
        idx = np.searchsorted(bad_at, np.arange(n))
        nb = np.where(idx < len(bad_at), bad_at[np.minimum(idx, len(bad_at) - 1)], n)
        next_bad[:n] = nb
    r = np.arange(n)
    need = np.maximum(r + first, e_day) + hold - first  # offsets that must be good, exclusive
    ok = (next_bad[:n] >= need) & (need <= n)
    hits = np.nonzero(ok)[0]
    if len(hits):
        stop = first + int(hits[0])
        out["ttr_days"] = float(stop - s0)
    else:
        stop = w_end
        out["ttr_days"], out["ttr_censored"] = float(w_end - s0), 1.0
    out["performance_loss"] = float((1.0 - service[s0:stop]).sum())
    out["unmet_units"] = float((demand[s0:stop] - met[s0:stop]).sum())
    out["nadir"] = float(service[s0:stop].min()) if stop > s0 else 1.0
    return out


# --------------------------------------------------------------------------- Kaplan–Meier


def kaplan_meier(times: np.ndarray, censored: np.ndarray, confidence: float = CONFIDENCE) -> dict:
    """Kaplan–Meier median and restricted mean (to the largest time) of times with right
    censoring, with their intervals and the number censored.

    The median is the first time the survival function falls to 0.5 or below (NaN when it never
    does: "not reached"); its interval is where the pointwise log-log interval of the survival
    function crosses 0.5. The restricted mean is the area under the survival function up to the
    largest observed time, with a Greenwood-type standard error.
    """
    t = np.asarray(times, dtype=float)
    c = np.asarray(censored, dtype=bool)
    keep = np.isfinite(t)
    t, c = t[keep], c[keep]
    n = len(t)
    out = {
        "n": n,
        "censored": int(c.sum()),
        "median": math.nan,
        "median_low": math.nan,
        "median_high": math.nan,
        "rmst": math.nan,
        "rmst_se": math.nan,
        "rmst_low": math.nan,
        "rmst_high": math.nan,
        "tau": math.nan,
    }
    if n == 0:
        return out
    tau = float(t.max())
    out["tau"] = tau
    if c.all():
        out["rmst"] = tau  # nothing observed to end: survival 1 up to tau
        out["rmst_low"] = out["rmst_high"] = tau
        out["rmst_se"] = 0.0
        return out
    data = stats.CensoredData(uncensored=t[~c], right=t[c])
    res = stats.ecdf(data)
    sf = res.sf
    q, p = sf.quantiles, sf.probabilities
    below = np.nonzero(p <= 0.5 + 1e-12)[0]
    if len(below):
        out["median"] = float(q[below[0]])
    if len(q) > 1 or p[0] < 1:
        try:
            with warnings.catch_warnings():
                # scipy warns where the band is undefined (S = 0 or 1); those points are skipped.
                warnings.simplefilter("ignore", RuntimeWarning)
                ci = sf.confidence_interval(confidence_level=confidence, method="log-log")
            lo_p, hi_p = ci.low.probabilities, ci.high.probabilities
            lo_hit = np.nonzero(lo_p <= 0.5 + 1e-12)[0]
            hi_hit = np.nonzero(hi_p <= 0.5 + 1e-12)[0]
            if len(lo_hit):
                out["median_low"] = float(q[lo_hit[0]])
            if len(hi_hit):
                out["median_high"] = float(q[hi_hit[0]])
        except (ValueError, RuntimeWarning):  # pragma: no cover - degenerate curves
            pass
    # Restricted mean: area under the step function S from 0 to tau.
    steps = np.concatenate([[0.0], q[q <= tau], [tau]])
    levels = np.concatenate([[1.0], p[q <= tau]])
    rmst = float(np.sum(levels * np.diff(steps)))
    out["rmst"] = rmst
    # Greenwood-type variance: sum over event times of A_i² d_i / (n_i (n_i − d_i)), with A_i the
    # area under S from t_i to tau.
    ev_times = np.unique(t[~c])
    var = 0.0
    for ti in ev_times:
        if ti > tau:
            continue
        at_risk = float((t >= ti).sum())
        d = float(((t == ti) & ~c).sum())
        if at_risk - d <= 0:
            continue
        mask = steps[:-1] >= ti
        area = float(np.sum(levels[mask] * np.diff(steps)[mask]))
        var += area * area * d / (at_risk * (at_risk - d))
    se = math.sqrt(var)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    out["rmst_se"] = se
    out["rmst_low"] = max(0.0, rmst - z * se)
    out["rmst_high"] = min(tau, rmst + z * se)
    return out


# --------------------------------------------------------------------------- summaries


def _row(keys: dict, figure: str, **values) -> dict:
    base = {
        "n": math.nan,
        "mean": math.nan,
        "sd": math.nan,
        "se": math.nan,
        "ci_low": math.nan,
        "ci_high": math.nan,
        "interval": "",
        "censored": math.nan,
    }
    base.update(values)
    return {**keys, "figure": figure, **base}


def summarize_episodes(episodes: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Long table of episode summaries per group (DESIGN §4).

    ``p_shortage`` (Wilson interval); ``tts_days`` and ``ttr_days`` given a shortage as
    Kaplan–Meier median (``*_median``, interval from the survival band) and restricted mean
    (``*_rmst``) with the number censored; loss, unmet units, fill rate during and nadir over all
    scored episodes with t intervals.
    """
    rows: list[dict] = []
    if episodes.empty:
        return pd.DataFrame(rows)
    for key, g in episodes.groupby(by, sort=False):
        keys = dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True))
        n = len(g)
        k = float(g["shortage"].sum())
        lo, hi = wilson(k, n)
        rows.append(
            _row(
                keys,
                "p_shortage",
                n=n,
                mean=k / n if n else math.nan,
                ci_low=lo,
                ci_high=hi,
                interval="wilson",
            )
        )
        short = g[g["shortage"] > 0]
        for fig in ("tts_days", "ttr_days"):
            km = kaplan_meier(short[fig].to_numpy(), short[fig.replace("_days", "_censored")] > 0)
            rows.append(
                _row(
                    keys,
                    f"{fig}_median",
                    n=km["n"],
                    mean=km["median"],
                    ci_low=km["median_low"],
                    ci_high=km["median_high"],
                    interval="kaplan-meier",
                    censored=km["censored"],
                )
            )
            rows.append(
                _row(
                    keys,
                    f"{fig}_rmst",
                    n=km["n"],
                    mean=km["rmst"],
                    se=km["rmst_se"],
                    ci_low=km["rmst_low"],
                    ci_high=km["rmst_high"],
                    interval="kaplan-meier",
                    censored=km["censored"],
                )
            )
        for fig in EPISODE_MEANS:
            rows.append(_row(keys, fig, **t_interval(g[fig].to_numpy()), interval="t"))
    return pd.DataFrame(rows)


EPISODE_KEY = ["replication", "disruption", "episode", "site"]


def paired_episode_differences(
    episodes: pd.DataFrame, baseline: str, figures=(*EPISODE_MEANS, "shortage")
) -> pd.DataFrame:
    """Paired differences (policy − baseline) of episode figures, matched on (replication,
    disruption, episode, site): every policy is scored on the same pairs."""
    rows = []
    if episodes.empty or baseline not in set(episodes["policy"]):
        return pd.DataFrame(rows)
    base = episodes[episodes["policy"] == baseline].set_index(EPISODE_KEY)
    for policy, g in episodes.groupby("policy", sort=False):
        if policy == baseline:
            continue
        g = g.set_index(EPISODE_KEY)
        common = g.index.intersection(base.index)
        for fig in figures:
            d = g.loc[common, fig].to_numpy(float) - base.loc[common, fig].to_numpy(float)
            rows.append({"policy": policy, "baseline": baseline, "figure": fig, **t_interval(d)})
    return pd.DataFrame(rows)
