"""Summaries with confidence intervals, paired differences and Wilson intervals.

Every summary carries its standard error and a 95% interval, never a bare mean.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import stats

CONFIDENCE = 0.95


def t_interval(values: np.ndarray, confidence: float = CONFIDENCE) -> dict[str, float]:
    """Mean, sd, standard error and a Student-t interval of finite values (NaNs dropped)."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return {
            "n": 0,
            "mean": math.nan,
            "sd": math.nan,
            "se": math.nan,
            "ci_low": math.nan,
            "ci_high": math.nan,
        }
    mean = float(x.mean())
    if n == 1:
        return {
            "n": 1,
            "mean": mean,
            "sd": math.nan,
            "se": math.nan,
            "ci_low": math.nan,
            "ci_high": math.nan,
        }
    sd = float(x.std(ddof=1))
    se = sd / math.sqrt(n)
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * se
    return {"n": n, "mean": mean, "sd": sd, "se": se, "ci_low": mean - half, "ci_high": mean + half}


def wilson(successes: float, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval for a proportion; behaves at 0 and 1."""
    if n == 0:
        return math.nan, math.nan
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


PROPORTION_FIGURES = frozenset({"stockout_any"})


def summarize(
    reps: pd.DataFrame,
    figures: list[str],
    by: str = "policy",
    ranges: Callable[[str], tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """Long table: one row per ``by`` value × figure with n, mean, sd, se and 95% CI.

    Proportions (0/1 figures such as ``stockout_any``) get a Wilson interval. With ``ranges``
    (figure → (low, high)), intervals are clipped to the figure's possible values and
    ``clipped`` says where that happened.
    """
    rows = []
    for key, group in reps.groupby(by, sort=False):
        for f in figures:
            s = t_interval(group[f].to_numpy())
            if ranges is not None:
                lo, hi = ranges(f)
                clipped = s["ci_low"] < lo or s["ci_high"] > hi
                s["ci_low"], s["ci_high"] = max(s["ci_low"], lo), min(s["ci_high"], hi)
                s["clipped"] = bool(clipped)
            if f in PROPORTION_FIGURES and s["n"] > 0:
                vals = group[f].to_numpy(dtype=float)
                vals = vals[np.isfinite(vals)]
                s["ci_low"], s["ci_high"] = wilson(float(vals.sum()), len(vals))
                s["interval"] = "wilson"
            else:
                s["interval"] = "t"
            rows.append({by: key, "figure": f, **s})
    return pd.DataFrame(rows)


def paired_differences(
    reps: pd.DataFrame, figures: list[str], baseline: str, key: str = "replication"
) -> pd.DataFrame:
    """Paired differences (policy − baseline) per figure, matched on ``key`` (common random
    numbers), with a t interval; also the relative difference of means."""
    base = reps[reps["policy"] == baseline].set_index(key)
    rows = []
    for policy, group in reps.groupby("policy", sort=False):
        if policy == baseline:
            continue
        g = group.set_index(key)
        common = g.index.intersection(base.index)
        for f in figures:
            d = g.loc[common, f].to_numpy(dtype=float) - base.loc[common, f].to_numpy(dtype=float)
            s = t_interval(d)
            b = float(np.nanmean(base.loc[common, f].to_numpy(dtype=float))) if len(common) else 0
            rel = s["mean"] / b if b not in (0.0,) and math.isfinite(b) else math.nan
            rel_lo, rel_hi = (s["ci_low"] / b, s["ci_high"] / b) if b else (math.nan, math.nan)
            if b < 0:
                rel_lo, rel_hi = rel_hi, rel_lo
            unpaired = welch_halfwidth(
                g.loc[common, f].to_numpy(dtype=float), base.loc[common, f].to_numpy(dtype=float)
            )
            rows.append(
                {
                    "policy": policy,
                    "baseline": baseline,
                    "figure": f,
                    **s,
                    "relative": rel,
                    "rel_ci_low": rel_lo,
                    "rel_ci_high": rel_hi,
                    "unpaired_halfwidth": unpaired,
                }
            )
    return pd.DataFrame(rows)


def welch_halfwidth(a: np.ndarray, b: np.ndarray, confidence: float = CONFIDENCE) -> float:
    """Half-width of the Welch (unpaired) interval for mean(a) − mean(b).

    Reported beside each paired interval to show what common random numbers buy.
    """
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if len(a) < 2 or len(b) < 2:
        return math.nan
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        return 0.0
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    return float(stats.t.ppf(0.5 + confidence / 2, dof)) * se
