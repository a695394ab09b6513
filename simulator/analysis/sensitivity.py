"""Global sensitivity indices from SALib: Morris screening and Sobol indices, with their 95%
confidence intervals (bootstrap, seeded).

Pure functions over a design (the SALib sample, one row per design point) and one figure's mean
per point. SALib is an optional dependency (the ``sensitivity`` extra), imported inside the
functions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .statistics import CONFIDENCE

#: Bootstrap resamples of the intervals.
RESAMPLES = 1000


def problem(bounds: dict[str, tuple[float, float]]) -> dict:
    """The SALib problem of ``{path: (low, high)}``, in the order given."""
    return {
        "num_vars": len(bounds),
        "names": list(bounds),
        "bounds": [[float(lo), float(hi)] for lo, hi in bounds.values()],
    }


def morris_indices(
    prob: dict, x: np.ndarray, y: np.ndarray, levels: int, seed: int
) -> pd.DataFrame:
    """Per parameter: μ (mean elementary effect), μ* (mean absolute effect, the importance) with
    its 95% interval half-width, and σ (spread: interactions or non-linearity), in the figure's
    units per whole range."""
    from SALib.analyze import morris

    res = morris.analyze(
        prob,
        np.asarray(x, float),
        np.asarray(y, float),
        num_resamples=RESAMPLES,
        conf_level=CONFIDENCE,
        num_levels=levels,
        seed=seed,
    )
    return pd.DataFrame(
        {
            "parameter": prob["names"],
            "mu": np.asarray(res["mu"], float),
            "mu_star": np.asarray(res["mu_star"], float),
            "mu_star_conf": np.asarray(res["mu_star_conf"], float),
            "sigma": np.asarray(res["sigma"], float),
        }
    )


def sobol_indices(prob: dict, y: np.ndarray, seed: int) -> pd.DataFrame:
    """Per parameter: first-order (S1) and total (ST) Sobol indices with their 95% interval
    half-widths; NaN where the figure does not vary at all over the design."""
    from SALib.analyze import sobol

    y = np.asarray(y, float)
    k = prob["num_vars"]
    if np.ptp(y) == 0:
        nan = np.full(k, np.nan)
        return pd.DataFrame(
            {"parameter": prob["names"], "S1": nan, "S1_conf": nan, "ST": nan, "ST_conf": nan}
        )
    res = sobol.analyze(
        prob, y, calc_second_order=False, num_resamples=RESAMPLES, conf_level=CONFIDENCE, seed=seed
    )
    return pd.DataFrame(
        {
            "parameter": prob["names"],
            "S1": np.asarray(res["S1"], float),
            "S1_conf": np.asarray(res["S1_conf"], float),
            "ST": np.asarray(res["ST"], float),
            "ST_conf": np.asarray(res["ST_conf"], float),
        }
    )
