"""Stress-test figures: per failed element × duration × policy, with intervals, a ranking, the
time-to-survive against time-to-recover flag and the risk exposure index.

Pure functions over the rows of :mod:`simulator.experiment.stress` (one per case × policy ×
replication, the failure's episode figures reduced per replication) and its case table.

* ``tts_days`` — time to survive: Kaplan–Meier median over replications of the days from the
  failure's start to the first shortage at any site, a replication without shortage censored at
  the days it was observed (NaN: more than half never ran short — "not reached").
* ``ttr_days`` — simulated lasting time to recover given a shortage (Kaplan–Meier median).
* ``ttr_input_days`` — how long the element takes to recover: the mean duration of the
  scenario's own disruptions of it (``own_duration_days``; ``ttr_source`` = ``scenario``), or
  the failure's duration where the scenario has none (``ttr_source`` = ``duration``). TTS is
  measured under a failure of ``duration_days``: choose a duration at least as long as the
  element's own to read the flag of a ``scenario`` TTR.
* ``at_risk`` — TTS < the time to recover: the network runs short before the element is back
  (Simchi-Levi's time-to-survive test), i.e. this element is a single point of failure for the
  policy.
* ``lost_units`` — unmet demand over the whole run minus the baseline's (nothing failing) in
  the same replication, a paired difference on common random numbers; ``lost_value`` = units ×
  the product's unit value.
* ``risk_exposure_index`` — lost value ÷ the largest lost value among the elements of the same
  policy and duration (the worst element is 1; negative noise is shown as 0);
  ``exposure_overall`` divides by the largest over every policy of that duration instead, so
  policies can be compared.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .episodes import kaplan_meier
from .statistics import t_interval, wilson

#: The interval columns of each mean figure (``<figure>``, ``<figure>_low``, ``<figure>_high``).
MEAN_FIGURES = ("performance_loss", "unmet_units", "fill_rate_during", "lost_units", "lost_value")


def _with_interval(out: dict, name: str, values: np.ndarray) -> None:
    s = t_interval(values)
    out[name], out[f"{name}_low"], out[f"{name}_high"] = s["mean"], s["ci_low"], s["ci_high"]


def _km(out: dict, name: str, times: np.ndarray, censored: np.ndarray) -> None:
    km = kaplan_meier(times, censored)
    out[name] = km["median"]
    out[f"{name}_low"], out[f"{name}_high"] = km["median_low"], km["median_high"]
    out[name.replace("_days", "_censored")] = km["censored"]


def case_figures(g: pd.DataFrame, base_unmet: np.ndarray, unit_value: float) -> dict:
    """Figures of one element × duration × policy from its rows ``g`` (replications, possibly
    several start days each) and the baseline's unmet demand of the same replications."""
    out: dict = {"n": len(g), "sites": float(g["sites"].max()) if len(g) else 0.0}
    k = float(g["shortage"].sum())
    out["p_shortage"] = k / len(g) if len(g) else math.nan
    out["p_shortage_low"], out["p_shortage_high"] = wilson(k, len(g))
    seen = g[g["sites"] > 0]
    short = seen["shortage"] > 0
    tts = np.where(short, seen["tts_days"], seen["tts_observed"]).astype(float)
    _km(out, "tts_days", tts, ~short.to_numpy())
    hit = seen[short]
    _km(out, "ttr_days", hit["ttr_days"].to_numpy(float), hit["ttr_censored"].to_numpy() > 0)
    for f in ("performance_loss", "unmet_units", "fill_rate_during"):
        _with_interval(out, f, g[f].to_numpy(float))
    lost = g["unmet_demand"].to_numpy(float) - base_unmet
    _with_interval(out, "lost_units", lost)
    _with_interval(out, "lost_value", lost * unit_value)
    return out


def summarize_stress(
    rows: pd.DataFrame, cases: pd.DataFrame, policies: list[str], unit_value: float
) -> pd.DataFrame:
    """One row per element × duration × policy (see the module docstring), ranked by lost value
    (rank 1 = the most damaging element for that policy and duration)."""
    meta = cases[cases["case"] != 0].set_index("case")
    base = rows[rows["case"] == 0].set_index(["policy", "replication"])["unmet_demand"]
    data = rows[rows["case"] != 0].join(meta[["element", "kind", "duration_days"]], on="case")
    out = []
    for (element, duration, policy), g in data.groupby(
        ["element", "duration_days", "policy"], sort=False
    ):
        b = base.loc[[(policy, r) for r in g["replication"]]].to_numpy(float)
        m = meta[(meta["element"] == element) & (meta["duration_days"] == duration)].iloc[0]
        row = {
            "element": element,
            "kind": m["kind"],
            "duration_days": duration,
            "policy": policy,
            **case_figures(g, b, unit_value),
        }
        own = float(m.get("own_duration_days", math.nan))
        row["own_duration_days"] = own
        row["ttr_input_days"] = own if math.isfinite(own) else float(duration)
        row["ttr_source"] = "scenario" if math.isfinite(own) else "duration"
        tts = row["tts_days"]
        row["at_risk"] = bool(math.isfinite(tts) and tts < row["ttr_input_days"])
        out.append(row)
    table = pd.DataFrame(out)
    if table.empty:
        return table
    order = {p: k for k, p in enumerate(policies)}
    table["_p"] = table["policy"].map(order)
    table = table.sort_values(
        ["duration_days", "_p", "lost_value", "element"],
        ascending=[True, True, False, True],
        kind="stable",
    )
    table["rank"] = table.groupby(["duration_days", "policy"]).cumcount() + 1
    worst = table.groupby(["duration_days", "policy"])["lost_value"].transform("max")
    worst_all = table.groupby("duration_days")["lost_value"].transform("max")
    table["risk_exposure_index"] = _index(table["lost_value"], worst)
    table["exposure_overall"] = _index(table["lost_value"], worst_all)
    return table.drop(columns="_p").reset_index(drop=True)


def _index(value: pd.Series, worst: pd.Series) -> pd.Series:
    v = value.clip(lower=0.0)
    return (v / worst.where(worst > 0)).fillna(0.0)


def single_points_of_failure(table: pd.DataFrame) -> pd.DataFrame:
    """The elements at risk (TTS < TTR) per policy and duration, worst first: element, policy,
    duration, TTS, lost value and the index."""
    cols = ["duration_days", "policy", "rank", "element", "tts_days", "lost_value"]
    cols.append("risk_exposure_index")
    if table.empty:
        return table
    return table[table["at_risk"]][cols].reset_index(drop=True)
